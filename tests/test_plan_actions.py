"""The workflow says what can happen to a plan (lms/plans/actions.py); templates render buttons
from it. Sending an incomplete plan is refused with what is missing goal by goal; finishing the
year-end evaluation before its period needs a reason the person sees and the audit keeps."""

from datetime import date
from pathlib import Path

import pytest
from jinja2 import nodes
from sqlalchemy import select

from lms.clock import utcnow
from lms.extensions import db
from lms.models import AuditEvent, Plan
from lms.plans.actions import ActionRefused, available_actions
from lms.plans.services import PlanError, add_planned_activity, build_from_gaps
from lms.plans.workflow import approve_plan, complete_plan, submit_plan
from lms.vocab import PlanStatus
from tests.factories import PersonFactory, submitted_assessment

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
BUTTON_MARKS = ("<button", "<form", 'class="button', "post_button")


def _status_test(test: nodes.Node) -> bool:
    """Does an {% if %} condition look at a plan's status?"""
    if any(n.name == "PlanStatus" for n in test.find_all(nodes.Name)):
        return True
    for attr in test.find_all(nodes.Getattr):
        owner = attr.node
        of_a_plan = (isinstance(owner, nodes.Name) and owner.name == "plan") or (
            isinstance(owner, nodes.Getattr) and owner.attr == "plan"
        )
        if attr.attr == "plan_status" or (attr.attr == "status" and of_a_plan):
            return True
    return False


def _shows_a_button(body: list[nodes.Node]) -> bool:
    for node in body:
        for data in node.find_all(nodes.TemplateData):
            if any(mark in data.data for mark in BUTTON_MARKS):
                return True
        for call in node.find_all(nodes.Call):
            if isinstance(call.node, nodes.Name) and call.node.name == "post_button":
                return True
    return False


def test_no_template_decides_a_button_by_comparing_a_plan_status(app):
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        tree = app.jinja_env.parse(path.read_text(encoding="utf-8"))
        for branch in tree.find_all(nodes.If):
            if _status_test(branch.test) and _shows_a_button(branch.body):
                offenders.append(f"{path.relative_to(TEMPLATES)}:{branch.lineno}")
    assert offenders == []


def test_the_grep_finds_a_button_decided_by_status(app):
    source = "{% if plan.status == PlanStatus.SUBMITTED %}<button>x</button>{% endif %}"
    branch = next(app.jinja_env.parse(source).find_all(nodes.If))
    assert _status_test(branch.test) and _shows_a_button(branch.body)


# -- sending checks completeness ------------------------------------------------------------------


@pytest.fixture
def drafted(cycle):
    boss = PersonFactory()
    owner = PersonFactory(supervisor=boss)
    submitted_assessment(owner, cycle, level=1)
    plan, _ = build_from_gaps(owner, cycle, by=owner)
    first = plan.goals[0]
    add_planned_activity(first, {"bucket": "70", "title": "ทำงานจริง"}, by=owner)
    db.session.commit()
    return {"boss": boss, "owner": owner, "plan": plan}


def test_an_incomplete_plan_is_refused_with_what_each_goal_lacks(drafted):
    plan, owner = drafted["plan"], drafted["owner"]
    submit = available_actions(plan, owner)["submit"]
    assert not submit and len(submit.missing) == len(plan.goals)
    first = [str(p) for p in submit.missing[0].problems]
    assert "ตัวชี้วัดความสำเร็จ" in first and "จำนวนชั่วโมงของ 1 กิจกรรม" in first
    assert "ช่วงเวลา (ตั้งแต่ ถึง) ของ 1 กิจกรรม" in first
    later = [str(p) for p in submit.missing[-1].problems]
    assert "กิจกรรมที่วางแผนไว้อย่างน้อย 1 กิจกรรม" in later or len(plan.goals) == 1
    with pytest.raises(ActionRefused) as refused:
        submit_plan(plan, by=owner)
    assert refused.value.missing and plan.status == PlanStatus.DRAFT


