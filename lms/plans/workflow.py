"""The plan's life: draft → submitted → returned/approved → completed, and back where allowed.

Every change of `Plan.status` goes through `_transition` here: it checks that the step is one
the plan's life allows, keeps a `PlanVersion` snapshot when a plan is sent, approved, returned or
reopened, and writes the audit entry, all in the caller's transaction.
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from lms import permissions
from lms.audit import audit
from lms.clock import utcnow
from lms.extensions import db
from lms.models import Person, Plan, PlanVersion
from lms.notifications import link_to, notify
from lms.plans.actions import available_actions, require
from lms.plans.services import PlanError, check_version, touch
from lms.text import clean_text
from lms.vocab import PlanStatus, status_label

S = PlanStatus
# (from, to) -> the action's name, as the audit log and the versions call it.
TRANSITIONS: dict[tuple[PlanStatus, PlanStatus], str] = {
    (S.DRAFT, S.SUBMITTED): "submit",
    (S.RETURNED, S.SUBMITTED): "submit",
    (S.SUBMITTED, S.DRAFT): "withdraw",
    (S.SUBMITTED, S.APPROVED): "approve",
    (S.SUBMITTED, S.RETURNED): "return",
    (S.APPROVED, S.DRAFT): "reopen",
    (S.APPROVED, S.COMPLETED): "complete",
}
SNAPSHOT_ACTIONS = frozenset({"submit", "approve", "return", "reopen"})
MAX_COMMENT = 2000


def _transition(plan: Plan, to: PlanStatus, *, by: Person, note: str | None = None) -> str:
    """Move `plan` to status `to`; returns the action's name. The only writer of plan.status."""
    action = TRANSITIONS.get((PlanStatus(plan.status), to))
    if action is None:
        raise PlanError(
            _l(
                "This plan cannot go from “%(old)s” to “%(new)s”.",
                old=status_label(plan.status),
                new=status_label(to),
            )
        )
    plan.status = to
    touch(plan)
    if action in SNAPSHOT_ACTIONS:
        _snapshot(plan, action, by=by, note=note)
    audit(f"plan_{action}", by, plan, cycle=plan.cycle.be_year, owner=plan.person.employee_no)
    db.session.flush()
    return action


def _snapshot(plan: Plan, action: str, *, by: Person, note: str | None) -> PlanVersion:
    number = (
        db.session.scalar(
            select(func.max(PlanVersion.number)).where(PlanVersion.plan_id == plan.id)
        )
        or 0
    ) + 1
    version = PlanVersion(
        plan_id=plan.id,
        number=number,
        snapshot=plan_snapshot(plan, action),
        created_by_id=by.id,
        note=note,
    )
    db.session.add(version)
    return version


def plan_snapshot(plan: Plan, action: str) -> dict:
    """The plan's content as plain JSON: enough to show it, or the difference to another one."""
    return {
        "action": action,
        "status": str(plan.status),
        "goals": [
            {
                "area": goal.area.code,
                "current_level": goal.current_level,
                "target_level": goal.target_level,
                "success_criteria": goal.success_criteria,
                "support_needed": goal.support_needed,
                "due_on": goal.due_on.isoformat() if goal.due_on else None,
                "carried_from_id": goal.carried_from_id,
                "activities": [
                    {
                        "bucket": a.bucket,
                        "kind_id": a.kind_id,
                        "title": a.title,
                        "hours": None if a.hours is None else str(a.hours),
                        "course_id": a.course_id,
                        "starts_on": a.starts_on.isoformat() if a.starts_on else None,
                        "ends_on": a.ends_on.isoformat() if a.ends_on else None,
                    }
                    for a in goal.activities
                ],
            }
            for goal in plan.goals
        ],
    }


def versions_of(plan: Plan) -> list[PlanVersion]:
    """The plan's kept versions, oldest first."""
    return list(
        db.session.scalars(
            select(PlanVersion).where(PlanVersion.plan_id == plan.id).order_by(PlanVersion.number)
        )
    )


def _clean_comment(comment: str | None, *, required: bool) -> str | None:
    text = clean_text(comment)
    if required and not text:
        raise PlanError(
            _l("Please say what should change, so the person knows what to do."),
            {"comment": _l("Please write a comment.")},
        )
    if len(text) > MAX_COMMENT:
        raise PlanError(
            _l("At most 2,000 characters."), {"comment": _l("At most 2,000 characters.")}
        )
    return text or None


