"""Who changes their own data, and when: the person themselves, while the cycle is open and,
for a plan, while it is a draft or returned."""

from lms.models import Cycle, Person, Plan
from lms.permissions.people import is_owner
from lms.vocab import PLAN_EDITABLE


def cycle_accepts_changes(cycle: Cycle) -> bool:
    """People's own data (assessment, plan, learning log) changes only while its cycle is open."""
    return cycle.is_open


def plan_accepts_edits(plan: Plan | None) -> bool:
    """The content of a plan changes while it is a draft or returned (or not started)."""
    return plan is None or plan.status in PLAN_EDITABLE


def can_edit_plan(actor: Person, owner_id: int, cycle: Cycle, plan: Plan | None) -> bool:
    """Only the person themselves edits their plan, while the cycle is open and the plan is
    a draft or returned."""
    return is_owner(actor, owner_id) and cycle_accepts_changes(cycle) and plan_accepts_edits(plan)


def can_edit_learning(actor: Person, owner_id: int, cycle: Cycle) -> bool:
    """Only the person themselves changes their learning log, while the cycle is open."""
    return is_owner(actor, owner_id) and cycle_accepts_changes(cycle)
