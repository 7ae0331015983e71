"""The supervisor's side of the loop, over HTTP as people use it: review, feedback,
verification, year-end evaluation, the inbox, delegation, reassignment, and who may do what."""

import re
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from lms.activities.services import log_activity
from lms.cycles import close_cycle, create_cycle, cycle_areas
from lms.extensions import db
from lms.models import (
    Delegation,
    FeedbackMessage,
    LearningActivity,
    Notification,
    Plan,
    PlanVersion,
    SupervisorRating,
)
from lms.plans.services import add_planned_activity, build_from_gaps
from lms.plans.workflow import approve_plan, submit_plan
from tests.conftest import login
from tests.factories import PersonFactory, UnitFactory, ready_to_send, submitted_assessment

DAY = datetime(2023, 3, 1, 10, 0)  # in FY 2566, the open cycle of the fixtures


@pytest.fixture
def team(cycle, frozen_clock):
    """A director > a supervisor > the owner and a colleague; an outsider elsewhere; HR of the
    unit. The owner has a complete draft plan."""
    frozen_clock(DAY)
    unit = UnitFactory()
    director = PersonFactory(unit=unit, group="MGMT")
    supervisor = PersonFactory(unit=unit, supervisor=director)
    owner = PersonFactory(unit=unit, supervisor=supervisor)
    colleague = PersonFactory(unit=unit, supervisor=supervisor)
    outsider = PersonFactory(unit=UnitFactory())
    hr = PersonFactory(unit=UnitFactory(), group="OTHER", roles=(("hr", unit),))
    submitted_assessment(owner, cycle, level=1)
    plan, _ = build_from_gaps(owner, cycle, by=owner)
    for goal in plan.goals[2:]:
        plan.goals.remove(goal)
    for goal in plan.goals:
        add_planned_activity(
            goal, {"bucket": "70", "title": "ลงมือทำงานจริง", "hours": Decimal(4)}, by=owner
        )
    ready_to_send(plan)
    db.session.commit()
    return {
        "director": director,
        "supervisor": supervisor,
        "owner": owner,
        "colleague": colleague,
        "outsider": outsider,
        "hr": hr,
        "plan": plan,
    }


@pytest.fixture
def sent(team):
    """The team, with the owner's plan sent for review."""
    ready_to_send(team["plan"])
    submit_plan(team["plan"], by=team["owner"])
    db.session.commit()
    return team


def as_(client, person):
    client.post("/logout")
    login(client, person)
    return client


def fresh(plan) -> Plan:
    db.session.expire_all()
    return db.session.get(Plan, plan.id)


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def review_url(person, year=2566):
    return f"/review/{person.employee_no}/{year}"


