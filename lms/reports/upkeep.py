"""The summary follows every change in the same transaction (imported once by create_app).

After each flush, the people (and cycles) whose figures a change may move are noted on the
session; just before the commit they are refreshed (`summary.refresh`), and a changed cycle or
its targets rebuild that cycle. A rollback drops the notes with everything else.

Guardrails, since only ORM flushes are heard: past `BULK_PEOPLE` people in one transaction a
cycle is rebuilt set-based instead of person by person; a bulk UPDATE or DELETE on a watched
model is refused unless it runs inside `bulk_changes()`, which rebuilds at its end.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from lms.models import (
    Cycle,
    CycleTarget,
    Goal,
    LearningActivity,
    Person,
    Plan,
    ReportState,
    SelfAssessment,
    SupervisorRating,
    UnitMembership,
)
from lms.reports import summary
from lms.reports.figures import PeopleTotals

PENDING = "report_people"  # session.info: {cycle_id or None (every cycle): {person_id, ...}}
LEARNED = "report_learning"  # session.info: {cycle_id: {person_id: PeopleTotals}}, differences
AREAS = "report_areas"  # session.info: the same, for people whose skill-area rows may move too
REBUILD = "report_cycles"  # session.info: {cycle_id, ...}
BULK = "report_bulk"  # session.info: inside bulk_changes()
BULK_PEOPLE = 2000  # more people than this in one transaction: rebuild the cycle set-based
DEFER = "report_defer"  # session.info: whole-cycle rebuilds wait for a task (a web request)
STALE = "report_stale"  # session.info: {cycle_id, ...} marked stale, to queue after the commit
GOALS = "report_goals"  # session.info: {plan_id, ...} whose goals' outcomes changed

# The attributes whose change moves a figure (anything else, e.g. a note, does not).
WATCHED = {
    LearningActivity: (
        "person_id",
        "cycle_id",
        "bucket",
        "hours",
        "course_id",
        "completed",
        "verified_at",
        "applied_at_work",
    ),
    Plan: ("person_id", "cycle_id", "status", "self_evaluated_at", "evaluated_at"),
    # a goal's outcome counts once its plan's evaluation is finished (the plan's person is
    # refreshed: rows.person_rows reads the outcomes)
    Goal: ("plan_id", "supervisor_outcome"),
    SelfAssessment: ("person_id", "cycle_id", "status"),
    SupervisorRating: ("person_id", "cycle_id", "area_id", "level"),
    Person: ("deactivated_on",),
    UnitMembership: ("person_id", "unit_id", "role_group_id", "valid_from", "valid_to"),
    CycleTarget: ("cycle_id", "role_group_id", "area_id", "level"),
    Cycle: ("starts_on", "ends_on", "status", "framework_id"),
}
# Learning and plans move only the people rows; the rest may move the skill-area rows too.
PEOPLE_ROWS_ONLY = (LearningActivity, Plan, Goal)
LEARNING = WATCHED[LearningActivity]


@event.listens_for(Session, "after_flush")
def _note_changes(session, _context) -> None:
    for kind, objects in (("new", session.new), ("deleted", session.deleted)):
        for obj in list(objects):
            if type(obj) in WATCHED:
                _note(session, obj, kind)
    for obj in session.dirty:
        if type(obj) in WATCHED and _changed(obj):
            _note(session, obj, "dirty")


def _changed(obj) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in WATCHED[type(obj)])


def _values(obj, name: str) -> set:
    """The attribute's value and, after a change, the one it had (a person moved from one
    cycle's activity to another counts in both)."""
    history = inspect(obj).attrs[name].history
    values = set(history.added) | set(history.unchanged) | set(history.deleted)
    return {v for v in values if v is not None} or {getattr(obj, name)} - {None}


