"""Each person's reporting line as data: `people.line` holds the ids from the top of their line
down to themselves ("/1/57/203/"), like `units.path`, so "everyone below X" is one indexed range
of strings (`below`), not a recursion over `people`.

It is kept in the same transaction as the change it follows: the ORM's flush relines the people
added or given another supervisor, and their whole subtree (`reline`, two statements each);
bulk writers that go around the ORM call `reline` for a few people or `rewrite_lines` for the
whole organisation (one statement). A supervisor below the person would make a circle: the
writers refuse it first, and `reline` refuses it again (`CircleInLine`) rather than store it.

The team sizes follow it: `team_counts` holds each supervisor's direct reports and, per cycle,
those of them who submitted their self-assessment, with the supervisor's line, kept by database
triggers; `team_size` sums a team's range of them (`team_counts_drift` and `recount_teams` for
`flask lms check-reports`).

The column sorts byte by byte (collation "C" on PostgreSQL, SQLite's BINARY): "/" sorts just
before "0", so the strings that start with "/1/57/" are exactly those from "/1/57/" up to, and
not including, "/1/570".
"""

from sqlalchemy import (
    ColumnElement,
    Index,
    and_,
    event,
    func,
    inspect,
    literal,
    or_,
    select,
    text,
    union_all,
    update,
)
from sqlalchemy.orm import Mapped, Session, aliased, mapped_column

from lms.clock import today
from lms.extensions import db
from lms.models.assessment import SelfAssessment
from lms.models.person import LINE, Person
from lms.vocab import AssessmentStatus

DEPTH_LIMIT = 50  # a line deeper than this is a data error, not an organisation


class CircleInLine(ValueError):
    """Someone would be above themselves."""


def line_of(above: str | None, person_id: int) -> str:
    """The line of `person_id` under a supervisor whose line is `above` (None: at the top)."""
    return f"{above or '/'}{person_id}/"


def end_of(line: str) -> str:
    """The first string after every line that starts with `line`."""
    return line[:-1] + "0"


def below(line: str, who=None) -> ColumnElement[bool]:
    """SQL: `who` (Person or an alias of it) is below the person whose line is `line`."""
    who = who if who is not None else Person
    return and_(who.line > line, who.line < end_of(line))


def below_any(lines, who=None) -> ColumnElement[bool]:
    """SQL: `who` is below any of the people whose lines are `lines` (false for none)."""
    lines = _outermost(lines)
    if not lines:
        return Person.id.is_(None) if who is None else who.id.is_(None)
    return or_(*(below(line, who) for line in lines))


def _outermost(lines) -> list[str]:
    """`lines` without those inside another one (a delegator below the delegate)."""
    ordered = sorted({line for line in lines if line})
    kept: list[str] = []
    for line in ordered:
        if not kept or not line.startswith(kept[-1]):
            kept.append(line)
    return kept


def lines_of(connection_or_session, person_ids) -> list[str]:
    """The lines of `person_ids`, read now (one statement)."""
    ids = list(person_ids)
    if not ids:
        return []
    query = select(Person.line).where(Person.id.in_(ids))
    return [line for line in connection_or_session.execute(query).scalars() if line]


# -- team sizes ----------------------------------------------------------------------------------

PEOPLE = 0  # TeamCount.cycle_id of the count of people


class TeamCount(db.Model):
    """For one supervisor: how many people report to them directly and have no leaving date
    (cycle_id PEOPLE), and how many of those submitted their self-assessment in a cycle (cycle_id
    the cycle's), with the supervisor's line. Derived rows, kept by the database's triggers in
    the same transaction as every write to `people` and `self_assessments` (migration
    c9e1f3a5b7d9); the application only reads them."""

    __tablename__ = "team_counts"

    supervisor_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    cycle_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    line: Mapped[str] = mapped_column(LINE)
    n: Mapped[int]

    # `n` is not indexed, and on PostgreSQL half of each page is left free (fillfactor 50): a
    # count moved is a heap-only update, so a million moves during a load leave no bloat
    __table_args__ = (Index("ix_team_counts_range", "cycle_id", "line"),)