def test_the_whole_loop_send_return_fix_send_approve_log_verify_evaluate(client, team):
    owner, supervisor, plan = team["owner"], team["supervisor"], team["plan"]
    as_(client, owner)
    assert supervisor.name_th in page(client, "/plan/2566/")  # the button says to whom
    client.post("/plan/2566/submit", data={"version": plan.version})
    assert fresh(plan).status == "submitted"

    as_(client, supervisor)
    inbox = page(client, "/inbox/")
    assert owner.name_th in inbox and review_url(owner) in inbox
    # Returning without a reason is refused, and what was typed stays (nothing lost).
    response = client.post(
        review_url(owner), data={"version": fresh(plan).version, "decision": "return"}
    )
    assert response.status_code == 422 and fresh(plan).status == "submitted"
    response = client.post(
        review_url(owner),
        data={"version": fresh(plan).version, "decision": "return", "comment": "  "},
    )
    assert "กรุณาเขียนความเห็น" in response.get_data(as_text=True)
    client.post(
        review_url(owner),
        data={"version": fresh(plan).version, "decision": "return", "comment": "เพิ่ม 20"},
    )
    assert fresh(plan).status == "returned"

    as_(client, owner)
    inbox = page(client, "/inbox/")
    assert "เพิ่ม 20" in inbox  # the returned plan and its comment wait for the owner
    goal = fresh(plan).goals[0]
    add_planned_activity(goal, {"bucket": "20", "title": "รับการสอนงาน", "hours": 3}, by=owner)
    ready_to_send(fresh(plan))
    db.session.commit()
    client.post("/plan/2566/submit", data={"version": fresh(plan).version})
    assert fresh(plan).status == "submitted"

    as_(client, supervisor)
    diff = page(client, f"/review/{owner.employee_no}/2566/versions")
    assert "รับการสอนงาน" in diff  # what changed since the returned version
    client.post(review_url(owner), data={"version": fresh(plan).version, "decision": "approve"})
    assert fresh(plan).status == "approved"

    activity = log_activity(
        owner,
        plan.cycle,
        {
            "bucket": "70",
            "title": "ทำแดชบอร์ด",
            "hours": Decimal(5),
            "occurred_on": date(2023, 2, 1),
        },
        by=owner,
    )
    db.session.commit()
    client.post(
        f"/review/activities/{activity.id}/verify",
        data={"applied": "1", "version": activity.version},
    )
    db.session.expire_all()
    activity = db.session.get(LearningActivity, activity.id)
    assert activity.verified_by_id == supervisor.id and activity.applied_at_work

    as_(client, owner)
    assert "นำไปใช้ในงานจริง" in page(client, "/learning/2566/")
    goals = fresh(plan).goals
    answers = {f"outcome-{g.id}": "achieved" for g in goals} | {"finish": "1"}
    client.post("/plan/2566/evaluation", data={"version": fresh(plan).version, **answers})
    assert fresh(plan).self_evaluated_at is not None

    as_(client, supervisor)
    assert owner.name_th in page(client, "/inbox/")  # the evaluation is now due
    areas = cycle_areas(fresh(plan).cycle)
    form = {f"level-{a.id}": "2" for a in areas} | {f"goal-{g.id}": "partly" for g in goals}
    client.post(
        f"{review_url(owner)}/evaluate",
        data={"version": fresh(plan).version, "complete": "1", **form},
    )
    assert fresh(plan).status == "completed"
    count = select(func.count()).select_from(SupervisorRating)
    assert db.session.scalar(count) == len(areas)

    as_(client, owner)
    mine = page(client, "/plan/2566/evaluation")
    assert "บรรลุบางส่วน" in mine and "บรรลุ" in mine  # self and supervisor side by side
    kept = db.session.scalars(select(PlanVersion.snapshot).where(PlanVersion.plan_id == plan.id))
    assert [v["action"] for v in kept] == ["submit", "return", "submit", "approve"]