def _take_back(plan: Plan, action: str, *, by: Person, version: int | None) -> Plan:
    """Withdraw or reopen: the owner brings a sent plan back to draft, while the cycle is open."""
    require(plan, action, by)
    check_version(plan, version)
    _transition(plan, PlanStatus.DRAFT, by=by)
    return plan


def submit_plan(plan: Plan, *, by: Person, version: int | None = None) -> Plan:
    """The owner sends the plan (a draft, or a returned one) to the supervisor."""
    route = permissions.review_route(plan.person)
    require(plan, "submit", by, route=route)
    check_version(plan, version)
    plan.submitted_at = utcnow()
    _transition(plan, PlanStatus.SUBMITTED, by=by)
    notify(
        route.reviewer,
        "plan_submitted",
        _l(
            "%(name)s sent their development plan for FY %(year)d for your review.",
            name=plan.person.name_th,
            year=plan.cycle.be_year,
        ),
        link=_review_link(plan),
    )
    return plan


def _review_link(plan: Plan) -> str:
    return link_to("reviews.plan", employee_no=plan.person.employee_no, be_year=plan.cycle.be_year)


def _owner_link(plan: Plan) -> str:
    return link_to("plans.show", be_year=plan.cycle.be_year)


def withdraw_plan(plan: Plan, *, by: Person, version: int | None = None) -> Plan:
    """The owner takes back a plan nobody has reviewed yet, to change it."""
    return _take_back(plan, "withdraw", by=by, version=version)


def approve_plan(
    plan: Plan, *, by: Person, comment: str | None = None, version: int | None = None
) -> Plan:
    """A supervisor approves a submitted plan, optionally with a comment."""
    return _review(plan, PlanStatus.APPROVED, by=by, comment=comment, version=version)


def return_plan(plan: Plan, *, by: Person, comment: str, version: int | None = None) -> Plan:
    """A supervisor sends a submitted plan back to its owner with what should change."""
    return _review(plan, PlanStatus.RETURNED, by=by, comment=comment, version=version)


def _review(plan: Plan, to: PlanStatus, *, by: Person, comment, version) -> Plan:
    """Approve or return: a reviewer's decision, with its comment (required to return)."""
    require(plan, "approve" if to == PlanStatus.APPROVED else "return", by)
    check_version(plan, version)
    note = _clean_comment(comment, required=to == PlanStatus.RETURNED)
    plan.reviewed_at, plan.reviewed_by_id, plan.review_comment = utcnow(), by.id, note
    _transition(plan, to, by=by, note=note)
    if to == PlanStatus.APPROVED:
        message = _l(
            "%(name)s approved your development plan for FY %(year)d.",
            name=by.name_th,
            year=plan.cycle.be_year,
        )
    else:
        message = _l(
            "%(name)s returned your development plan for FY %(year)d with comments: "
            "please update it and send it again.",
            name=by.name_th,
            year=plan.cycle.be_year,
        )
    notify(plan.person, f"plan_{to}", message, link=_owner_link(plan))
    return plan


def reopen_plan(plan: Plan, *, by: Person, version: int | None = None) -> Plan:
    """The owner reopens an approved plan for revision (it is approved again after sending)."""
    return _take_back(plan, "reopen", by=by, version=version)


def complete_plan(
    plan: Plan, *, by: Person, version: int | None = None, early_reason: str | None = None
) -> Plan:
    """At the end of the cycle a supervisor closes an approved plan as completed. Before the
    evaluation period (and before the person's own year-end evaluation) only with a reason,
    which the person is shown and the audit log keeps."""
    if available_actions(plan, by)["complete"]:
        plan.closed_early_reason = None
    else:
        require(plan, "complete_early", by)
        reason = clean_text(early_reason)
        if not reason:
            raise PlanError(
                _l("Please say why the evaluation is finished before its period."),
                {"early_reason": _l("Please write the reason.")},
            )
        if len(reason) > MAX_COMMENT:
            raise PlanError(
                _l("At most 2,000 characters."), {"early_reason": _l("At most 2,000 characters.")}
            )
        plan.closed_early_reason = reason
        audit("plan_closed_early", by, plan, cycle=plan.cycle.be_year, reason=reason)
    check_version(plan, version)
    _transition(plan, PlanStatus.COMPLETED, by=by)
    notify(
        plan.person,
        "plan_completed",
        _l(
            "%(name)s finished the year-end evaluation of your plan for FY %(year)d.",
            name=by.name_th,
            year=plan.cycle.be_year,
        ),
        link=link_to("evaluations.self_evaluation", be_year=plan.cycle.be_year),
    )
    return plan