def _note(session, obj, kind: str) -> None:
    if isinstance(obj, LearningActivity) and _note_learning(session, obj, kind):
        return
    if isinstance(obj, Goal):
        # a goal added or removed without an outcome moves nothing (a draft's goals)
        if kind == "dirty" or inspect(obj).dict.get("supervisor_outcome", "?") is not None:
            session.info.setdefault(GOALS, set()).update(_values(obj, "plan_id"))
        return
    if isinstance(obj, (Cycle, CycleTarget)):
        cycle_ids = {obj.id} if isinstance(obj, Cycle) else _values(obj, "cycle_id")
        session.info.setdefault(REBUILD, set()).update(cycle_ids)
        return
    notes = [session.info.setdefault(PENDING, {})]
    if not isinstance(obj, PEOPLE_ROWS_ONLY):
        notes.append(session.info.setdefault(AREAS, {}))
    if isinstance(obj, (Person, UnitMembership)):
        people, cycle_ids = (
            {obj.id} if isinstance(obj, Person) else _values(obj, "person_id"),
            {None},
        )
    else:
        people, cycle_ids = _values(obj, "person_id"), _values(obj, "cycle_id")
    for note in notes:
        for cycle_id in cycle_ids:
            note.setdefault(cycle_id, set()).update(people)


def _note_learning(session, activity: LearningActivity, kind: str) -> bool:
    """Note what the activity's change adds to its person's learning in its cycle (and takes
    from where it was): the commit moves the rows by that difference (`summary.add_learning`)
    instead of recomputing them. False when a value it had is not known (then it is refreshed)."""
    state = inspect(activity)
    unknown = [name for name in LEARNING if name in state.unloaded]
    if kind == "new":  # a column left unset and without a default was inserted as NULL
        unknown = [name for name in unknown if _has_default(name)]
    if unknown:
        return False
    was, now = {}, {}
    for name in LEARNING:
        if name in state.unloaded:
            was[name] = now[name] = None
            continue
        history = state.attrs[name].history
        if kind == "dirty" and history.added and not history.deleted:
            return False  # set while its old value was not loaded: the old value is unknown
        now[name] = getattr(activity, name)
        was[name] = history.deleted[0] if history.deleted else now[name]
    learned = session.info.setdefault(LEARNED, {})
    if kind != "new":  # what it added before goes
        _learned(learned, was, -1)
    if kind != "deleted":  # what it adds now comes
        _learned(learned, now, 1)
    return True


def _has_default(name: str) -> bool:
    column = LearningActivity.__table__.c[name]
    return column.default is not None or column.server_default is not None


def _learned(learned: dict, values: dict, sign: int) -> None:
    if values["cycle_id"] is None or values["person_id"] is None:
        return
    moved = summary.learning_of(
        values["bucket"],
        values["hours"],
        values["course_id"],
        values["completed"],
        values["verified_at"],
        values["applied_at_work"],
    )
    person = learned.setdefault(values["cycle_id"], {})
    person.setdefault(values["person_id"], PeopleTotals()).add(moved, sign)


@event.listens_for(Session, "before_commit")
def _refresh_before_commit(session) -> None:
    if session.in_nested_transaction():
        return  # a SAVEPOINT released: the notes wait for the real commit around it
    session.flush()  # unflushed changes are noted now (the commit's own flush comes later)
    _people_of_goals(session)
    if not any(session.info.get(note) for note in (PENDING, LEARNED, REBUILD)):
        return
    pending = session.info.pop(PENDING, {})
    learned = session.info.pop(LEARNED, {})
    areas = session.info.pop(AREAS, {})
    rebuild_ids = session.info.pop(REBUILD, set())
    if not pending and not rebuild_ids and all(len(m) <= BULK_PEOPLE for m in learned.values()):
        # only learning: each cycle's rows moved by the difference, in one statement (a cycle
        # whose summary is not built has no rows to move)
        for cycle_id in sorted(learned):
            summary.add_learning(cycle_id, learned[cycle_id])
        return
    cycles = session.execute(
        select(Cycle, ReportState.cycle_id)
        .outerjoin(ReportState, ReportState.cycle_id == Cycle.id)
        .order_by(Cycle.id)
    ).all()
    built = {cycle.id for cycle, state in cycles if state is not None}
    for cycle, _state in cycles:
        if cycle.id in rebuild_ids:
            if session.info.get(DEFER) and cycle.id in built:
                summary.mark_stale(cycle)
                session.info.setdefault(STALE, set()).add(cycle.id)
            else:
                summary.rebuild(cycle)
            continue
        if cycle.id not in built:
            continue  # built in full when a report first asks for it
        people = pending.get(cycle.id, set()) | pending.get(None, set())
        # learning of people refreshed anyway is read with the rest; the others' moves by its
        # difference
        moved = {p: d for p, d in learned.get(cycle.id, {}).items() if p not in people}
        if len(people) + len(moved) > BULK_PEOPLE:
            summary.rebuild(cycle)
            continue
        if people:
            summary.refresh(
                cycle, people, areas=areas.get(cycle.id, set()) | areas.get(None, set())
            )
        if moved:
            summary.add_learning(cycle.id, moved)
    session.flush()