def test_an_incomplete_evaluation_keeps_what_was_typed(client, team):
    owner, supervisor, plan = team["owner"], team["supervisor"], team["plan"]
    ready_to_send(plan)
    submit_plan(plan, by=owner)
    approve_plan(plan, by=supervisor)
    db.session.commit()
    as_(client, supervisor)
    goal = plan.goals[0]
    response = client.post(
        f"{review_url(owner)}/evaluate",
        data={
            "version": fresh(plan).version,
            "complete": "1",
            f"goal-note-{goal.id}": "ทำได้ดีในไตรมาสแรก",
            f"goal-{goal.id}": "achieved",
        },
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "ทำได้ดีในไตรมาสแรก" in text and "กรุณาเลือกระดับ" in text
    assert fresh(plan).status == "approved"


@pytest.mark.parametrize("who", ["colleague", "outsider", "hr"])
def test_nobody_outside_the_chain_sees_or_acts(client, team, who):
    owner, plan = team["owner"], team["plan"]
    ready_to_send(plan)
    submit_plan(plan, by=owner)
    activity = log_activity(
        owner,
        plan.cycle,
        {"bucket": "70", "title": "งาน", "hours": Decimal(1), "occurred_on": date(2023, 2, 1)},
        by=owner,
    )
    db.session.commit()
    as_(client, team[who])
    url = review_url(owner)
    if who == "hr":  # HR of the unit sees the plan, but only a supervisor reviews it
        assert client.get(url).status_code == 200
        response = client.post(url, data={"version": fresh(plan).version, "decision": "approve"})
        assert response.status_code == 422
    else:
        assert client.get(url).status_code == 404
        response = client.post(url, data={"version": fresh(plan).version, "decision": "approve"})
        assert response.status_code == 404
        feedback = client.post(f"/feedback/plan/{plan.id}", data={"body": "สวัสดี"})
        assert feedback.status_code == 404
    client.post(f"/review/activities/{activity.id}/verify", data={})
    client.post(f"/review/{owner.employee_no}/2566/evaluate", data={})
    assert fresh(plan).status == "submitted"
    assert db.session.get(LearningActivity, activity.id).verified_at is None


def test_nobody_approves_their_own_plan(client, sent):
    owner, plan = sent["owner"], sent["plan"]
    as_(client, owner)
    response = client.post(
        review_url(owner), data={"version": fresh(plan).version, "decision": "approve"}
    )
    assert response.status_code == 422
    assert "พิจารณาแผนพัฒนาของตนเองไม่ได้" in response.get_data(as_text=True)
    assert fresh(plan).status == "submitted"


def test_a_decision_on_a_page_that_is_out_of_date_is_refused(client, sent):
    owner, supervisor, plan = sent["owner"], sent["supervisor"], sent["plan"]
    opened = fresh(plan).version
    # Meanwhile the owner takes the plan back, changes it and sends it again.
    as_(client, owner)
    client.post("/plan/2566/withdraw", data={"version": opened})
    client.post("/plan/2566/submit", data={"version": fresh(plan).version})
    as_(client, supervisor)
    response = client.post(
        review_url(owner), data={"version": opened, "decision": "approve", "comment": "ok"}
    )
    assert response.status_code == 409
    text = response.get_data(as_text=True)
    assert "\nok</textarea>" in text  # the typed comment is still there
    assert f'name="version" type="hidden" value="{fresh(plan).version}"' in text  # decide again
    assert fresh(plan).status == "submitted"


def test_bulk_approve_approves_what_is_current_and_says_what_is_not(client, team, cycle):
    owner, colleague, supervisor = team["owner"], team["colleague"], team["supervisor"]
    submitted_assessment(colleague, cycle, level=1)
    other, _ = build_from_gaps(colleague, cycle, by=colleague)
    for goal in other.goals:
        add_planned_activity(goal, {"bucket": "70", "title": "ทำ", "hours": 2}, by=colleague)
    plan = team["plan"]
    ready_to_send(plan)
    submit_plan(plan, by=owner)
    ready_to_send(other)
    submit_plan(other, by=colleague)
    db.session.commit()
    as_(client, supervisor)
    client.post(
        "/review/approve-many",
        data={"plan": [f"{plan.id}:{fresh(plan).version}", f"{other.id}:{other.version - 1}"]},
    )
    assert fresh(plan).status == "approved"
    assert db.session.get(Plan, other.id).status == "submitted"


def test_a_delegate_reviews_only_while_the_delegation_runs(client, team, frozen_clock):
    owner, supervisor, outsider, plan = (
        team["owner"],
        team["supervisor"],
        team["outsider"],
        team["plan"],
    )
    as_(client, supervisor)
    response = client.post(
        "/review/delegation",
        data={"delegate": outsider.email, "starts_on": "1/3/2566", "ends_on": "3/3/2566"},
    )
    assert response.status_code == 302
    ready_to_send(plan)
    submit_plan(plan, by=owner)
    db.session.commit()
    assert (
        db.session.scalar(
            select(Notification.person_id).where(Notification.kind == "plan_submitted")
        )
        == outsider.id
    )  # the plan goes to whoever stands in today
    as_(client, outsider)
    assert owner.name_th in page(client, "/inbox/")
    assert client.get(review_url(owner)).status_code == 200
    frozen_clock(datetime(2023, 3, 4, 9, 0))  # the day after the last day
    assert client.get(review_url(owner)).status_code == 404
    response = client.post(
        review_url(owner), data={"version": fresh(plan).version, "decision": "approve"}
    )
    assert response.status_code == 404 and fresh(plan).status == "submitted"


def test_a_delegation_can_end_early_and_bad_dates_keep_what_was_typed(client, team):
    supervisor, outsider = team["supervisor"], team["outsider"]
    as_(client, supervisor)
    response = client.post(
        "/review/delegation",
        data={"delegate": supervisor.email, "starts_on": "5/3/2566", "ends_on": "1/3/2566"},
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "กรุณาเลือกผู้อื่นที่ไม่ใช่ตัวท่านเอง" in text and 'value="5/3/2566"' in text
    client.post(
        "/review/delegation",
        data={"delegate": outsider.employee_no, "starts_on": "1/3/2566", "ends_on": "9/3/2566"},
    )
    delegation = db.session.scalars(select(Delegation)).one()
    as_(client, outsider)
    assert client.post(f"/review/delegation/{delegation.id}/cancel").status_code == 404
    as_(client, supervisor)
    client.post(f"/review/delegation/{delegation.id}/cancel")
    db.session.expire_all()
    assert db.session.get(Delegation, delegation.id).cancelled_at is not None
    as_(client, outsider)
    assert client.get(f"/people/{team['owner'].employee_no}").status_code == 404


def test_the_top_of_a_chain_sends_to_hr_of_the_unit_or_an_administrator(client, cycle):
    unit = UnitFactory()
    head = PersonFactory(unit=unit, group="MGMT")
    submitted_assessment(head, cycle, level=1)
    plan, _ = build_from_gaps(head, cycle, by=head)
    for goal in plan.goals:
        add_planned_activity(goal, {"bucket": "70", "title": "ทำ", "hours": 2}, by=head)
    ready_to_send(plan)
    db.session.commit()
    as_(client, head)
    assert "ยังไม่มีผู้พิจารณาแผนของท่าน" in page(client, "/plan/2566/")
    client.post("/plan/2566/submit", data={"version": plan.version})
    assert fresh(plan).status == "draft"  # never into nowhere

    admin = PersonFactory(unit=UnitFactory(), roles=(("admin", None),))
    assert admin.name_th in page(client, "/plan/2566/")
    hr = PersonFactory(unit=UnitFactory(), group="OTHER", roles=(("hr", unit),))
    text = page(client, "/plan/2566/")
    assert hr.name_th in text and "ฝ่ายบุคคลของหน่วยงาน" in text
    client.post("/plan/2566/submit", data={"version": fresh(plan).version})
    assert fresh(plan).status == "submitted"
    as_(client, hr)
    assert head.name_th in page(client, "/inbox/")
    client.post(review_url(head), data={"version": fresh(plan).version, "decision": "approve"})
    assert fresh(plan).status == "approved"


def test_feedback_threads_have_unread_markers_and_one_place_for_the_person(client, sent):
    owner, supervisor, plan = sent["owner"], sent["supervisor"], sent["plan"]
    goal = plan.goals[0]
    as_(client, supervisor)
    empty = client.post(f"/feedback/goal/{goal.id}", data={"body": " "})
    assert empty.status_code == 422 and "กรุณาพิมพ์ข้อความ" in empty.get_data(as_text=True)
    client.post(f"/feedback/goal/{goal.id}", data={"body": "ลองเพิ่มการสอนงาน"})
    as_(client, owner)
    assert "ใหม่ 1" in page(client, "/feedback/")
    assert "ข้อมูลป้อนกลับใหม่ถึงท่าน 1 ข้อความ" in page(client, "/inbox/")
    assert "ลองเพิ่มการสอนงาน" in page(client, f"/feedback/goal/{goal.id}")
    assert "ใหม่ 1" not in page(client, "/feedback/")  # read now
    client.post(f"/feedback/goal/{goal.id}", data={"body": "ได้ครับ"})
    as_(client, supervisor)
    assert "มีข้อความตอบจากทีมที่ยังไม่ได้อ่าน 1 ข้อความ" in page(client, "/inbox/")
    authors = db.session.scalars(select(FeedbackMessage.author_id).order_by(FeedbackMessage.id))
    assert list(authors) == [supervisor.id, owner.id]


def test_hr_reassigns_a_supervisor_and_the_waiting_plan_follows(client, sent):
    owner, supervisor, director = sent["owner"], sent["supervisor"], sent["director"]
    as_(client, sent["hr"])
    url = f"/review/people/{owner.employee_no}/supervisor"
    circle = client.post(
        f"/review/people/{director.employee_no}/supervisor", data={"supervisor": owner.employee_no}
    )
    assert circle.status_code == 422  # the director would report to someone below them
    client.post(url, data={"supervisor": sent["colleague"].employee_no})
    as_(client, sent["colleague"])
    assert owner.name_th in page(client, "/inbox/")
    as_(client, supervisor)
    assert "เปิดพิจารณา" not in page(client, "/inbox/")  # nothing left to open and review
    as_(client, sent["colleague"])
    assert client.get(url).status_code == 403  # only HR (or an administrator) changes it


def test_the_team_page_filters_and_sorts(client, sent):
    owner = sent["owner"]
    as_(client, sent["director"])
    everyone = page(client, "/team?sort=hours")
    assert owner.name_th in everyone and sent["colleague"].name_th in everyone
    direct = page(client, "/team?show=direct")
    assert sent["supervisor"].name_th in direct and owner.name_th not in direct
    as_(client, sent["supervisor"])
    waiting = page(client, "/team?show=waiting")
    assert owner.name_th in waiting and sent["colleague"].name_th not in waiting
    assert client.get("/team?sort=drop").status_code == 404


def test_home_puts_an_overdue_self_assessment_before_the_plan(client, cycle, ocsc):
    person = PersonFactory(supervisor=PersonFactory())
    earlier = create_cycle(2565, ocsc, status="open")
    submitted_assessment(person, earlier, level=1)  # gaps from last year to plan from
    close_cycle(earlier, by=None)
    db.session.commit()
    as_(client, person)
    home = page(client, "/")
    assert "เริ่มประเมินตนเอง" in home  # FY 2566 assessment was due long ago


def test_reminders_are_sent_once_and_escalate_one_level_up(app, sent, frozen_clock):
    from lms.inbox.reminders import remind

    supervisor, director = sent["supervisor"], sent["director"]
    app.extensions["outbox"] = []
    frozen_clock(DAY + timedelta(days=8))
    first = remind(days_before=7, waiting_days=7)
    assert first.sent.get("plan_waiting") == 1 and "plan_escalated" not in first.sent
    again = remind(days_before=7, waiting_days=7)
    assert "plan_waiting" not in again.sent  # never the same reminder twice
    frozen_clock(DAY + timedelta(days=15))
    later = remind(days_before=7, waiting_days=7)
    assert later.sent == {"plan_escalated": 1}
    escalated = db.session.scalars(
        select(Notification).where(Notification.kind == "escalation")
    ).one()
    assert escalated.person_id == director.id and supervisor.name_th in escalated.message_th
    mails = app.extensions["outbox"]
    assert {m.to for m in mails} >= {supervisor.email, director.email}
    assert len(mails) == len({(m.to, m.body) for m in mails})  # no e-mail twice
    assert remind(days_before=7, waiting_days=7).emailed == 0


def test_deadline_reminders_speak_each_persons_language(app, cycle, frozen_clock):
    from lms.inbox.reminders import remind

    thai = PersonFactory()
    english = PersonFactory()
    english.locale = "en"
    db.session.commit()
    app.extensions["outbox"] = []
    frozen_clock(datetime(2022, 11, 25, 9, 0))  # five days before the assessment deadline
    run = remind(days_before=7, waiting_days=7)
    assert run.sent["assessment_due"] == 2
    mails = {m.to: m for m in app.extensions["outbox"]}
    assert "ประเมินตนเอง" in mails[thai.email].body
    assert "self-assessment" in mails[english.email].body
    assert remind(days_before=7, waiting_days=7).sent == {}


def test_opening_the_page_a_notification_points_to_reads_it(client, team):
    owner, supervisor, plan = team["owner"], team["supervisor"], team["plan"]
    ready_to_send(plan)
    submit_plan(plan, by=owner)
    approve_plan(plan, by=supervisor)
    db.session.commit()
    unread = select(func.count()).where(
        Notification.person_id == owner.id, Notification.read_at.is_(None)
    )
    assert db.session.scalar(unread) == 1
    as_(client, owner)
    assert 'class="nav-badge"' in page(client, "/courses/")
    page(client, "/plan/2566/")
    assert db.session.scalar(unread) == 0
    assert 'class="nav-badge"' not in page(client, "/courses/")


def test_the_remind_command_reports_what_it_sent(app, sent, frozen_clock):
    frozen_clock(DAY + timedelta(days=9))
    result = app.test_cli_runner().invoke(args=["lms", "remind", "--no-mail"])
    assert result.exit_code == 0, result.output
    assert "plan_waiting: 1" in result.output
    assert result.output.strip().endswith("e-mails sent: 0")


def test_only_someone_who_reviews_can_hand_review_over(client, team):
    as_(client, team["owner"])  # nobody reports to the owner
    response = client.post(
        "/review/delegation",
        data={"delegate": team["colleague"].email, "starts_on": "1/3/2566", "ends_on": "2/3/2566"},
    )
    assert response.status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Delegation)) == 0


