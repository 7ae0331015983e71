"""What may happen next to a plan, and why not: pages and the API render from
`available_actions`, and the workflow refuses with the same reasons (`require`), so a button
is never shown for a step the server would refuse, nor hidden for one it allows."""

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext

from lms import permissions
from lms.clock import today
from lms.i18n import format_be_date
from lms.models import Goal, Person, Plan
from lms.plans.services import PlanError
from lms.rules import Action
from lms.vocab import PLAN_EDITABLE, PlanStatus

S = PlanStatus
NAMES = (
    "edit",
    "submit",
    "withdraw",
    "reopen",
    "self_evaluate",
    "approve",
    "return",
    "evaluate",
    "complete",
    "complete_early",
    "log_learning",
    "evaluation",
    "feedback",
)
# the owner's steps, the reviewer's steps, and those both may take
OWNER, REVIEWER = NAMES[:5], NAMES[5:10]


@dataclass
class GoalMissing:
    """What one goal still lacks before the plan can be sent."""

    goal: Goal
    problems: list[str]


def missing_for_sending(plan: Plan) -> list[GoalMissing]:
    """Goal by goal, what the supervisor would miss: success criteria, planned activities, and
    each activity's hours and period."""
    out = []
    for goal in plan.goals:
        problems = []
        if not (goal.success_criteria or "").strip():
            problems.append(_l("how success will be seen (success criteria)"))
        if not goal.activities:
            problems.append(_l("at least one planned activity"))
        no_hours = sum(1 for a in goal.activities if a.hours is None or a.hours <= 0)
        if no_hours:
            problems.append(
                lazy_ngettext(
                    "hours for %(num)d activity", "hours for %(num)d activities", no_hours
                )
            )
        no_period = sum(1 for a in goal.activities if a.starts_on is None or a.ends_on is None)
        if no_period:
            problems.append(
                lazy_ngettext(
                    "a period (from, until) for %(num)d activity",
                    "a period (from, until) for %(num)d activities",
                    no_period,
                )
            )
        if problems:
            out.append(GoalMissing(goal, problems))
    return out


def evaluation_is_due(plan: Plan, day: date | None = None) -> bool:
    """The year-end evaluation may be finished: its period has begun, or the person has sent
    their own year-end evaluation."""
    return plan.self_evaluated_at is not None or (day or today()) >= (
        plan.cycle.evaluation_opens_on
    )


def available_actions(
    plan: Plan | None, by: Person, *, route=None, cycle=None
) -> dict[str, Action]:
    """Every step of `NAMES` for `by` on `plan`, each allowed or with the reason it is not.
    No plan yet: `by`'s own in `cycle`, which they may start while the cycle is open. `route`
    (the owner's review route) saves a look-up when known."""
    acts = {name: Action(name) for name in NAMES}
    if plan is None:
        closed = _closed(cycle) if cycle is not None else None
        acts["edit"] = Action("edit", allowed=closed is None, reason=closed)
        acts["submit"].reason = closed or _l("Add at least one goal before you submit the plan.")
        return acts
    status, cycle = S(plan.status), plan.cycle
    owner = permissions.is_owner(by, plan.person_id)
    if owner:
        _owner_actions(acts, plan, status, cycle, route)
    reviews = not owner and _reviewer_actions(acts, plan, status, cycle, by)
    if owner or reviews:
        evaluated = status in (S.APPROVED, S.COMPLETED)
        acts["evaluation"] = _when(evaluated, "evaluation", None)
        acts["feedback"] = _when(status != S.DRAFT, "feedback", None)
        if owner:
            acts["log_learning"] = _when(evaluated, "log_learning", _closed(cycle))
    return acts


def _closed(cycle):
    return None if cycle.is_open else _l("This cycle is not open, so the plan cannot change.")


def _owner_actions(acts, plan: Plan, status: S, cycle, route) -> None:
    closed = _closed(cycle)
    for name in REVIEWER:
        acts[name].reason = _l("You cannot review your own development plan.")
    if status in PLAN_EDITABLE:
        acts["edit"] = Action("edit", closed is None, closed)
        acts["submit"] = _submit(plan, closed, route)
    else:
        sent = _l(
            "This plan is already submitted; it can change again if your supervisor returns it."
        )
        acts["edit"].reason = acts["submit"].reason = closed or sent
    acts["withdraw"] = _when(status == S.SUBMITTED, "withdraw", closed)
    acts["reopen"] = _when(status == S.APPROVED, "reopen", closed)
    acts["self_evaluate"] = _when(status == S.APPROVED, "self_evaluate", closed)


def _when(holds: bool, name: str, closed) -> Action:
    if not holds:
        return Action(name, reason=_l("The plan is not at this step."))
    return Action(name, closed is None, closed)


def _submit(plan: Plan, closed, route) -> Action:
    if closed is not None:
        return Action("submit", reason=closed)
    if not plan.goals:
        return Action("submit", reason=_l("Add at least one goal before you submit the plan."))
    missing = missing_for_sending(plan)
    if missing:
        reason = lazy_ngettext(
            "%(num)d goal is not complete yet: see what is missing below.",
            "%(num)d goals are not complete yet: see what is missing below.",
            len(missing),
        )
        return Action("submit", reason=reason, missing=missing)
    route = route or permissions.review_route(plan.person)
    if route.reviewer is None:
        return Action(
            "submit",
            reason=_l("Nobody can review your plan yet: please ask HR to name your supervisor."),
        )
    return Action("submit", True)


def _reviewer_actions(acts, plan: Plan, status: S, cycle, by: Person) -> bool:
    """The reviewer's steps; False when `by` does not review this plan's owner."""
    for name in OWNER:
        acts[name].reason = _l("Only the person themselves can change their development plan.")
    if not permissions.can_review_plan(by, plan):
        for name in REVIEWER:
            acts[name].reason = _l("Only a supervisor of this person can review their plan.")
        return False
    closed = None if not cycle.is_closed else _l("The cycle is closed.")
    acts["approve"] = _when(status == S.SUBMITTED, "approve", closed)
    acts["return"] = _when(status == S.SUBMITTED, "return", closed)
    if not permissions.may_evaluate(by, plan, cycle):
        closed = closed or _l("Only a supervisor of this person can review their plan.")
    acts["evaluate"] = _when(status == S.APPROVED, "evaluate", closed)
    if status != S.APPROVED or closed is not None:
        acts["complete"] = acts["complete_early"] = _when(status == S.APPROVED, "complete", closed)
    elif evaluation_is_due(plan):
        acts["complete"] = Action("complete", True)
        acts["complete_early"] = Action("complete_early", reason=_l("The evaluation is due."))
    else:
        early = _l(
            "The year-end evaluation opens on %(date)s, or once %(name)s sends their own.",
            date=format_be_date(cycle.evaluation_opens_on),
            name=plan.person.name_th,
        )
        acts["complete"] = Action("complete", reason=early)
        acts["complete_early"] = Action("complete_early", True, early, needs_reason=True)
    return True


class ActionRefused(PlanError):
    """A plan step that `available_actions` does not allow; `missing` as on the action."""

    def __init__(self, action: Action):
        super().__init__(action.reason)
        self.missing = action.missing


def require(plan: Plan, name: str, by: Person, *, route=None) -> Action:
    """The step `name`, or ActionRefused with the reason it is not available."""
    action = available_actions(plan, by, route=route)[name]
    if not action:
        raise ActionRefused(action)
    return action
