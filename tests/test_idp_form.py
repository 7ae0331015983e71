"""The IDP as Thai offices use the form (issue 9): a period per activity, the support the person
needs, the year-end result and the supervisor's opinion, a signature block with name, position
and date, and hours that read the same on screen and in the PDF."""

from decimal import Decimal

from sqlalchemy import select

from lms.evaluations.services import save_self_evaluation, save_supervisor_evaluation
from lms.extensions import db
from lms.models import PlannedActivity
from lms.plans.pdf import plan_form_html
from lms.plans.services import add_planned_activity
from lms.plans.workflow import approve_plan, submit_plan
from tests import test_plans
from tests.conftest import login
from tests.factories import PersonFactory, ready_to_send
from tests.test_plans import activity_data, built, plan_of, version

person = test_plans.person  # an academic officer at level 1 everywhere, with a boss, logged in


def goal_form(**extra):
    data = {
        "area_id": "",
        "current_level": "1",
        "target_level": "2",
        "success_criteria": "ทำแดชบอร์ดได้เอง",
        "support_needed": "ขอเวลาเข้าอบรมครึ่งวัน และผู้สอนงานจากกองพัฒนาระบบคอมพิวเตอร์",
        "due_on": "",
    }
    data.update(extra)
    return data


def test_support_needed_is_kept_and_shown_on_screen_and_in_the_form(client, person, cycle):
    goal = built(client, person, cycle).goals[0]
    data = goal_form(area_id=str(goal.area_id), version=version(person, cycle))
    response = client.post(f"/plan/2566/goals/{goal.id}/edit", data=data)
    assert response.status_code == 302
    saved = plan_of(person, cycle).goals[0]
    assert saved.support_needed.startswith("ขอเวลาเข้าอบรมครึ่งวัน")
    page = client.get("/plan/2566/").get_data(as_text=True)
    assert "การสนับสนุนที่ต้องการ:" in page and "ผู้สอนงานจากกองพัฒนาระบบคอมพิวเตอร์" in page
    form = plan_form_html(saved.plan)
    assert "การสนับสนุนที่ต้องการ:</strong> ขอเวลาเข้าอบรมครึ่งวัน" in form