HOSTILE = ["\x00", "ab\x00cd", "٣", "NaN", "9" * 40, "' OR 1=1 --", "<script>x</script>", " "]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_input_on_the_review_forms_never_gives_a_server_error(client, sent, value):
    owner, supervisor, plan = sent["owner"], sent["supervisor"], sent["plan"]
    goal = plan.goals[0]
    as_(client, supervisor)
    posts = [
        (review_url(owner), {"version": value, "decision": "return", "comment": value}),
        (review_url(owner), {"version": plan.version, "decision": value, "comment": value}),
        (f"/feedback/goal/{goal.id}", {"body": value}),
        (f"{review_url(owner)}/evaluate", {"version": value, f"level-{goal.area_id}": value}),
        ("/review/delegation", {"delegate": value, "starts_on": value, "ends_on": value}),
        ("/review/approve-many", {"plan": [value, f"{plan.id}:{value}"]}),
        (f"/review/{owner.employee_no}/2566/verify-all", {"activity": value}),
    ]
    for url, data in posts:
        response = client.post(url, data=data)
        assert response.status_code < 500, (url, value)
    assert client.get(f"/review/{owner.employee_no}/2566/versions?a={value}").status_code < 500
    assert client.get(f"/team?page={value}").status_code < 500


def test_a_strange_address_is_a_404_not_a_server_error(client, team):
    as_(client, team["owner"])
    for path in (
        "/plan/%00",
        "/review/%00/2566",
        "/feedback/goal/%00",
        "/inbox/notifications/9" * 3,
    ):
        assert client.get(path).status_code == 404, path


