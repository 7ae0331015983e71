"""The IDP: build from gaps, goals and planned 70:20:10 activities, submit, carry-over, PDF."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from lms.cycles import create_cycle, cycle_areas
from lms.extensions import db
from lms.learning import planned_balance
from lms.models import ActivityKind, AuditEvent, Course, Goal, Plan, PlannedActivity
from lms.plans.carry_over import carry_over
from lms.plans.services import (
    PlanError,
    add_planned_activity,
    build_from_gaps,
)
from lms.plans.workflow import submit_plan
from tests.conftest import login
from tests.factories import PersonFactory, ready_to_send, submitted_assessment


@pytest.fixture
def person(client, cycle):
    # ACAD: targets DLIT 3, DGOV 2, DTECH 2, DPSD 2, SPM 2 (DLEAD and DTRANS not required)
    someone = PersonFactory(supervisor=PersonFactory())
    submitted_assessment(someone, cycle, level=1)
    login(client, someone)
    return someone


def pdf_text(data: bytes) -> bytes:
    """The PDF's bytes with its compressed streams inflated (font names live in them)."""
    import re
    import zlib

    parts = [data]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            parts.append(zlib.decompress(stream))
        except zlib.error:
            continue
    return b"".join(parts)


def plan_of(person, cycle) -> Plan | None:
    db.session.expire_all()
    return db.session.scalars(
        select(Plan).where(Plan.person_id == person.id, Plan.cycle_id == cycle.id)
    ).first()


def kind(code):
    return db.session.scalars(select(ActivityKind).where(ActivityKind.code == code)).one()


def built(client, person, cycle) -> Plan:
    client.post("/plan/2566/build")
    return plan_of(person, cycle)


def version(person, cycle):
    return str(plan_of(person, cycle).version)


def test_building_from_gaps_prefills_goals_largest_gap_first(client, person, cycle):
    page = client.get("/plan/2566/").get_data(as_text=True)
    assert "สร้างแผนพัฒนาจากช่องว่างทักษะของฉัน" in page
    response = client.post("/plan/2566/build", follow_redirects=True)
    assert "เพิ่มเป้าหมาย 5 ข้อจากช่องว่างทักษะแล้ว" in response.get_data(as_text=True)
    plan = plan_of(person, cycle)
    assert plan.goals[0].area.code == "DLIT"  # gap 2, first in framework order
    # DLEAD and DTRANS are not required of the ACAD group (OCSC/TPQI): never a gap
    assert {g.area.code for g in plan.goals} == {"DLIT", "DGOV", "DTECH", "DPSD", "SPM"}
    dlit = plan.goals[0]
    assert (dlit.current_level, dlit.target_level) == (1, 3)
    assert dlit.due_on == cycle.evaluation_due
    again = client.post("/plan/2566/build", follow_redirects=True).get_data(as_text=True)
    assert "ทุกช่องว่างทักษะมีเป้าหมายในแผนแล้ว" in again
    assert len(plan_of(person, cycle).goals) == 5


def test_building_needs_a_submitted_self_assessment(client, cycle):
    someone = PersonFactory()
    login(client, someone)
    assert "ประเมินทักษะของฉันก่อน" in client.get("/plan/2566/").get_data(as_text=True)
    response = client.post("/plan/2566/build", follow_redirects=True)
    assert "กรุณาส่งแบบประเมินตนเองก่อน" in response.get_data(as_text=True)
    assert plan_of(someone, cycle) is None


def goal_data(**extra):
    data = {
        "area_id": "",
        "current_level": "1",
        "target_level": "2",
        "success_criteria": "ทำรายงานได้เอง",
        "due_on": "2023-06-30",
        "version": "",
    }
    data.update(extra)
    return data


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({}, "เลือกด้านทักษะที่เป้าหมายนี้พัฒนา"),
        ({"target_level": "0"}, "ระดับเป้าหมายต้องไม่ต่ำกว่าระดับปัจจุบัน"),
        ({"target_level": "7"}, "กรุณาเลือกจากรายการ"),
        ({"due_on": "2024-01-01"}, "เลือกวันที่ภายในปีงบประมาณ (1 ต.ค. 2565 – 30 ก.ย. 2566)"),
        ({"due_on": "31/13/2565"}, "กรุณาระบุวันที่เป็น วัน/เดือน/ปี พ.ศ. เช่น 31/1/2566"),
    ],
)
def test_bad_goals_are_refused_and_the_form_keeps_the_typing(client, person, cycle, extra, message):
    if extra:
        extra.setdefault("area_id", str(cycle_areas(cycle)[0].id))
    response = client.post("/plan/2566/goals/new", data=goal_data(**extra))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page and "ทำรายงานได้เอง" in page
    assert plan_of(person, cycle) is None or not plan_of(person, cycle).goals