def team_size(person: Person, lines, cycle_id: int | None) -> tuple[int, int]:
    """How many people still here are below any of `lines` (`person` aside), and how many of
    them submitted their self-assessment in cycle `cycle_id`: one statement, which sums the
    counts of the supervisors in the ranges (a fraction of the people) and counts apart the
    few with a leaving date still to come."""
    ranges = _outermost(lines)
    if not ranges:
        return 0, 0
    cycle_id = cycle_id if cycle_id is not None else -1
    in_ranges = or_(
        *(and_(TeamCount.line >= line, TeamCount.line < end_of(line)) for line in ranges)
    )

    def counted(cycle: int):
        return (
            select(func.coalesce(func.sum(TeamCount.n), 0))
            .where(TeamCount.cycle_id == cycle, in_ranges)
            .scalar_subquery()
        )

    submitted = (SelfAssessment.cycle_id == cycle_id) & (
        SelfAssessment.status == AssessmentStatus.SUBMITTED
    )
    leaving = and_(Person.deactivated_on > today(), below_any(ranges), Person.id != person.id)
    row = db.session.execute(
        select(
            counted(PEOPLE),
            counted(cycle_id),
            select(func.count(Person.id)).where(leaving).scalar_subquery(),
            select(func.count(SelfAssessment.id))
            .join(Person, Person.id == SelfAssessment.person_id)
            .where(leaving, submitted)
            .scalar_subquery(),
            select(func.count(SelfAssessment.id))
            .where(SelfAssessment.person_id == person.id, submitted)
            .scalar_subquery(),
        )
    ).one()
    people, done = int(row[0]) + int(row[2]), int(row[1]) + int(row[3])
    # Below a delegator they stand in for, the person is in the counts: they are not their team.
    inside = any(person.line != line and person.line.startswith(line) for line in ranges)
    if inside and person.deactivated_on is None:
        people, done = people - 1, done - int(row[4])
    return people, done


def _counted():
    """SQL: team_counts's rows counted again from the people (supervisor_id, cycle_id, line, n)."""
    boss = aliased(Person)
    here = and_(Person.supervisor_id.is_not(None), Person.deactivated_on.is_(None))
    people = (
        select(Person.supervisor_id, literal(PEOPLE), boss.line, func.count())
        .join(boss, boss.id == Person.supervisor_id)
        .where(here)
        .group_by(Person.supervisor_id, boss.line)
    )
    cycles = (
        select(Person.supervisor_id, SelfAssessment.cycle_id, boss.line, func.count())
        .join(boss, boss.id == Person.supervisor_id)
        .join(SelfAssessment, SelfAssessment.person_id == Person.id)
        .where(here, SelfAssessment.status == AssessmentStatus.SUBMITTED)
        .group_by(Person.supervisor_id, SelfAssessment.cycle_id, boss.line)
    )
    return union_all(people, cycles)


def team_counts_drift() -> list[tuple]:
    """Where `team_counts` differs from counting the people again: (supervisor id, cycle id,
    (n, line) kept, (n, line) counted). Empty while the triggers keep it (rows at zero left
    out); `flask lms check-reports` asks it, and `--repair` calls `recount_teams`."""
    counted = {(b, c): (n, line) for b, c, line, n in db.session.execute(_counted())}
    kept = {
        (b, c): (n, line)
        for b, c, line, n in db.session.execute(
            select(TeamCount.supervisor_id, TeamCount.cycle_id, TeamCount.line, TeamCount.n).where(
                TeamCount.n != 0
            )
        )
    }
    return [
        (*key, kept.get(key), counted.get(key))
        for key in sorted(set(kept) | set(counted))
        if kept.get(key) != counted.get(key)
    ]


def recount_teams() -> None:
    """`team_counts` counted again from the people, in the caller's transaction (after rows
    were written with the triggers off, a restore for one)."""
    db.session.execute(TeamCount.__table__.delete())
    columns = ["supervisor_id", "cycle_id", "line", "n"]
    db.session.execute(TeamCount.__table__.insert().from_select(columns, _counted()))


# -- keeping it -----------------------------------------------------------------------------------