def test_the_plan_page_lists_what_is_missing_with_a_link_to_each_goal(client, drafted):
    from tests.test_supervisor_loop import as_

    plan, owner = drafted["plan"], drafted["owner"]
    as_(client, owner)
    text = client.get("/plan/2566/").get_data(as_text=True)
    assert "ก่อนเสนอแผน" in text and f'href="#goal-{plan.goals[0].id}"' in text
    assert "/plan/2566/submit" not in text  # no send button for an incomplete plan
    response = client.post("/plan/2566/submit", data={"version": plan.version})
    db.session.expire_all()
    assert db.session.get(Plan, plan.id).status == PlanStatus.DRAFT
    assert response.status_code == 302


# -- the year-end evaluation opens in its period -------------------------------------------------


def complete_and_approve(plan, owner, boss):
    for goal in plan.goals:
        goal.success_criteria = "ใช้ได้จริงในงาน"
        if not goal.activities:
            add_planned_activity(goal, {"bucket": "70", "title": "ทำ", "hours": 2}, by=owner)
        for activity in goal.activities:
            activity.hours = activity.hours or 2
            activity.starts_on, activity.ends_on = date(2022, 11, 1), date(2022, 12, 31)
    db.session.flush()
    submit_plan(plan, by=owner)
    approve_plan(plan, by=boss)
    db.session.commit()


def test_closing_before_the_period_needs_a_reason_shown_and_audited(drafted, monkeypatch):
    plan, owner, boss = drafted["plan"], drafted["owner"], drafted["boss"]
    complete_and_approve(plan, owner, boss)
    monkeypatch.setattr("lms.plans.actions.today", lambda: date(2022, 12, 7))
    acts = available_actions(plan, boss)
    assert not acts["complete"] and acts["complete_early"].needs_reason
    with pytest.raises(PlanError):
        complete_plan(plan, by=boss, early_reason="  ")
    db.session.rollback()
    complete_plan(plan, by=boss, early_reason="ย้ายไปสังกัดใหม่ 1 ม.ค.")
    db.session.commit()
    assert plan.status == PlanStatus.COMPLETED
    assert plan.closed_early_reason == "ย้ายไปสังกัดใหม่ 1 ม.ค."
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "plan_closed_early")
    ).one()
    assert "ย้ายไปสังกัดใหม่" in str(event.details)


def test_in_the_period_or_after_the_self_evaluation_no_reason_is_asked(drafted, monkeypatch):
    plan, owner, boss = drafted["plan"], drafted["owner"], drafted["boss"]
    complete_and_approve(plan, owner, boss)
    assert plan.cycle.evaluation_opens_on == date(2023, 8, 1)  # the last two months of FY 2566
    monkeypatch.setattr("lms.plans.actions.today", lambda: date(2022, 12, 7))
    plan.self_evaluated_at = utcnow()
    assert available_actions(plan, boss)["complete"]
    plan.self_evaluated_at = None
    monkeypatch.setattr("lms.plans.actions.today", lambda: date(2023, 8, 1))
    assert available_actions(plan, boss)["complete"]
    complete_plan(plan, by=boss)
    assert plan.closed_early_reason is None


def test_roles_see_only_their_own_steps(drafted):
    plan, owner, boss = drafted["plan"], drafted["owner"], drafted["boss"]
    stranger = PersonFactory()
    assert available_actions(plan, owner)["edit"]
    assert not available_actions(plan, boss)["edit"]
    assert not any(available_actions(plan, stranger).values())
    assert "ผู้บังคับบัญชา" in str(available_actions(plan, stranger)["approve"].reason)


def test_without_a_plan_one_may_be_started_only_while_the_cycle_is_open(cycle, closed_cycle):
    person = PersonFactory()
    assert available_actions(None, person, cycle=cycle)["edit"]
    assert not available_actions(None, person, cycle=closed_cycle)["edit"]
    assert not available_actions(None, person, cycle=cycle)["submit"]