def test_goals_show_the_level_of_the_latest_self_assessment(client, team, ocsc):
    owner = team["owner"]  # goals were made from a self-rating of 1 in FY 2566
    later = create_cycle(2567, ocsc, status="open")
    submitted_assessment(owner, later, level=2)
    as_(client, owner)
    assert "(ปีงบประมาณ 2567) ด้านนี้อยู่ที่ระดับ 2" in page(client, "/plan/2566/")


def test_when_a_supervisor_leaves_their_people_show_in_the_inbox_one_level_up(client, team):
    owner, supervisor, director, plan = (
        team["owner"],
        team["supervisor"],
        team["director"],
        team["plan"],
    )
    supervisor.deactivated_on = DAY.date()
    db.session.commit()
    ready_to_send(plan)
    submit_plan(plan, by=owner)
    db.session.commit()
    notified = select(Notification.person_id).where(Notification.kind == "plan_submitted")
    assert db.session.scalar(notified) == director.id
    as_(client, director)
    inbox = page(client, "/inbox/")
    assert owner.name_th in inbox and "เปิดพิจารณา" in inbox


def test_bulk_approve_names_nobody_it_may_not_review_and_says_it_once(client, sent, cycle):
    supervisor, plan = sent["supervisor"], sent["plan"]
    stranger = PersonFactory(supervisor=PersonFactory())
    submitted_assessment(stranger, cycle, level=1)
    theirs, _ = build_from_gaps(stranger, cycle, by=stranger)
    for goal in theirs.goals:
        add_planned_activity(goal, {"bucket": "70", "title": "ทำ", "hours": 2}, by=stranger)
    ready_to_send(theirs)
    submit_plan(theirs, by=stranger)
    db.session.commit()
    as_(client, supervisor)
    forged = [f"{n}:1" for n in range(1, 3001)]  # every id there is, and many that are not
    response = client.post(
        "/review/approve-many",
        data={
            "plan": [f"{theirs.id}:{theirs.version}", f"{plan.id}:{fresh(plan).version}", *forged]
        },
        follow_redirects=True,
    )
    text = response.get_data(as_text=True)
    assert stranger.name_th not in text and stranger.official_name() not in text
    assert db.session.get(Plan, theirs.id).status == "submitted"
    assert fresh(plan).status == "approved"
    assert text.count('class="flash flash-') <= 2  # a summary, never one line per id
    cookie = response.request.headers.get("Cookie", "")
    assert len(cookie) < 4000


