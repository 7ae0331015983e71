"""Courses completed elsewhere (a provider's xAPI statement or its completion file), waiting in
the person's learning log: they confirm one (it becomes a formal (10) activity "from
<provider>", counted from then on) or dismiss it. Nothing is counted before that."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from lms.activities.services import ActivityError, log_activity
from lms.audit import audit
from lms.clock import utcnow
from lms.extensions import db
from lms.models import ActivityKind, Completion, Course, Cycle, Person
from lms.models.common import insert_skipping
from lms.notifications import link_to, notify_many

FORMAL_KIND = "ELEARNING"  # the kind a confirmed course gets (bucket 10)


@dataclass
class Reported:
    """A completion as a provider reports it (a statement, a row of its file)."""

    person: Person
    cycle: Cycle
    course: Course
    source: str
    source_name: str
    completed_on: date
    score: int | None = None
    passed: bool | None = None
    hours: Decimal | None = None

    @property
    def key(self) -> tuple[int, int, int]:
        return (self.person.id, self.cycle.id, self.course.id)


def record_completions(items: list[Reported]) -> list[tuple[Completion, bool]]:
    """Each reported completion made or added to, in a few statements whatever their number:
    (the completion, made by this item?) per item, in order. One per person, year and course:
    a second report of it (a "passed" after a "completed", the same row in next month's file)
    adds what it knows to a waiting one and changes nothing once the person decided. The same
    completion reported at the same moment by two requests is made once (the unique key)."""
    if not items:
        return []
    person_ids = sorted({item.person.id for item in items})
    found = _completions_of(person_ids)
    fresh = {}
    for item in items:
        if item.key not in found and item.key not in fresh:
            fresh[item.key] = item
    made: set[int] = set()
    if fresh:
        table = Completion.__table__
        rows = [
            {
                "person_id": item.person.id,
                "cycle_id": item.cycle.id,
                "course_id": item.course.id,
                "source": item.source,
                "source_name": item.source_name[:120],
                "completed_on": item.completed_on,
                "score": item.score,
                "passed": item.passed,
                "hours": item.hours,
                "status": "pending",
                "received_at": utcnow(),
            }
            for item in fresh.values()
        ]
        statement = insert_skipping(table, ["person_id", "cycle_id", "course_id"]).returning(
            table.c.id
        )
        for start in range(0, len(rows), 1000):
            made |= {row.id for row in db.session.execute(statement, rows[start : start + 1000])}
        found = _completions_of(person_ids)  # with those just made (and any a race made)
    results, told = [], set()
    for item in items:
        completion = found[item.key]
        new = completion.id in made and completion.id not in told
        if new:
            told.add(completion.id)
        elif completion.status == "pending":
            _add_to(completion, item)
        results.append((completion, new))
    notify_many(
        (
            item.person,
            "completion",
            _l(
                "%(provider)s says you completed “%(course)s”: confirm it in your "
                "learning log to count it.",
                provider=completion.source_name,
                course=item.course.title_th,
            ),
            link_to("activities.log", be_year=item.cycle.be_year),
            f"completion:{completion.id}",
        )
        for item, (completion, new) in zip(items, results, strict=True)
        if new
    )
    return results


def _add_to(completion: Completion, item: Reported) -> None:
    """What a second report of a waiting completion knows: a score, a pass, hours."""
    completion.score = item.score if item.score is not None else completion.score
    if item.passed is not None and not completion.passed:  # a pass once reported stays
        completion.passed = item.passed
    completion.hours = completion.hours or item.hours
    completion.completed_on = max(completion.completed_on, item.completed_on)


def _completions_of(person_ids: list[int]) -> dict[tuple[int, int, int], Completion]:
    found = {}
    for start in range(0, len(person_ids), 900):
        query = select(Completion).where(Completion.person_id.in_(person_ids[start : start + 900]))
        for completion in db.session.scalars(query):
            found[(completion.person_id, completion.cycle_id, completion.course_id)] = completion
    return found


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