def test_too_long_support_is_refused_with_the_typing_kept(client, person, cycle):
    goal = built(client, person, cycle).goals[0]
    long = "ก" * 2001
    data = goal_form(area_id=str(goal.area_id), support_needed=long, version=version(person, cycle))
    response = client.post(f"/plan/2566/goals/{goal.id}/edit", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "ไม่เกิน 2,000 ตัวอักษร" in page and long in page


def test_a_planned_activity_has_a_period_within_the_year(client, person, cycle):
    goal = built(client, person, cycle).goals[0]
    data = activity_data(
        starts_on="1/12/2565", ends_on="31/1/2566", hours="20", version=version(person, cycle)
    )
    assert client.post(f"/plan/2566/goals/{goal.id}/activities/new", data=data).status_code == 302
    activity = db.session.scalars(select(PlannedActivity)).one()
    assert (activity.starts_on.isoformat(), activity.ends_on.isoformat()) == (
        "2022-12-01",
        "2023-01-31",
    )
    shown = '1 ธ.ค. 2565</span> – <span class="nowrap">31 ม.ค. 2566'
    assert shown in client.get("/plan/2566/").get_data(as_text=True)
    form = plan_form_html(plan_of(person, cycle))
    assert "ระยะเวลา" in form and shown in form


def test_a_bad_period_is_refused_with_the_typing_kept(client, person, cycle):
    goal = built(client, person, cycle).goals[0]
    for extra, message in (
        ({"starts_on": "1/3/2566", "ends_on": "1/2/2566"}, "วันสิ้นสุดต้องไม่อยู่ก่อนวันเริ่มต้น"),
        ({"starts_on": "1/12/2566"}, "เลือกวันที่ภายในปีงบประมาณ"),
    ):
        data = activity_data(**extra, version=version(person, cycle))
        response = client.post(f"/plan/2566/goals/{goal.id}/activities/new", data=data)
        assert response.status_code == 422
        page = response.get_data(as_text=True)
        assert message in page and extra["starts_on"] in page and data["title"] in page
    assert db.session.scalars(select(PlannedActivity)).all() == []


def test_hours_read_the_same_on_screen_and_in_the_form(client, person, cycle):
    goal = built(client, person, cycle).goals[0]
    for hours in ("20", "1.5"):
        data = activity_data(hours=hours, title=f"งาน {hours}", version=version(person, cycle))
        client.post(f"/plan/2566/goals/{goal.id}/activities/new", data=data)
    page = client.get("/plan/2566/").get_data(as_text=True)
    form = plan_form_html(plan_of(person, cycle))
    for shown in ('<td class="num">20</td>', '<td class="num">1.5</td>'):
        assert shown in page and shown in form
    assert "20.0" not in form and "21.5" in form  # the 70:20:10 total, as on screen


def test_the_form_carries_the_year_end_result_and_a_signature_block(app, client, person, cycle):
    boss = person.supervisor
    boss.position_th = "ผู้อำนวยการส่วน"
    db.session.commit()
    plan = built(client, person, cycle)
    form = plan_form_html(plan)
    assert form.count("ลงชื่อ") == 2 and "ผู้จัดทำแผน" in form and "ผู้บังคับบัญชา" in form
    assert f"({person.name_th})" in form and f"ตำแหน่ง {person.position_th}" in form
    assert f"({boss.name_th})" in form and "ตำแหน่ง ผู้อำนวยการส่วน" in form
    assert form.count("วันที่ <span class") == 2
    assert "ผลการพัฒนา" in form and "ความเห็นของผู้บังคับบัญชา" in form
    for g in plan.goals:
        add_planned_activity(g, {"bucket": "70", "title": "ลงมือทำ", "hours": Decimal(5)}, by=person)
    ready_to_send(plan)
    submit_plan(plan, by=person)
    approve_plan(plan, by=boss)
    goal = plan.goals[0]
    save_self_evaluation(
        plan, {goal.id: ("achieved", "ทำแดชบอร์ดใช้ในส่วนแล้ว")}, by=person, finish=False
    )
    save_supervisor_evaluation(plan, {}, {goal.id: ("partly", "ควรฝึกต่อ")}, by=boss, complete=False)
    db.session.commit()
    form = plan_form_html(plan)
    assert "บรรลุ" in form and "ทำแดชบอร์ดใช้ในส่วนแล้ว" in form and "ควรฝึกต่อ" in form
    url = f"/people/{person.employee_no}/plans/2566/plan.pdf"
    reviewer = app.test_client()
    login(reviewer, boss)
    response = reviewer.get(url)
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    colleague = app.test_client()
    login(colleague, PersonFactory(unit=person.unit))  # the owner's and reviewers' only
    assert colleague.get(url).status_code == 404


def test_a_carried_over_activity_keeps_its_period_in_the_new_year(person, cycle, closed_cycle):
    from datetime import date

    from lms.cycles import cycle_areas
    from lms.models import Goal, Plan
    from lms.plans.carry_over import carry_over

    area = cycle_areas(closed_cycle)[0]
    old = Plan(person=person, cycle=closed_cycle, status="completed")
    goal = Goal(area=area, current_level=1, target_level=3, support_needed="ขอผู้สอนงาน")
    goal.activities = [
        PlannedActivity(
            bucket="70", title="ทำต่อ", starts_on=date(2021, 12, 1), ends_on=date(2022, 9, 30)
        ),
        PlannedActivity(bucket="20", title="ไม่มีช่วงเวลา"),
    ]
    old.goals = [goal]
    db.session.add(old)
    db.session.commit()
    plan, added = carry_over(person, cycle, by=person)
    assert added == 1 and plan.goals[0].support_needed == "ขอผู้สอนงาน"
    moved, undated = plan.goals[0].activities
    assert (moved.starts_on, moved.ends_on) == (date(2022, 12, 1), date(2023, 9, 30))
    assert (undated.starts_on, undated.ends_on) == (None, None)


def test_what_changed_between_versions_names_a_moved_period(app, client, person, cycle):
    from datetime import date

    from lms.plans.services import update_planned_activity
    from lms.plans.workflow import return_plan

    plan = built(client, person, cycle)
    for g in plan.goals:
        add_planned_activity(
            g,
            {
                "bucket": "70",
                "title": f"ลงมือทำ {g.area.code}",
                "hours": Decimal(20),
                "starts_on": date(2022, 11, 1),
                "ends_on": date(2023, 1, 31),
            },
            by=person,
        )
    ready_to_send(plan)
    submit_plan(plan, by=person)
    return_plan(plan, by=person.supervisor, comment="เลื่อนให้เริ่มหลังปีใหม่")
    first = plan.goals[0].activities[0]
    update_planned_activity(
        first,
        {
            "bucket": "70",
            "title": first.title,
            "hours": Decimal(20),
            "starts_on": date(2023, 1, 3),
            "ends_on": date(2023, 3, 31),
        },
        by=person,
    )
    ready_to_send(plan)
    submit_plan(plan, by=person)
    db.session.commit()
    boss = app.test_client()
    login(boss, person.supervisor)
    diff = boss.get(f"/review/{person.employee_no}/2566/versions").get_data(as_text=True)
    assert "20 ชั่วโมง" in diff and "20.0" not in diff
    assert "1 พ.ย. 2565" in diff and "3 ม.ค. 2566" in diff  # before → after


def test_a_course_without_stated_hours_asks_for_an_estimate(client, person, cycle):
    from lms.models import Course
    from lms.plans.services import add_course_to_goal

    goal = built(client, person, cycle).goals[0]
    course = db.session.scalars(select(Course).where(Course.code == "DS13")).one()
    assert course.hours is None  # OCSC does not state it
    add_course_to_goal(goal, course, by=person)
    db.session.commit()
    page = client.get("/plan/2566/").get_data(as_text=True)
    assert "ใส่ชั่วโมงโดยประมาณ" in page  # so the goal's progress can be counted