def reline(connection, person_ids) -> int:
    """Give `person_ids` (just added, or given another supervisor) the line their supervisor's
    line now implies, and move their subtrees with them; returns the rows rewritten. Supervisors
    come before the people below them; each step reads the lines as they are now, so earlier
    steps are never undone."""
    pending = {pid: boss for pid, boss in _supervisors(connection, person_ids)}
    rewritten = 0
    while pending:
        ready = [pid for pid, boss in pending.items() if boss not in pending]
        if not ready:
            raise CircleInLine(sorted(pending))
        for pid in sorted(ready):
            rewritten += _reline_one(connection, pid, pending.pop(pid))
    return rewritten


def _supervisors(connection, person_ids):
    ids = sorted(set(person_ids))
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        yield from connection.execute(
            select(Person.id, Person.supervisor_id).where(Person.id.in_(chunk))
        ).all()


def _reline_one(connection, pid: int, boss: int | None) -> int:
    ids = [pid] if boss is None else [pid, boss]
    now = dict(connection.execute(select(Person.id, Person.line).where(Person.id.in_(ids))).all())
    old = now.get(pid) or ""
    above = now.get(boss) if boss is not None else None
    if above and old and above.startswith(old):
        raise CircleInLine([pid, boss])
    new = line_of(above, pid)
    if new.count("/") - 1 > DEPTH_LIMIT:
        raise CircleInLine([pid, boss])
    if new == old:
        return 0
    if not old:
        return connection.execute(update(Person).where(Person.id == pid).values(line=new)).rowcount
    table = Person.__table__
    return connection.execute(
        table.update()
        .where(table.c.line >= old, table.c.line < end_of(old))
        .values(line=new + func.substr(table.c.line, len(old) + 1))
    ).rowcount


# Every line from the top down, in one statement: people in a circle (which no top reaches) are
# left out, and keep the line they had.
_REWRITE = text(
    """
    WITH RECURSIVE line_of(id, line, depth) AS (
        SELECT id, '/' || CAST(id AS VARCHAR(20)) || '/', 1 FROM people
        WHERE supervisor_id IS NULL
        UNION ALL
        SELECT p.id, l.line || CAST(p.id AS VARCHAR(20)) || '/', l.depth + 1
        FROM people p JOIN line_of l ON p.supervisor_id = l.id
        WHERE l.depth < :limit
    )
    UPDATE people SET line = line_of.line
    FROM line_of
    WHERE people.id = line_of.id AND people.line <> line_of.line
    """
)


def rewrite_lines(connection) -> int:
    """Every person's line from the supervisors as they are (after a bulk load or import);
    returns how many changed."""
    changed = connection.execute(_REWRITE, {"limit": DEPTH_LIMIT}).rowcount
    if changed < 0:  # SQLite's driver counts no rows for a statement that starts with WITH
        changed = connection.exec_driver_sql("SELECT changes()").scalar()
    return changed


# -- the ORM's flush ------------------------------------------------------------------------------


@event.listens_for(Session, "after_flush")
def _reline_changed(session, _context) -> None:
    changed = [obj for obj in session.new if isinstance(obj, Person)]
    changed += [
        obj for obj in session.dirty if isinstance(obj, Person) and _supervisor_changed(obj)
    ]
    if not changed:
        return
    moved = reline(session.connection(), [obj.id for obj in changed])
    relined = session.info.setdefault("lines_relined", [])
    relined.extend(changed)
    if moved > len(changed):  # whole subtrees moved: people loaded below them too
        session.info["lines_subtrees"] = True


def _supervisor_changed(person: Person) -> bool:
    state = inspect(person)
    if state.deleted or state.was_deleted:
        return False
    return (
        state.attrs.supervisor_id.history.has_changes()
        or state.attrs.supervisor.history.has_changes()
    )


@event.listens_for(Session, "after_flush_postexec")
def _forget_old_lines(session, _context) -> None:
    """The statements above went around the ORM: the people relined read their line again,
    and after a subtree moved, every person loaded does."""
    relined = session.info.pop("lines_relined", [])
    loaded = (
        [obj for obj in session.identity_map.values() if isinstance(obj, Person)]
        if session.info.pop("lines_subtrees", False)
        else relined
    )
    for obj in loaded:
        if obj in session and "line" not in inspect(obj).unloaded:
            session.expire(obj, ["line"])
