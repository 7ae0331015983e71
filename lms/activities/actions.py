"""What may happen next to a learning activity, and why not: the owner records, edits, deletes
and attaches evidence while the cycle is open; a reviewer verifies it, recognises it as applied
at work, or takes that back while the cycle is not closed. Pages render their buttons from
`learning_actions`, which asks the same permissions as the services."""

from flask_babel import lazy_gettext as _l

from lms import permissions
from lms.models import Cycle, LearningActivity, Person
from lms.rules import Action

OWNER = ("record", "edit", "delete", "evidence")
REVIEWER = ("verify", "mark_applied", "unmark_applied", "undo")


def learning_actions(
    activity: LearningActivity | None, cycle: Cycle, owner: Person, *, by: Person
) -> dict[str, Action]:
    """Each step of OWNER and REVIEWER for `by` on `owner`'s `activity` of `cycle` (None: a new
    one), allowed or with the reason it is not."""
    acts = {name: Action(name) for name in OWNER + REVIEWER}
    if permissions.is_owner(by, owner.id):
        closed = None
        if not permissions.cycle_accepts_changes(cycle):
            closed = _l("This cycle is not open, so the learning log cannot change.")
        for name in OWNER:
            acts[name] = Action(name, allowed=closed is None, reason=closed)
        if activity is None:
            for name in OWNER[1:]:
                acts[name] = Action(name, reason=_l("Record the learning first."))
        for name in REVIEWER:
            acts[name].reason = _l("You cannot review your own development.")
        return acts
    for name in OWNER:
        acts[name].reason = _l("Only the person themselves can change their learning log.")
    if not permissions.can_review_plans_of(by, owner):
        for name in REVIEWER:
            acts[name].reason = _l("Only a supervisor of this person can do this.")
        return acts
    if cycle.is_closed or activity is None:
        reason = _l("This cycle is closed, so its learning log cannot change.")
        for name in REVIEWER:
            acts[name].reason = reason
        return acts
    verified, applied = activity.verified_at is not None, bool(activity.applied_at_work)
    done, first = _l("This is already done."), _l("Verify the learning first.")
    acts["verify"] = _either("verify", not verified, done)
    acts["mark_applied"] = _either(
        "mark_applied", verified and not applied, done if applied else first
    )
    acts["unmark_applied"] = _either("unmark_applied", applied, _l("It is not marked as applied."))
    acts["undo"] = _either("undo", verified, _l("Nothing to take back."))
    return acts


def _either(name: str, allowed: bool, reason) -> Action:
    return Action(name, allowed=allowed, reason=None if allowed else reason)
