"""Rules of the learning log: record, edit and delete activities (balance and progress per
goal are in `lms.learning`, shared with the plan)."""

from datetime import date, timedelta
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from lms import permissions
from lms.clock import today, utcnow
from lms.extensions import db
from lms.i18n import format_be_date
from lms.learning import MAX_HOURS, check_learning_item
from lms.models import Cycle, Goal, LearningActivity, Person
from lms.rules import RuleError

HOURS_PER_DAY = Decimal(24)


class ActivityError(RuleError):
    """The learning log cannot change as asked."""


def activities_of(person: Person, cycle: Cycle) -> list[LearningActivity]:
    return list(
        db.session.scalars(
            select(LearningActivity)
            .where(LearningActivity.person_id == person.id, LearningActivity.cycle_id == cycle.id)
            .options(selectinload(LearningActivity.evidence), selectinload(LearningActivity.kind))
            .order_by(LearningActivity.occurred_on.desc(), LearningActivity.id.desc())
        )
    )


def _check_editable(cycle: Cycle, owner_id: int, by: Person) -> None:
    """Refuse, with the reason, what `permissions.can_edit_learning` does not allow."""
    if not permissions.is_owner(by, owner_id):
        raise ActivityError(_l("Only the person themselves can change their learning log."))
    if not permissions.cycle_accepts_changes(cycle):
        raise ActivityError(_l("This cycle is closed, so its learning log cannot change."))


def _clean(person: Person, cycle: Cycle, values: dict, exclude_id: int | None = None) -> dict:
    errors = {}
    title = check_learning_item(values, errors, _l("Please write what you did."))
    bucket, kind, course = values.get("bucket"), values.get("kind"), values.get("course")
    goal: Goal | None = values.get("goal")
    if goal is not None and (goal.plan.person_id != person.id or goal.plan.cycle_id != cycle.id):
        errors["goal_id"] = _l("Choose one of the goals of your plan for this cycle.")

    start, end = values.get("occurred_on"), values.get("ended_on")
    if start is None:
        errors["occurred_on"] = _l("Please give the date.")
    elif not cycle.starts_on <= start <= cycle.ends_on:
        errors["occurred_on"] = _l(
            "The date must be within fiscal year %(year)d (%(start)s – %(end)s).",
            year=cycle.be_year,
            start=format_be_date(cycle.starts_on),
            end=format_be_date(cycle.ends_on),
        )
    elif start > today():
        errors["occurred_on"] = _l("The date cannot be in the future.")
    if end is not None and start is not None and "occurred_on" not in errors:
        if end < start:
            errors["ended_on"] = _l("The last day cannot be before the first day.")
        elif end > cycle.ends_on or end > today():
            errors["ended_on"] = _l(
                "The last day must be within the fiscal year and not in the future."
            )

    hours = values.get("hours")
    if hours is None:
        errors["hours"] = _l("Please give the hours.")
    elif hours <= 0:
        errors["hours"] = _l("Hours must be more than 0.")
    elif hours > MAX_HOURS:
        errors["hours"] = _l("One activity can have at most 1,000 hours.")
    elif start is not None and "occurred_on" not in errors and "ended_on" not in errors:
        days = ((end or start) - start).days + 1
        if hours > HOURS_PER_DAY * days:
            errors["hours"] = _l(
                "That is more than 24 hours a day. "
                "For learning over several days, give the last day too."
            )
        elif end is None or end == start:
            logged = _hours_on_day(person, start, exclude_id)
            if logged + hours > HOURS_PER_DAY:
                errors["hours"] = _l(
                    "With what you already logged on %(date)s (%(hours)s hours) "
                    "that is more than 24 hours in a day.",
                    date=format_be_date(start),
                    hours=logged,
                )

    pre, post = values.get("pre_score"), values.get("post_score")
    for name, score in (("pre_score", pre), ("post_score", post)):
        if score is not None and not 0 <= score <= 100:
            errors[name] = _l("A score is from 0 to 100.")
    learned = (values.get("learned") or "").strip()
    applied = (values.get("applied") or "").strip()
    for name, text in (("learned", learned), ("applied", applied)):
        if len(text) > 4000:
            errors[name] = _l("At most 4,000 characters.")
    url = (values.get("url") or "").strip()
    if url and not url.startswith(("https://", "http://")):
        errors["url"] = _l("A link starts with https:// or http://")
    if errors:
        raise ActivityError(
            _l("Please check the highlighted answers. Nothing was saved yet."), errors
        )
    return {
        "bucket": bucket,
        "kind_id": kind.id if kind else None,
        "title": title,
        "goal_id": goal.id if goal else None,
        "occurred_on": start,
        "ended_on": end if end != start else None,
        "hours": hours,
        "course_id": course.id if course else None,
        "provider_name": (values.get("provider_name") or "").strip()[:255] or None,
        "url": url[:500] or None,
        "pre_score": pre,
        "post_score": post,
        "completed": bool(values.get("completed")),
        "learned": learned or None,
        "applied": applied or None,
    }


