"""The plan's life (lms.plans.workflow): allowed steps, kept versions, audit, who may act."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from lms.extensions import db
from lms.models import AuditEvent, PlanVersion
from lms.plans.services import PlanConflict, PlanError, add_planned_activity, build_from_gaps
from lms.plans.workflow import (
    TRANSITIONS,
    approve_plan,
    complete_plan,
    reopen_plan,
    return_plan,
    submit_plan,
    versions_of,
    withdraw_plan,
)
from lms.vocab import PlanStatus
from tests.factories import PersonFactory, UnitFactory, ready_to_send, submitted_assessment


@pytest.fixture
def chain(cycle):
    """A director > a supervisor > the owner, a colleague beside the owner, HR of the unit."""
    unit = UnitFactory()
    director = PersonFactory(unit=unit, group="MGMT", roles=(("supervisor", None),))
    supervisor = PersonFactory(unit=unit, supervisor=director, roles=(("supervisor", None),))
    owner = PersonFactory(unit=unit, supervisor=supervisor)
    colleague = PersonFactory(unit=unit, supervisor=supervisor)
    hr = PersonFactory(unit=UnitFactory(), group="OTHER", roles=(("hr", unit),))
    submitted_assessment(owner, cycle, level=1)
    return {
        "director": director,
        "supervisor": supervisor,
        "owner": owner,
        "colleague": colleague,
        "hr": hr,
    }


def ready_plan(person, cycle):
    plan, _added = build_from_gaps(person, cycle, by=person)
    for goal in plan.goals:
        add_planned_activity(
            goal, {"bucket": "70", "title": "ลงมือทำงานจริง", "hours": Decimal(4)}, by=person
        )
    db.session.commit()
    return plan


def actions(plan):
    return [
        e.action
        for e in db.session.scalars(
            select(AuditEvent).where(AuditEvent.target_id == plan.id).order_by(AuditEvent.id)
        )
    ]


def test_send_return_fix_send_approve_complete_keeps_every_version(chain, cycle, frozen_clock):
    owner, supervisor = chain["owner"], chain["supervisor"]
    plan = ready_plan(owner, cycle)
    frozen_clock(datetime(2022, 12, 20, 9, 0))
    ready_to_send(plan)
    submit_plan(plan, by=owner)
    return_plan(plan, by=supervisor, comment="เพิ่มกิจกรรม 20 ด้วย")
    assert plan.status == PlanStatus.RETURNED and plan.review_comment == "เพิ่มกิจกรรม 20 ด้วย"
    add_planned_activity(
        plan.goals[0], {"bucket": "20", "title": "รับการสอนงาน", "hours": Decimal(2)}, by=owner
    )
    ready_to_send(plan)
    submit_plan(plan, by=owner)
    approve_plan(plan, by=supervisor)
    frozen_clock(datetime(2023, 8, 15, 9, 0))  # the year-end evaluation period
    complete_plan(plan, by=supervisor)
    db.session.commit()
    assert plan.status == PlanStatus.COMPLETED
    assert plan.submitted_at == datetime(2022, 12, 20, 2, 0)  # 09:00 in Bangkok, stored as UTC
    versions = versions_of(plan)
    assert [v.snapshot["action"] for v in versions] == ["submit", "return", "submit", "approve"]
    assert [v.number for v in versions] == [1, 2, 3, 4]
    first, resent = versions[0].snapshot, versions[2].snapshot
    assert len(resent["goals"][0]["activities"]) == len(first["goals"][0]["activities"]) + 1
    assert versions[1].note == "เพิ่มกิจกรรม 20 ด้วย" and versions[1].created_by_id == supervisor.id
    assert actions(plan) == [
        "plan_submit",
        "plan_return",
        "plan_submit",
        "plan_approve",
        "plan_complete",
    ]


def test_withdraw_and_reopen_bring_the_plan_back_to_draft(chain, cycle):
    owner, supervisor = chain["owner"], chain["supervisor"]
    plan = ready_plan(owner, cycle)
    ready_to_send(plan)
    submit_plan(plan, by=owner)
    withdraw_plan(plan, by=owner)
    assert plan.status == PlanStatus.DRAFT
    ready_to_send(plan)
    submit_plan(plan, by=owner)
    approve_plan(plan, by=supervisor, comment="ดีมาก")
    reopen_plan(plan, by=owner)
    assert plan.status == PlanStatus.DRAFT
    assert [v.snapshot["action"] for v in versions_of(plan)] == [
        "submit",
        "submit",
        "approve",
        "reopen",
    ]


@pytest.mark.parametrize("reviewer", ["director", "supervisor"])
def test_anyone_up_the_chain_may_review(chain, cycle, reviewer):
    plan = ready_plan(chain["owner"], cycle)
    ready_to_send(plan)
    submit_plan(plan, by=chain["owner"])
    approve_plan(plan, by=chain[reviewer])
    assert plan.status == PlanStatus.APPROVED and plan.reviewed_by_id == chain[reviewer].id


@pytest.mark.parametrize("who", ["owner", "colleague", "hr"])
def test_the_owner_and_people_outside_the_chain_cannot_review(chain, cycle, who):
    plan = ready_plan(chain["owner"], cycle)
    ready_to_send(plan)
    submit_plan(plan, by=chain["owner"])
    db.session.commit()
    with pytest.raises(PlanError):
        approve_plan(plan, by=chain[who])
    with pytest.raises(PlanError):
        return_plan(plan, by=chain[who], comment="x")
    assert plan.status == PlanStatus.SUBMITTED
    assert "plan_approve" not in actions(plan)


def test_the_top_of_a_chain_is_reviewed_by_hr_of_the_unit(chain, cycle):
    director = chain["director"]
    submitted_assessment(director, cycle, level=1)
    plan = ready_plan(director, cycle)
    ready_to_send(plan)
    submit_plan(plan, by=director)
    with pytest.raises(PlanError):
        approve_plan(plan, by=chain["supervisor"])  # below the director, not above
    approve_plan(plan, by=chain["hr"])
    assert plan.status == PlanStatus.APPROVED


def test_a_return_needs_a_reason(chain, cycle):
    plan = ready_plan(chain["owner"], cycle)
    ready_to_send(plan)
    submit_plan(plan, by=chain["owner"])
    with pytest.raises(PlanError) as refused:
        return_plan(plan, by=chain["supervisor"], comment="   ")
    assert "comment" in refused.value.field_errors
    assert plan.status == PlanStatus.SUBMITTED


def test_steps_the_plans_life_does_not_have_are_refused(chain, cycle):
    owner, supervisor = chain["owner"], chain["supervisor"]
    plan = ready_plan(owner, cycle)
    with pytest.raises(PlanError):
        approve_plan(plan, by=supervisor)  # a draft was never sent
    with pytest.raises(PlanError):
        complete_plan(plan, by=supervisor)
    with pytest.raises(PlanError):
        reopen_plan(plan, by=owner)  # only an approved plan is reopened
    ready_to_send(plan)
    submit_plan(plan, by=owner)
    with pytest.raises(PlanError):
        ready_to_send(plan)
        submit_plan(plan, by=owner)  # already sent
    assert db.session.scalars(select(PlanVersion)).all() == versions_of(plan)
    assert len(versions_of(plan)) == 1


def test_a_review_made_on_an_old_page_is_refused(chain, cycle):
    owner, supervisor = chain["owner"], chain["supervisor"]
    plan = ready_plan(owner, cycle)
    ready_to_send(plan)
    submit_plan(plan, by=owner)
    db.session.commit()
    seen = plan.version
    withdraw_plan(plan, by=owner)
    ready_to_send(plan)
    submit_plan(plan, by=owner)
    db.session.commit()
    with pytest.raises(PlanConflict):
        approve_plan(plan, by=supervisor, version=seen)
    assert plan.status == PlanStatus.SUBMITTED


def test_every_transition_is_named_and_every_status_is_reachable():
    reachable = {PlanStatus.DRAFT} | {to for (_from, to) in TRANSITIONS}
    assert reachable == set(PlanStatus)
    assert all(action.isidentifier() for action in TRANSITIONS.values())


def test_nothing_but_the_workflow_writes_plan_status():
    """A grep-level guard: `.status =` on a plan appears only in lms/plans/workflow.py."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "lms"
    writers = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if re.search(r"\bplan\w*\.status\s*=[^=]", path.read_text())
    ]
    assert writers == ["plans/workflow.py"]


def test_the_clock_fixture_moves_the_app_clock(frozen_clock):
    from lms import clock

    frozen_clock(date(2565 - 543, 3, 1))
    assert clock.today() == date(2022, 3, 1)
