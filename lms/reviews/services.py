"""What a supervisor does with a person's learning: verify it, and recognise it as applied at
work (plan decisions are `lms.plans.workflow`); the refusals the review rooms share."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from lms import permissions
from lms.audit import audit
from lms.clock import utcnow
from lms.extensions import db
from lms.models import LearningActivity, Person, Plan
from lms.notifications import link_to, notify
from lms.plans.actions import available_actions
from lms.plans.workflow import approve_plan
from lms.rules import RuleError
from lms.text import clean_text

MAX_NOTE = 2000


class ReviewError(RuleError):
    """A review step cannot be done as asked."""


def refuse_if(errors: dict) -> None:
    if errors:
        raise ReviewError(
            _l("Please check the highlighted answers. Nothing was saved yet."), errors
        )


def check_reviews(by: Person, person: Person) -> None:
    if permissions.is_owner(by, person.id):
        raise ReviewError(_l("You cannot review your own development."))
    if not permissions.can_review_plans_of(by, person):
        raise ReviewError(_l("Only a supervisor of this person can do this."))


def clean_note(value, field: str, errors: dict) -> str | None:
    text = clean_text(value)
    if len(text) > MAX_NOTE:
        errors[field] = _l("At most 2,000 characters.")
    return text or None


# -- verification --------------------------------------------------------------------------------


def verify_activity(
    activity: LearningActivity, *, by: Person, applied: bool | None = None
) -> LearningActivity:
    """The supervisor confirms the activity happened; `applied` also marks (or unmarks) it
    as applied at work, the recognition the study asks for."""
    check_reviews(by, activity.person)
    if activity.cycle.is_closed:
        raise ReviewError(_l("This cycle is closed, so its learning log cannot change."))
    first_time = activity.verified_at is None
    if first_time:
        activity.verified_at, activity.verified_by_id = utcnow(), by.id
    newly_applied = applied is True and not activity.applied_at_work
    if applied is not None:
        activity.applied_at_work = applied
    audit("activity_verified", by, activity, applied=activity.applied_at_work)
    if first_time or newly_applied:
        message = (
            _l(
                "%(name)s recognised “%(title)s” as applied at work.",
                name=by.name_th,
                title=activity.title[:80],
            )
            if activity.applied_at_work
            else _l("%(name)s verified “%(title)s”.", name=by.name_th, title=activity.title[:80])
        )
        notify(
            activity.person,
            "activity_verified",
            message,
            link=link_to(
                "activities.detail", be_year=activity.cycle.be_year, activity_id=activity.id
            ),
        )
    db.session.flush()
    return activity


def unverify_activity(activity: LearningActivity, *, by: Person) -> LearningActivity:
    """Take a verification back (a wrong click)."""
    check_reviews(by, activity.person)
    if activity.cycle.is_closed:
        raise ReviewError(_l("This cycle is closed, so its learning log cannot change."))
    activity.verified_at = activity.verified_by_id = None
    activity.applied_at_work = False
    audit("activity_unverified", by, activity)
    db.session.flush()
    return activity


def verify_many(activities: list[LearningActivity], *, by: Person) -> int:
    """Verify several activities of the people `by` reviews; returns how many were new."""
    done = 0
    for activity in activities:
        if activity.verified_at is None:
            verify_activity(activity, by=by)
            done += 1
    return done


# -- several plans at once -----------------------------------------------------------------------

MAX_BULK = 200  # plans approved in one request: the inbox lists at most this many


@dataclass
class BulkApproval:
    """What a bulk approval did: plans approved, and plans left as they were because they
    changed since the inbox showed them (or no longer wait for a decision)."""

    approved: int = 0
    left: int = 0


def approve_many(choices: list[tuple[int, int]], *, by: Person) -> BulkApproval:
    """Approve each (plan id, version the inbox showed) that `by` may review, in one
    transaction. Ids of plans `by` may not review are ignored, as a page would answer 404;
    at most MAX_BULK are read."""
    versions: dict[int, int] = {}
    for plan_id, version in choices[:MAX_BULK]:
        versions.setdefault(plan_id, version)  # a plan ticked twice: as first shown
    result = BulkApproval()
    if not versions:
        return result
    plans = db.session.scalars(
        select(Plan)
        .where(Plan.id.in_(versions), Plan.person_id.in_(permissions.reviewable_query(by)))
        .options(joinedload(Plan.person), joinedload(Plan.cycle))
        .order_by(Plan.id)
    )
    for plan in plans:
        if plan.version != versions[plan.id] or not available_actions(plan, by)["approve"]:
            result.left += 1
            continue
        approve_plan(plan, by=by, version=versions[plan.id])
        result.approved += 1
    return result
