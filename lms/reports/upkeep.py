"""The summary follows every change in the same transaction (imported once by create_app).

After each flush, the people (and cycles) whose figures a change may move are noted on the
session; just before the commit they are refreshed (`summary.refresh`), and a changed cycle or
its targets rebuild that cycle. A rollback drops the notes with everything else.
"""

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from lms.models import (
    Cycle,
    CycleTarget,
    LearningActivity,
    Person,
    Plan,
    ReportState,
    SelfAssessment,
    SupervisorRating,
    UnitMembership,
)
from lms.reports import summary

PENDING = "report_people"  # session.info: {cycle_id or None (every cycle): {person_id, ...}}
REBUILD = "report_cycles"  # session.info: {cycle_id, ...}

# The attributes whose change moves a figure (anything else, e.g. a verification, does not).
WATCHED = {
    LearningActivity: ("person_id", "cycle_id", "bucket", "hours", "course_id", "completed"),
    Plan: ("person_id", "cycle_id", "status"),
    SelfAssessment: ("person_id", "cycle_id", "status"),
    SupervisorRating: ("person_id", "cycle_id", "area_id", "level"),
    Person: ("deactivated_on",),
    UnitMembership: ("person_id", "unit_id", "role_group_id", "valid_from", "valid_to"),
    CycleTarget: ("cycle_id", "role_group_id", "area_id", "level"),
    Cycle: ("starts_on", "ends_on", "status", "framework_id"),
}


@event.listens_for(Session, "after_flush")
def _note_changes(session, _context) -> None:
    for obj in list(session.new) + list(session.deleted):
        if type(obj) in WATCHED:
            _note(session, obj)
    for obj in session.dirty:
        if type(obj) in WATCHED and _changed(obj):
            _note(session, obj)


def _changed(obj) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in WATCHED[type(obj)])


def _values(obj, name: str) -> set:
    """The attribute's value and, after a change, the one it had (a person moved from one
    cycle's activity to another counts in both)."""
    history = inspect(obj).attrs[name].history
    values = set(history.added) | set(history.unchanged) | set(history.deleted)
    return {v for v in values if v is not None} or {getattr(obj, name)} - {None}


def _note(session, obj) -> None:
    pending = session.info.setdefault(PENDING, {})
    if isinstance(obj, (Cycle, CycleTarget)):
        cycle_ids = {obj.id} if isinstance(obj, Cycle) else _values(obj, "cycle_id")
        session.info.setdefault(REBUILD, set()).update(cycle_ids)
        return
    if isinstance(obj, Person):
        pending.setdefault(None, set()).add(obj.id)
        return
    people = _values(obj, "person_id")
    if isinstance(obj, UnitMembership):
        pending.setdefault(None, set()).update(people)
        return
    for cycle_id in _values(obj, "cycle_id"):
        pending.setdefault(cycle_id, set()).update(people)


@event.listens_for(Session, "before_commit")
def _refresh_before_commit(session) -> None:
    session.flush()  # unflushed changes are noted now (the commit's own flush comes later)
    if not session.info.get(PENDING) and not session.info.get(REBUILD):
        return
    pending = session.info.pop(PENDING, {})
    rebuild_ids = session.info.pop(REBUILD, set())
    built = set(session.scalars(select(ReportState.cycle_id)))
    for cycle in session.scalars(select(Cycle).order_by(Cycle.id)):
        if cycle.id in rebuild_ids:
            summary.rebuild(cycle)
            continue
        if cycle.id not in built:
            continue  # built in full when a report first asks for it
        people = pending.get(cycle.id, set()) | pending.get(None, set())
        if people:
            summary.refresh(cycle, people)
    session.flush()


@event.listens_for(Session, "after_rollback")
def _forget(session) -> None:
    session.info.pop(PENDING, None)
    session.info.pop(REBUILD, None)