def test_hr_pages_link_to_no_feedback_thread_hr_cannot_open(client, sent):
    owner, plan, hr = sent["owner"], sent["plan"], sent["hr"]
    log_activity(
        owner,
        plan.cycle,
        {"bucket": "70", "title": "ทำรายงาน", "hours": Decimal(2), "occurred_on": date(2023, 2, 1)},
        by=owner,
    )
    db.session.commit()
    as_(client, hr)
    for url in (f"/people/{owner.employee_no}/learning/2566", review_url(owner)):
        text = page(client, url)
        for link in set(re.findall(r'href="(/feedback/[^"]+)"', text)):
            assert client.get(link).status_code == 200, (url, link)
        assert "/feedback/" not in text


def test_a_sent_plan_without_its_date_still_shows_in_the_inbox(client, sent):
    """Odd data (a plan written by a bulk load without its sending date) never breaks the page."""
    plan = fresh(sent["plan"])
    plan.submitted_at = None
    db.session.commit()
    inbox = page(as_(client, sent["supervisor"]), "/inbox/")
    assert sent["owner"].name_th in inbox


def test_a_long_inbox_shows_the_longest_waiting_with_the_true_count(client, sent, monkeypatch):
    """Past SHOWN plans the inbox shows those waiting longest, says how many wait in all and
    that the next come up as these are reviewed (the head of a million had 1,289 waiting)."""
    from lms.inbox import services

    monkeypatch.setattr(services, "SHOWN", 1)
    colleague = sent["colleague"]
    later = fresh(sent["plan"]).submitted_at + timedelta(days=1)
    db.session.add(Plan(person=colleague, cycle=sent["plan"].cycle, status="submitted"))
    db.session.flush()
    db.session.scalars(
        select(Plan).where(Plan.person_id == colleague.id)
    ).one().submitted_at = later
    db.session.commit()
    inbox = page(as_(client, sent["supervisor"]), "/inbox/")
    plans = inbox.split('id="plans-title"')[1].split("</section>")[0]
    assert '<span class="count">2</span>' in plans
    assert sent["owner"].name_th in plans  # sent first: shown
    assert colleague.name_th not in plans
    assert "จากทั้งหมด 2 แผน" in plans
    monkeypatch.setattr(services, "SHOWN", 50)
    plans = page(client, "/inbox/").split('id="plans-title"')[1].split("</section>")[0]
    assert colleague.name_th in plans and "จากทั้งหมด" not in plans
