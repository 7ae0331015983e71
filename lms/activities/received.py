"""Courses completed elsewhere (a provider's xAPI statement or its completion file), waiting in
the person's learning log: they confirm one (it becomes a formal (10) activity "from
<provider>", counted from then on) or dismiss it. Nothing is counted before that."""

from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from lms.activities.services import ActivityError, log_activity
from lms.audit import audit
from lms.clock import utcnow
from lms.extensions import db
from lms.models import ActivityKind, Completion, Course, Cycle, Person
from lms.notifications import link_to, notify

FORMAL_KIND = "ELEARNING"  # the kind a confirmed course gets (bucket 10)


def record_completion(
    person: Person,
    cycle: Cycle,
    course: Course,
    *,
    source: str,
    source_name: str,
    completed_on: date,
    score: int | None = None,
    passed: bool | None = None,
    hours: Decimal | None = None,
) -> tuple[Completion, bool]:
    """The completion of `course` by `person` in `cycle`, made or added to: (it, new?). One per
    person, year and course: a second report of it (a "passed" after a "completed", the same
    row in next month's file) adds what it knows to a waiting one and changes nothing once
    the person decided."""
    found = _completion_of(person.id, cycle.id, course.id)
    if found is None:
        found = Completion(
            person_id=person.id,
            cycle_id=cycle.id,
            course_id=course.id,
            source=source,
            source_name=source_name[:120],
            completed_on=completed_on,
            score=score,
            passed=passed,
            hours=hours,
            status="pending",
        )
        try:
            with db.session.begin_nested():
                db.session.add(found)
        except IntegrityError:  # the same completion, sent at the same moment, won
            found = _completion_of(person.id, cycle.id, course.id)
            if found is None:
                raise
        else:
            notify(
                person,
                "completion",
                _l(
                    "%(provider)s says you completed “%(course)s”: confirm it in your "
                    "learning log to count it.",
                    provider=found.source_name,
                    course=course.title_th,
                ),
                link=link_to("activities.log", be_year=cycle.be_year),
                dedupe_key=f"completion:{found.id}",
            )
            return found, True
    if found.status == "pending":
        found.score = score if score is not None else found.score
        if passed is not None and not found.passed:  # a pass once reported stays
            found.passed = passed
        found.hours = found.hours or hours
        found.completed_on = max(found.completed_on, completed_on)
    return found, False


def _completion_of(person_id: int, cycle_id: int, course_id: int) -> Completion | None:
    query = select(Completion).where(
        Completion.person_id == person_id,
        Completion.cycle_id == cycle_id,
        Completion.course_id == course_id,
    )
    return db.session.scalars(query).first()


def waiting_for(person: Person, cycle: Cycle) -> list[Completion]:
    """`person`'s completions of `cycle` still to confirm or dismiss, newest first."""
    query = (
        select(Completion)
        .where(
            Completion.person_id == person.id,
            Completion.cycle_id == cycle.id,
            Completion.status == "pending",
        )
        .options(selectinload(Completion.course).selectinload(Course.provider))
        .order_by(Completion.completed_on.desc(), Completion.id.desc())
    )
    return list(db.session.scalars(query))


def completion_of(person: Person, completion_id: int) -> Completion | None:
    """One of `person`'s own completions (None for anyone else's)."""
    found = db.session.get(Completion, completion_id) if 0 < completion_id < 2**31 else None
    return found if found is not None and found.person_id == person.id else None


def suggested_hours(completion: Completion) -> Decimal | None:
    """The hours to log: the provider's, else the catalogue's for the course."""
    return completion.hours or completion.course.hours


def confirm_completion(completion: Completion, hours: Decimal | None, *, by: Person):
    """The completion becomes a formal (10) activity of the person's log, through the log's
    own rules (their own, an open year, at most 24 hours a day). A second confirmation
    returns the activity made by the first."""
    locked = db.session.get(Completion, completion.id, with_for_update=True, populate_existing=True)
    if locked.status == "confirmed" and locked.activity is not None:
        return locked.activity
    if locked.status != "pending":
        raise ActivityError(_l("This completion was dismissed; it is no longer waiting."))
    course = locked.course
    values = {
        "bucket": "10",
        "kind": db.session.scalars(
            select(ActivityKind).where(ActivityKind.code == FORMAL_KIND)
        ).first(),
        "title": course.title_th,
        "goal": None,
        "occurred_on": locked.completed_on,
        "ended_on": None,
        "hours": hours,
        "course": course,
        "provider_name": None,
        "url": course.link,
        "pre_score": None,
        "post_score": locked.score,
        "completed": True,
    }
    activity = log_activity(locked.person, locked.cycle, values, by=by)
    activity.received_from = locked.source_name
    locked.status, locked.activity_id, locked.decided_at = "confirmed", activity.id, utcnow()
    db.session.flush()
    audit(
        "confirm_completion",
        by,
        activity,
        completion_id=locked.id,
        source=locked.source,
        provider=locked.source_name,
    )
    return activity


def dismiss_completion(completion: Completion, *, by: Person) -> bool:
    """Not theirs, or not worth logging: it stops waiting (False: it was not waiting)."""
    locked = db.session.get(Completion, completion.id, with_for_update=True, populate_existing=True)
    if locked.person_id != by.id:
        raise ActivityError(_l("Only the person themselves can change their learning log."))
    if locked.status != "pending":
        return False
    locked.status, locked.decided_at = "dismissed", utcnow()
    audit("dismiss_completion", by, locked.person, completion_id=locked.id)
    return True