def _people_of_goals(session) -> None:
    """The people whose plans' goal outcomes changed join those refreshed (one read)."""
    plan_ids = session.info.pop(GOALS, set())
    if not plan_ids:
        return
    pending = session.info.setdefault(PENDING, {})
    for person_id, cycle_id in session.execute(
        select(Plan.person_id, Plan.cycle_id).where(Plan.id.in_(sorted(plan_ids)))
    ):
        pending.setdefault(cycle_id, set()).add(person_id)


@event.listens_for(Session, "after_rollback")
def _forget(session) -> None:
    session.info.pop(GOALS, None)
    session.info.pop(PENDING, None)
    session.info.pop(LEARNED, None)
    session.info.pop(AREAS, None)
    session.info.pop(REBUILD, None)
    session.info.pop(BULK, None)
    session.info.pop(STALE, None)


@contextmanager
def rebuilds_deferred(session) -> Iterator[set[int]]:
    """For a web request that changes a cycle's targets or dates: the commit marks the cycle's
    summary stale instead of rebuilding it (seconds at 100,000 people). Yields the set of cycle
    ids marked stale, filled at the commit, for the caller to queue (reports.tasks)."""
    session.info[DEFER] = True
    stale: set[int] = set()
    try:
        yield stale
    finally:
        session.info.pop(DEFER, None)
        stale.update(session.info.pop(STALE, set()))


class BulkWriteRefused(RuntimeError):
    """A bulk UPDATE or DELETE on a table the report summary follows, outside bulk_changes()."""


@event.listens_for(Session, "do_orm_execute")
def _refuse_unheard_bulk_writes(state) -> None:
    if not (state.is_update or state.is_delete) or state.session.info.get(BULK):
        return
    watched = [m.class_.__name__ for m in state.all_mappers if m.class_ in WATCHED]
    if watched:
        raise BulkWriteRefused(
            f"A bulk {'UPDATE' if state.is_update else 'DELETE'} on {', '.join(watched)} "
            "would leave the report summary wrong: change the objects through the session, "
            "or run the statement inside `with bulk_changes(session):` (lms.reports.upkeep), "
            "which rebuilds the summary of the cycles it touched before the commit."
        )


def note_people(session, person_ids) -> None:
    """People whose figures bulk statements (inside `bulk_changes(session, set())`) may have
    moved in any cycle: refreshed before the commit, like the changes the ORM hears (a short
    import; past BULK_PEOPLE the cycles are rebuilt instead)."""
    person_ids = set(person_ids)
    session.info.setdefault(PENDING, {}).setdefault(None, set()).update(person_ids)
    session.info.setdefault(AREAS, {}).setdefault(None, set()).update(person_ids)


@contextmanager
def bulk_changes(session, cycle_ids=None) -> Iterator[None]:
    """Bulk statements on watched tables (importers, raw SQL): allowed inside, and the summary
    of `cycle_ids` (every cycle when None) is rebuilt set-based before the commit."""
    session.info[BULK] = True
    try:
        yield
    finally:
        session.info.pop(BULK, None)
    if cycle_ids is None:
        cycle_ids = set(session.scalars(select(Cycle.id)))
    session.info.setdefault(REBUILD, set()).update(cycle_ids)