def test_add_edit_reorder_and_delete_goals(client, person, cycle):
    areas = cycle_areas(cycle)
    for area in areas[:3]:
        response = client.post("/plan/2566/goals/new", data=goal_data(area_id=str(area.id)))
        assert response.status_code == 302
    plan = plan_of(person, cycle)
    first, second, third = plan.goals
    client.post(f"/plan/2566/goals/{third.id}/move/up", data={"version": version(person, cycle)})
    assert [g.id for g in plan_of(person, cycle).goals] == [first.id, third.id, second.id]
    response = client.post(
        f"/plan/2566/goals/{first.id}/edit",
        data=goal_data(area_id=str(areas[0].id), target_level="4", version=version(person, cycle)),
    )
    assert response.status_code == 302
    assert plan_of(person, cycle).goals[0].target_level == 4
    client.post(f"/plan/2566/goals/{second.id}/delete", data={"version": version(person, cycle)})
    assert [g.id for g in plan_of(person, cycle).goals] == [first.id, third.id]
    assert [g.position for g in plan_of(person, cycle).goals] == [0, 1]


def activity_data(**extra):
    data = {
        "bucket": "70",
        "kind_id": "",
        "title": "ทำแดชบอร์ดให้ส่วน",
        "course_id": "",
        "hours": "10",
        "version": "",
    }
    data.update(extra)
    return data


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"hours": "-2"}, "ทศนิยมไม่เกิน 1 ตำแหน่ง"),
        ({"hours": "NaN"}, "ทศนิยมไม่เกิน 1 ตำแหน่ง"),  # probe r07
        ({"hours": "1.25"}, "ทศนิยมไม่เกิน 1 ตำแหน่ง"),  # probe r16
        ({"hours": "1001"}, "จำนวนชั่วโมงต้องมากกว่า 0 และไม่เกิน 1,000"),
        ({"hours": "สิบ"}, "กรุณาระบุจำนวนชั่วโมงเป็นตัวเลข"),
        ({"bucket": "10", "title": ""}, "เลือกหลักสูตรจากรายการ หรือเขียนชื่อการเรียนรู้"),
        ({"bucket": "20", "title": ""}, "กรุณาเขียนสิ่งที่ท่านจะทำ"),
        ({"bucket": "30"}, "เลือก 70, 20 หรือ 10"),
    ],
)
def test_bad_planned_activities_are_refused(client, person, cycle, extra, message):
    goal = built(client, person, cycle).goals[0]
    data = activity_data(**extra, version=version(person, cycle))
    response = client.post(f"/plan/2566/goals/{goal.id}/activities/new", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    if data["title"]:
        assert data["title"] in page
    assert db.session.scalars(select(PlannedActivity)).all() == []


def test_kind_and_course_must_fit_the_bucket(client, person, cycle):
    goal = built(client, person, cycle).goals[0]
    course = db.session.scalars(select(Course).where(Course.code == "DS13")).one()
    wrong_kind = activity_data(kind_id=str(kind("COACHING").id), version=version(person, cycle))
    page = client.post(f"/plan/2566/goals/{goal.id}/activities/new", data=wrong_kind).get_data(
        as_text=True
    )
    assert "ประเภทนี้อยู่ในส่วน 20" in page
    course_on_job = activity_data(course_id=str(course.id), version=version(person, cycle))
    page = client.post(f"/plan/2566/goals/{goal.id}/activities/new", data=course_on_job).get_data(
        as_text=True
    )
    assert "กรุณาเลือกส่วน 10" in page


def test_a_course_activity_takes_its_title_and_the_balance_shows(client, person, cycle):
    goal = built(client, person, cycle).goals[0]
    course = db.session.scalars(select(Course).where(Course.code == "DS13")).one()
    client.post(
        f"/plan/2566/goals/{goal.id}/activities/new",
        data=activity_data(
            bucket="10",
            title="",
            course_id=str(course.id),
            hours="3",
            kind_id=str(kind("ELEARNING").id),
            version=version(person, cycle),
        ),
    )
    client.post(
        f"/plan/2566/goals/{goal.id}/activities/new",
        data=activity_data(hours="27", version=version(person, cycle)),
    )
    plan = plan_of(person, cycle)
    titles = {a.title for a in plan.goals[0].activities}
    assert "Digital Literacy" in titles
    balance = planned_balance(plan)
    assert balance.hours == {"70": Decimal(27), "20": Decimal(0), "10": Decimal(3)}
    assert balance.share("70") == pytest.approx(0.9)
    assert balance.far_from_ideal  # 90:0:10 is more than 20 points off
    assert balance.short_of == "20"  # the tip asks for learning from others, not more of 70
    page = client.get("/plan/2566/").get_data(as_text=True)
    assert "คำแนะนำ: หลัก 70:20:10 ให้เรียนรู้จากผู้อื่น" in page and "<svg" in page
    assert "ตามแผน · 30 ชั่วโมง" in page  # not the cycle status "ยังไม่เปิด"


@pytest.mark.parametrize(
    ("hours", "short"),
    [
        ((91, 9, 0), "20"),
        ((40, 30, 30), "70"),
        ((75, 25, 0), None),
        ((60, 0, 40), "20"),
        ((95, 5, 0), "20"),
    ],
)
def test_the_70_20_10_tip_names_the_bucket_that_is_short(hours, short):
    from lms.learning import Balance

    balance = Balance(dict(zip(("70", "20", "10"), map(Decimal, hours), strict=True)))
    assert balance.short_of == short


def test_submitting_needs_goals_with_activities_then_locks_the_plan(client, person, cycle):
    plan = built(client, person, cycle)
    response = client.post(
        "/plan/2566/submit", data={"version": str(plan.version)}, follow_redirects=True
    )
    assert "ยังมี 5 เป้าหมายที่ยังไม่ครบ" in response.get_data(as_text=True)
    assert plan_of(person, cycle).status == "draft"
    for goal in plan.goals:
        add_planned_activity(
            goal, {"bucket": "70", "title": "ลงมือทำ", "hours": Decimal(5)}, by=person
        )
    ready_to_send(plan)
    db.session.commit()
    client.post("/plan/2566/submit", data={"version": version(person, cycle)})
    plan = plan_of(person, cycle)
    assert plan.status == "submitted" and plan.submitted_at is not None
    page = client.get("/plan/2566/").get_data(as_text=True)
    assert "ระหว่างพิจารณาจะแก้ไขแผนไม่ได้" in page and "ลบเป้าหมาย" not in page
    goal = plan.goals[0]
    response = client.post(
        f"/plan/2566/goals/{goal.id}/edit",
        data=goal_data(area_id=str(goal.area_id), version=str(plan.version)),
    )
    assert response.status_code == 422 and "ส่งแผนนี้แล้ว" in response.get_data(as_text=True)
    client.post(f"/plan/2566/goals/{goal.id}/delete", data={"version": str(plan.version)})
    assert len(plan_of(person, cycle).goals) == 5


def test_a_plan_without_goals_cannot_be_submitted(person, cycle):
    plan, _ = build_from_gaps(person, cycle, by=person)
    plan.goals.clear()
    with pytest.raises(PlanError):
        ready_to_send(plan)
        submit_plan(plan, by=person)


def test_an_edit_from_an_old_page_is_refused_not_overwritten(client, person, cycle):
    plan = built(client, person, cycle)
    stale = str(plan.version)
    goal = plan.goals[0]
    client.post(f"/plan/2566/goals/{goal.id}/activities/new", data=activity_data(version=stale))
    response = client.post(
        f"/plan/2566/goals/{goal.id}/edit",
        data=goal_data(area_id=str(goal.area_id), target_level="4", version=stale),
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "แผนถูกแก้ไขในหน้าต่างอื่น" in page
    assert plan_of(person, cycle).goals[0].target_level == 3  # not overwritten


def test_someone_elses_goals_are_not_found(client, person, cycle):
    other = PersonFactory()
    submitted_assessment(other, cycle)
    plan, _ = build_from_gaps(other, cycle, by=other)
    db.session.commit()
    goal = plan.goals[0]
    for method, url in [
        ("get", f"/plan/2566/goals/{goal.id}/edit"),
        ("post", f"/plan/2566/goals/{goal.id}/delete"),
        ("post", f"/plan/2566/goals/{goal.id}/move/up"),
        ("get", f"/plan/2566/goals/{goal.id}/activities/new"),
    ]:
        assert getattr(client, method)(url).status_code == 404, url


def test_unfinished_goals_are_carried_over_once_with_their_activities(client, person, cycle, ocsc):
    earlier = create_cycle(2565, ocsc, status="open")
    submitted_assessment(person, earlier, level=1)
    old, _ = build_from_gaps(person, earlier, by=person)
    for goal, outcome in zip(
        old.goals, ["achieved", "partly", "not_achieved", None, "partly"], strict=True
    ):
        goal.supervisor_outcome = outcome
        add_planned_activity(
            goal, {"bucket": "20", "title": "สอนงาน", "hours": Decimal(4)}, by=person
        )
    old.status = "completed"
    earlier.status = "closed"
    db.session.commit()
    page = client.get("/plan/2566/").get_data(as_text=True)
    assert "ยกเป้าหมายที่ยังไม่บรรลุ 4 ข้อจากปีงบประมาณ 2565" in page
    client.post("/plan/2566/carry-over")
    plan = plan_of(person, cycle)
    assert len(plan.goals) == 4
    assert all(g.carried_from_id for g in plan.goals)
    assert all(len(g.activities) == 1 for g in plan.goals)
    assert all(g.due_on == cycle.evaluation_due for g in plan.goals)
    again = client.post("/plan/2566/carry-over", follow_redirects=True).get_data(as_text=True)
    assert "อยู่ในแผนแล้ว" in again and len(plan_of(person, cycle).goals) == 4
    # building from gaps afterwards adds only areas that are not in the plan yet
    _plan, added = build_from_gaps(person, cycle, by=person)
    assert added == 1


def test_carry_over_without_an_earlier_plan_says_so(person, cycle):
    with pytest.raises(PlanError, match="ไม่มีแผนจากรอบก่อนให้ยกมา"):
        carry_over(person, cycle, by=person)


def test_course_suggestions_rank_by_level_and_colleagues(client, person, cycle):
    from lms.activities.services import log_activity
    from lms.plans.suggestions import suggest_courses

    first = suggest_courses("DLIT", 1, person)
    assert first and all(any(a.area_code == "DLIT" for a in s.course.areas) for s in first)
    assert first[0].course.level == 2  # the next step up from level 1
    # a colleague of the same role group completed a level-1 DLIT course: it climbs among equals
    colleague = PersonFactory()
    basic = [s.course for s in suggest_courses("DLIT", 0, person, limit=20) if s.course.level == 1]
    log_activity(
        colleague,
        cycle,
        {
            "bucket": "10",
            "course": basic[-1],
            "occurred_on": date(2022, 11, 1),
            "hours": Decimal(2),
            "completed": True,
        },
        by=colleague,
    )
    db.session.commit()
    ranked = suggest_courses("DLIT", 0, person, limit=20)
    assert ranked[0].course.id == basic[-1].id and ranked[0].colleagues == 1


def test_suggested_course_is_added_to_the_goal(client, person, cycle):
    plan = built(client, person, cycle)
    goal = plan.goals[0]
    page = client.get("/plan/2566/").get_data(as_text=True)
    assert "หลักสูตรแนะนำ" in page
    course = db.session.scalars(select(Course).where(Course.code == "DS13")).one()
    client.post(
        f"/plan/2566/goals/{goal.id}/courses/{course.id}", data={"version": str(plan.version)}
    )
    [activity] = plan_of(person, cycle).goals[0].activities
    assert (activity.bucket, activity.course_id, activity.kind_id) == (
        "10",
        course.id,
        kind("ELEARNING").id,
    )


def test_plan_pdf_in_thai_for_the_owner_and_the_supervisor_only(client, app, person, cycle):
    boss = PersonFactory(unit=person.unit)
    colleague = PersonFactory(unit=person.unit)
    person.supervisor = boss
    db.session.commit()
    plan = built(client, person, cycle)
    response = client.get("/plan/2566/plan.pdf")
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/pdf"
    assert response.data.startswith(b"%PDF") and b"Sarabun" in pdf_text(response.data)
    url = f"/people/{person.employee_no}/plans/2566/plan.pdf"
    other = app.test_client()
    login(other, boss)
    assert other.get(url).status_code == 404  # a draft is private
    plan.status = "submitted"
    db.session.commit()
    assert other.get(url).status_code == 200
    assert other.get(f"/people/{person.employee_no}/plans/2566").status_code == 200
    assert db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "export_plan_pdf")
    ).first()
    stranger = app.test_client()
    login(stranger, colleague)
    assert stranger.get(url).status_code == 404


def test_goals_are_deleted_with_their_activities(person, cycle):
    plan, _ = build_from_gaps(person, cycle, by=person)
    add_planned_activity(
        plan.goals[0], {"bucket": "70", "title": "x", "hours": Decimal(1)}, by=person
    )
    db.session.commit()
    from lms.plans.services import delete_goal

    delete_goal(plan.goals[0], by=person)
    db.session.commit()
    assert db.session.scalars(select(PlannedActivity)).all() == []
    assert len(db.session.scalars(select(Goal)).all()) == 4


def test_carry_over_never_duplicates_an_area_already_in_the_plan(client, person, cycle, ocsc):
    earlier = create_cycle(2565, ocsc, status="open")
    submitted_assessment(person, earlier, level=1)
    old, _ = build_from_gaps(person, earlier, by=person)
    old.status, earlier.status = "completed", "closed"
    db.session.commit()
    built(client, person, cycle)  # all five gap areas are in the plan already
    assert "ยกเป้าหมายที่ยังไม่บรรลุ" not in client.get("/plan/2566/").get_data(as_text=True)
    _plan, added = carry_over(person, cycle, by=person)
    assert added == 0
    assert len(plan_of(person, cycle).goals) == 5