def _hours_on_day(person: Person, day: date, exclude_id: int | None) -> Decimal:
    """Hours already logged on single-day activities of `day`."""
    query = select(func.coalesce(func.sum(LearningActivity.hours), 0)).where(
        LearningActivity.person_id == person.id,
        LearningActivity.occurred_on == day,
        LearningActivity.ended_on.is_(None),
    )
    if exclude_id is not None:
        query = query.where(LearningActivity.id != exclude_id)
    return Decimal(db.session.scalar(query))


def _lock_learning_of(person: Person) -> None:
    """Changes to one person's log happen one at a time (the 24-hours-a-day rule reads the
    day's hours, then writes): a row lock on the person on PostgreSQL; SQLite writes one
    transaction at a time anyway."""
    db.session.execute(select(Person.id).where(Person.id == person.id).with_for_update())


def already_logged(person: Person, key: str | None) -> LearningActivity | None:
    """The activity stored from the form with this one-time key, if any."""
    if not key:
        return None
    query = select(LearningActivity).where(
        LearningActivity.person_id == person.id, LearningActivity.submission_key == key
    )
    return db.session.scalars(query).first()


DOUBLE_CLICK = timedelta(seconds=30)


def _same_entry_just_now(person: Person, values: dict) -> LearningActivity | None:
    if values.get("occurred_on") is None or values.get("hours") is None:
        return None
    query = select(LearningActivity).where(
        LearningActivity.person_id == person.id,
        LearningActivity.created_at >= utcnow() - DOUBLE_CLICK,
        LearningActivity.title == (values.get("title") or "").strip(),
        LearningActivity.bucket == values.get("bucket"),
        LearningActivity.occurred_on == values["occurred_on"],
        LearningActivity.hours == values["hours"],
    )
    course = values.get("course")
    query = query.where(
        LearningActivity.course_id == course.id
        if course is not None
        else LearningActivity.course_id.is_(None)
    )
    return db.session.scalars(query.limit(1)).first()


def log_activity(
    person: Person, cycle: Cycle, values: dict, *, by: Person, key: str | None = None
) -> LearningActivity:
    """Record an activity; a form sent twice with the same one-time `key` (a double-click)
    returns the activity stored the first time instead of a copy."""
    _check_editable(cycle, person.id, by)
    _lock_learning_of(person)
    key = key if key and len(key) <= 36 and key.isascii() else None
    earlier = already_logged(person, key)
    if earlier is not None:
        return earlier
    if key is None:  # a client without the form's key (an API, a script): the same entry
        earlier = _same_entry_just_now(person, values)  # sent twice within seconds is one
        if earlier is not None:
            return earlier
    clean = _clean(person, cycle, values)
    activity = LearningActivity(person_id=person.id, cycle_id=cycle.id, submission_key=key, **clean)
    try:
        with db.session.begin_nested():
            db.session.add(activity)
    except IntegrityError:  # the same form, sent at the same moment, won
        earlier = already_logged(person, key)
        if earlier is None:
            raise
        return earlier
    return activity


def update_activity(activity: LearningActivity, values: dict, *, by: Person) -> LearningActivity:
    _check_editable(activity.cycle, activity.person_id, by)
    _lock_learning_of(activity.person)
    clean = _clean(activity.person, activity.cycle, values, exclude_id=activity.id)
    changed = any(getattr(activity, k) != v for k, v in clean.items())
    for name, value in clean.items():
        setattr(activity, name, value)
    if changed and activity.verified_at is not None:
        # A supervisor verified what was there before; the changed entry needs a new look.
        activity.verified_at = None
        activity.verified_by_id = None
        activity.applied_at_work = False
    db.session.flush()
    return activity


def delete_activity(activity: LearningActivity, *, by: Person) -> list:
    """Delete the activity; returns the evidence files to remove from disk after commit."""
    _check_editable(activity.cycle, activity.person_id, by)
    files = list(activity.evidence)
    db.session.delete(activity)
    db.session.flush()
    return files


def default_date(cycle: Cycle) -> date:
    """Today when it falls in the cycle, else the cycle's last day (for a cycle kept open)."""
    return min(max(today(), cycle.starts_on), cycle.ends_on)
