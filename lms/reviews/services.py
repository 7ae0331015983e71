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
from lms.models import AuditEvent, LearningActivity, Person, Plan
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


class VerificationConflict(ReviewError):
    """The activity changed since the reviewer's page showed it (another reviewer, a second
    click): their step stands, this one is not taken."""


def verification_now(activity: LearningActivity, by: Person):
    """What a reviewer whose step lost a race is told: what the activity is now, and that the
    other person's decision stands."""
    if activity.verified_at is None:
        return _l(
            "Someone took this activity's verification back a moment ago. Their decision "
            "stands and nothing of yours was saved: look at it again before you decide."
        )
    last = _last_verifier(activity) or activity.verified_by
    if last is None or last.id == by.id:
        return _l("You verified this activity a moment ago (a second click): it was saved once.")
    who = last.name_th
    if activity.applied_at_work:
        return _l(
            "%(name)s verified this activity and recognised it as applied at work a moment "
            "ago. Their decision stands and nothing of yours was saved.",
            name=who,
        )
    return _l(
        "%(name)s verified this activity a moment ago. Their decision stands and nothing of "
        "yours was saved.",
        name=who,
    )


def _last_verifier(activity: LearningActivity) -> Person | None:
    """Who last verified the activity or changed its "applied at work" mark (the audit log)."""
    return db.session.scalars(
        select(Person)
        .join(AuditEvent, AuditEvent.actor_id == Person.id)
        .where(
            AuditEvent.target_type == "LearningActivity",
            AuditEvent.target_id == activity.id,
            AuditEvent.action == "activity_verified",
        )
        .order_by(AuditEvent.id.desc())
        .limit(1)
    ).first()


def _seen(activity: LearningActivity, version: int | None, by: Person) -> None:
    """Refuse a step taken from a page that showed an older version of the activity. The write
    itself is conditional too (the version column): of two at the same instant, one wins."""
    if version is None or version != activity.version:
        raise VerificationConflict(verification_now(activity, by))


def verify_activity(
    activity: LearningActivity,
    *,
    by: Person,
    applied: bool | None = None,
    version: int | None = None,
    checked: bool = True,
) -> LearningActivity:
    """The supervisor confirms the activity happened; `applied` also marks (or unmarks) it
    as applied at work, the recognition the study asks for. `version` is the one the page
    showed (`checked=False`: the caller did not show one, as the demo)."""
    check_reviews(by, activity.person)
    if activity.cycle.is_closed:
        raise ReviewError(_l("This cycle is closed, so its learning log cannot change."))
    if checked:
        _seen(activity, version, by)
    first_time = activity.verified_at is None
    newly_applied = applied is True and not activity.applied_at_work
    if not first_time and (applied is None or applied == activity.applied_at_work):
        raise VerificationConflict(verification_now(activity, by))  # nothing would change
    if first_time:
        activity.verified_at, activity.verified_by_id = utcnow(), by.id
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
    db.session.flush()  # UPDATE ... WHERE version = seen: the loser of a race fails here
    return activity


def unverify_activity(
    activity: LearningActivity, *, by: Person, version: int | None = None
) -> LearningActivity:
    """Take a verification back (a wrong click)."""
    check_reviews(by, activity.person)
    if activity.cycle.is_closed:
        raise ReviewError(_l("This cycle is closed, so its learning log cannot change."))
    _seen(activity, version, by)
    if activity.verified_at is None:
        raise VerificationConflict(verification_now(activity, by))
    activity.verified_at = activity.verified_by_id = None
    activity.applied_at_work = False
    audit("activity_unverified", by, activity)
    db.session.flush()
    return activity


@dataclass
class BulkVerification:
    """Activities verified, and activities left as they were because they changed since the
    page showed them (verified by someone else meanwhile)."""

    verified: int = 0
    left: int = 0


def verify_many(choices: dict[int, int], activities, *, by: Person) -> BulkVerification:
    """Verify each of `activities` still unverified at the version the page showed
    (`choices`: id -> version); the others are counted as left."""
    result = BulkVerification()
    for activity in activities:
        if activity.verified_at is not None or activity.version != choices.get(activity.id):
            result.left += 1
            continue
        verify_activity(activity, by=by, version=choices[activity.id])
        result.verified += 1
    return result


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
