"""Keeping the report summary exact: a whole cycle rebuilt, or some people refreshed in place.

`rebuild` recomputes a cycle from the base tables (a new cycle, changed targets, the
`flask lms rebuild-reports` command, generated organisations). `refresh` recomputes some people's
rows and moves the per-unit sums by the difference, inside the caller's transaction, so the
summary commits (or rolls back) with the change it follows. `bring_up_to_date` moves a running
cycle's reference day on to today, re-reading only the people whose placement changed between.
"""

import functools
from dataclasses import astuple, dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import (
    Date,
    Integer,
    and_,
    bindparam,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    text,
    tuple_,
    union_all,
)
from sqlalchemy.dialects import postgresql, sqlite

from lms.clock import utcnow
from lms.extensions import db
from lms.models import (
    ALL_GROUPS,
    Cycle,
    Person,
    ReportArea,
    ReportHours,
    ReportPerson,
    ReportState,
    ReportUnit,
    ReportUnitArea,
    Unit,
)
from lms.models.org import path_ids
from lms.reports.figures import AreaTotals, PeopleTotals
from lms.reports.population import placed_between, reference_day
from lms.reports.rows import (
    AREA_COLUMNS,
    HOURS_COLUMNS,
    LEARNING_COLUMNS,
    PEOPLE_COLUMNS,
    area_rows,
    area_sums,
    hours_per_subtree,
    people_sums,
    person_rows,
    tenths_of,
)
from lms.vocab import Bucket

CHUNK = 500  # people refreshed per round of statements

_PERSON_COLUMNS = [c.name for c in ReportPerson.__table__.columns]
_AREA_ROW_COLUMNS = [c.name for c in ReportArea.__table__.columns]


def rebuild(cycle: Cycle, day: date | None = None) -> None:
    """Recompute the whole summary of `cycle` from the base tables."""
    day = day or reference_day(cycle)
    for model in (ReportHours, ReportUnitArea, ReportUnit, ReportArea, ReportPerson):
        db.session.execute(delete(model).where(model.cycle_id == cycle.id))
    db.session.execute(
        insert(ReportPerson).from_select(_PERSON_COLUMNS, person_rows(cycle.id, day))
    )
    db.session.execute(insert(ReportArea).from_select(_AREA_ROW_COLUMNS, area_rows(cycle.id, day)))
    for model in (ReportUnit, ReportUnitArea):
        db.session.execute(
            insert(model).from_select(
                [*UNIT_KEYS[model], *UNIT_COLUMNS[model]], _sums_per_unit(model, cycle.id)
            )
        )
    _add_group_totals(cycle.id)
    _insert_hours(cycle.id)
    _set_state(cycle.id, day)
    analyse()


SUMMARY_TABLES = (
    "report_people",
    "report_areas",
    "report_units",
    "report_unit_areas",
    "report_hours",
)


def _insert_hours(cycle_id: int) -> None:
    """`report_hours` of a cycle from its per-person rows: each role group's, then every
    group's (the sums of those), in key order so that a subtree's rows lie together."""
    per_group = hours_per_subtree(ReportPerson.__table__, cycle_id).subquery("per_group")
    columns = ["cycle_id", "role_group_id", "unit_id", "tenths", "people"]
    db.session.execute(
        insert(ReportHours).from_select(
            columns,
            select(
                literal(cycle_id, Integer),
                per_group.c.role_group_id,
                per_group.c.unit_id,
                per_group.c.tenths,
                per_group.c.people,
            ).order_by(per_group.c.role_group_id, per_group.c.unit_id, per_group.c.tenths),
        )
    )
    hours = ReportHours.__table__
    db.session.execute(
        insert(ReportHours).from_select(
            columns,
            select(
                hours.c.cycle_id,
                literal(ALL_GROUPS, Integer),
                hours.c.unit_id,
                hours.c.tenths,
                func.sum(hours.c.people),
            )
            .where(hours.c.cycle_id == cycle_id)
            .group_by(hours.c.cycle_id, hours.c.unit_id, hours.c.tenths)
            .order_by(hours.c.unit_id, hours.c.tenths),
        )
    )


def rebuild_hours(cycle_id: int) -> None:
    """`report_hours` of a cycle again from its per-person rows: after units moved to another
    parent (a unit's subtree then holds other people; the per-unit sums do not move)."""
    db.session.execute(delete(ReportHours).where(ReportHours.cycle_id == cycle_id))
    _insert_hours(cycle_id)


def analyse() -> None:
    """Fresh planner statistics for the summary tables after a rebuild rewrote them (PostgreSQL:
    without them the reports run two to three times slower until autovacuum gets there).
    Inside the caller's transaction; SQLite's planner needs none. A table autovacuum is
    analysing at that moment is left to it (SKIP_LOCKED): waiting would fail a page at its
    lock timeout for statistics on their way anyway."""
    if db.session.get_bind().dialect.name == "postgresql":
        for table in SUMMARY_TABLES:
            db.session.execute(text(f"ANALYZE (SKIP_LOCKED) {table}"))


UNIT_KEYS = {
    ReportUnit: ("cycle_id", "unit_id", "role_group_id"),
    ReportUnitArea: ("cycle_id", "unit_id", "role_group_id", "area_id"),
}
UNIT_COLUMNS = {ReportUnit: PEOPLE_COLUMNS, ReportUnitArea: AREA_COLUMNS}


def _sums_per_unit(model, cycle_id: int):
    """The per-unit sums `model` (ReportUnit or ReportUnitArea) keeps for each role group, as a
    SELECT over the per-person rows (UNIT_KEYS, then UNIT_COLUMNS)."""
    if model is ReportUnit:
        people = ReportPerson.__table__
        keys = [people.c[k] for k in UNIT_KEYS[model]]
        return (
            select(*keys, *people_sums(people)).where(people.c.cycle_id == cycle_id).group_by(*keys)
        )
    areas = ReportArea.__table__
    keys = [areas.c[k] for k in UNIT_KEYS[model]]
    return (
        select(*keys, *area_sums(areas))
        .where(areas.c.cycle_id == cycle_id, areas.c.target.is_not(None))
        .group_by(*keys)
    )


def _add_group_totals(cycle_id: int) -> None:
    """The ALL_GROUPS rows: each unit's sums over its role groups."""
    for model, columns, keys in (
        (ReportUnit, PEOPLE_COLUMNS, ("unit_id",)),
        (ReportUnitArea, AREA_COLUMNS, ("unit_id", "area_id")),
    ):
        table = model.__table__
        db.session.execute(
            insert(model).from_select(
                ["cycle_id", "role_group_id", *keys, *columns],
                select(
                    table.c.cycle_id,
                    literal(ALL_GROUPS, Integer),
                    *[table.c[k] for k in keys],
                    *[func.sum(table.c[c]) for c in columns],
                )
                .where(table.c.cycle_id == cycle_id)
                .group_by(table.c.cycle_id, *[table.c[k] for k in keys]),
            )
        )


def refresh(cycle: Cycle, person_ids, day: date | None = None, areas=None) -> None:
    """Recompute `person_ids`' rows of `cycle` and move the unit sums by the difference. Their
    skill-area rows too, for those in `areas` (None: all of them); a change to learning or a
    plan moves no area figure, and leaves them be."""
    day = day or reference_day(cycle)
    ids = sorted(set(person_ids))
    with_areas = set(ids) if areas is None else set(areas)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        _refresh_chunk(cycle.id, chunk, [i for i in chunk if i in with_areas], day)


def _refresh_chunk(cycle_id: int, ids: list[int], area_ids: list[int], day: date) -> None:
    # Lock the people first (in id order) so two transactions refreshing the same person take
    # turns: the second then reads the rows the first committed. FOR NO KEY UPDATE: rows that
    # only point to them (a learning activity being added) do not wait for it, nor it for them
    # (FOR UPDATE deadlocked two writers of the same person, each holding that key share).
    db.session.execute(
        select(Person.id)
        .where(Person.id.in_(ids))
        .order_by(Person.id)
        .with_for_update(key_share=True)
    )
    before = _hours_of(cycle_id, ids)  # the hours each counted with, in each subtree
    _replace(_PEOPLE, cycle_id, ids, day)
    _move_hours(cycle_id, before, _hours_of(cycle_id, ids))  # moved by the difference
    if area_ids:
        _replace(_AREAS, cycle_id, area_ids, day)


# -- learning: moved by its difference ------------------------------------------------------------


def learning_of(
    bucket: str, hours, course_id, completed, verified_at=None, applied_at_work=False
) -> PeopleTotals:
    """What one learning activity adds to its person's row (rows.person_rows's learning)."""
    hours = Decimal(hours or 0)
    return PeopleTotals(
        activities=1,
        hours_70=hours if bucket == Bucket.ON_THE_JOB else Decimal(0),
        hours_20=hours if bucket == Bucket.FROM_OTHERS else Decimal(0),
        hours_10=hours if bucket == Bucket.FORMAL else Decimal(0),
        courses_completed=int(
            bucket == Bucket.FORMAL and course_id is not None and completed is True
        ),
        verified_activities=int(verified_at is not None),
        applied_activities=int(applied_at_work is True),
        verified_hours=hours if verified_at is not None else Decimal(0),
    )


# the people counts a learning write flips: (unit column, the person's column that must be > 0)
_FLIPPED = (
    ("developing", "activities"),
    ("verified", "verified_activities"),
    ("applied_at_work", "applied_activities"),
)


# PostgreSQL: the people's rows, the unit sums and the hours per subtree moved in one statement
# (each unit key, and its every-group total, in key order as everywhere else). Written out from
# LEARNING_COLUMNS and _FLIPPED, so that a new learning figure is one line there.
def _learned_in_one_sql() -> str:
    moved = ", ".join(f"moved.{n}" for n in LEARNING_COLUMNS)
    arrays = ", ".join(
        f"CAST(:{n} AS {'numeric' if n in HOURS_COLUMNS else 'integer'}[])"
        for n in LEARNING_COLUMNS
    )
    added = ",\n            ".join(f"{n} = r.{n} + moved.{n}" for n in LEARNING_COLUMNS)
    flipped = ",\n        ".join(
        f"sum(CASE WHEN now_{person} > 0 THEN 1 ELSE 0 END"
        f" - CASE WHEN now_{person} - {person} > 0 THEN 1 ELSE 0 END)"
        for _unit, person in _FLIPPED
    )
    now = ", ".join(f"r.{person} AS now_{person}" for _unit, person in _FLIPPED)
    carried = ", ".join(f"now_{person}" for _unit, person in _FLIPPED)
    unit_columns = [u for u, _p in _FLIPPED] + list(LEARNING_COLUMNS)
    zero = [n for n in PEOPLE_COLUMNS if n not in unit_columns]  # a new row's other columns
    sums = ", ".join(f"sum({n})" for n in LEARNING_COLUMNS)
    updates = ",\n        ".join(f"{n} = report_units.{n} + excluded.{n}" for n in unit_columns)
    hours = "r.hours_70 + r.hours_20 + r.hours_10"
    delta = "moved.hours_70 + moved.hours_20 + moved.hours_10"
    return f"""
    WITH locked AS (
        SELECT id FROM people WHERE id = ANY(CAST(:ids AS integer[])) ORDER BY id
        FOR NO KEY UPDATE
    ), moved AS (
        SELECT m.* FROM unnest(CAST(:ids AS integer[]), {arrays})
            AS m(person_id, {", ".join(LEARNING_COLUMNS)})
        JOIN locked ON locked.id = m.person_id
    ), changed AS (
        UPDATE report_people r
        SET {added}
        FROM moved
        WHERE r.cycle_id = :cycle AND r.person_id = moved.person_id
        RETURNING r.person_id, r.unit_id, r.role_group_id, {now},
            CAST(round(({hours}) * 10) AS integer) AS tenths_now,
            CAST(round(({hours} - ({delta})) * 10) AS integer) AS tenths_was,
            {moved}
    ), keyed AS (
        SELECT unit_id, role_group_id, {carried}, {", ".join(LEARNING_COLUMNS)} FROM changed
        UNION ALL
        SELECT unit_id, :every_group, {carried}, {", ".join(LEARNING_COLUMNS)} FROM changed
    ), unit_sums AS (
    INSERT INTO report_units (cycle_id, unit_id, role_group_id, {", ".join(unit_columns)},
        {", ".join(zero)})
    SELECT :cycle, unit_id, role_group_id,
        {flipped},
        {sums},
        {", ".join("0" for _n in zero)}
    FROM keyed
    GROUP BY unit_id, role_group_id
    ORDER BY unit_id, role_group_id
    ON CONFLICT (cycle_id, role_group_id, unit_id) DO UPDATE SET
        {updates}
    RETURNING 1
    ), hours AS (
    INSERT INTO report_hours (cycle_id, role_group_id, unit_id, tenths, people)
    SELECT :cycle, g.role_group_id, CAST(a.unit_id AS integer), t.tenths, sum(t.people)
    FROM changed c
    -- after the unit sums (reading them makes them run first): every writer takes the unit
    -- rows, then the hours rows, as a refresh does, so two writers never wait for each other
    CROSS JOIN (SELECT count(*) FROM unit_sums) AS units_first
    JOIN units u ON u.id = c.unit_id
    CROSS JOIN LATERAL unnest(string_to_array(trim(BOTH '/' FROM u.path), '/')) AS a(unit_id)
    CROSS JOIN LATERAL (VALUES (c.role_group_id), (:every_group)) AS g(role_group_id)
    CROSS JOIN LATERAL (VALUES (c.tenths_now, 1), (c.tenths_was, -1)) AS t(tenths, people)
    WHERE c.tenths_now <> c.tenths_was
    GROUP BY 2, 3, 4
    ORDER BY 2, 3, 4
    ON CONFLICT (cycle_id, role_group_id, unit_id, tenths) DO UPDATE SET
        people = report_hours.people + excluded.people
    RETURNING 1
    )
    SELECT person_id FROM changed
    """  # noqa: S608 (only the module's own column names are written in; values are bound)


_LEARNED_IN_ONE = text(_learned_in_one_sql())


def add_learning(cycle_id: int, moved: dict[int, PeopleTotals]) -> None:
    """Add what changed in `moved`'s learning ({person id: the difference}) to their rows of
    the cycle and to the unit sums, without recomputing the rows: a learning write's upkeep.
    The people are locked first, as `refresh` does, so a refresh of the same person in another
    transaction reads after this one commits (and this one adds to what it wrote). Someone with
    no row does not count in the cycle (or its summary is not built): nothing moves."""
    ids = sorted(pid for pid, delta in moved.items() if any(astuple(delta)))
    if not ids:
        return
    if db.engine.dialect.name == "postgresql":
        _learned_in_one(cycle_id, moved, ids)
        return
    table = ReportPerson.__table__
    old: dict[tuple, PeopleTotals] = {}
    new: dict[tuple, PeopleTotals] = {}
    hours_before, hours_after = {}, {}
    for pid in ids:
        delta = moved[pid]
        row = db.session.execute(
            table.update()
            .where(table.c.cycle_id == cycle_id, table.c.person_id == pid)
            .values({name: table.c[name] + getattr(delta, name) for name in LEARNING_COLUMNS})
            .returning(
                table.c.unit_id,
                table.c.role_group_id,
                tenths_of(table).label("tenths"),
                *(table.c[person] for _unit, person in _FLIPPED),
            )
        ).first()
        if row is None:
            continue
        key = (row.unit_id, row.role_group_id)
        before, after = PeopleTotals(), PeopleTotals()
        for unit_column, person_column in _FLIPPED:
            now = getattr(row, person_column)
            setattr(before, unit_column, int(now - getattr(delta, person_column) > 0))
            setattr(after, unit_column, int(now > 0))
        after.add(delta)
        old.setdefault(key, PeopleTotals()).add(before)
        new.setdefault(key, PeopleTotals()).add(after)
        was = row.tenths - round((delta.hours_70 + delta.hours_20 + delta.hours_10) * 10)
        hours_before[pid] = (row.unit_id, row.role_group_id, int(was))
        hours_after[pid] = (row.unit_id, row.role_group_id, row.tenths)
    _move_sums(_PEOPLE, cycle_id, old, new)
    _move_hours(cycle_id, hours_before, hours_after)


def _learned_in_one(cycle_id: int, moved: dict[int, PeopleTotals], ids: list[int]) -> None:
    """PostgreSQL: one statement locks the people, moves their rows and the unit sums. A row its
    snapshot could not see (one a refresh committed while it waited for a lock) is looked for
    once more, for those people only, by a statement that starts after the locks are held."""
    for _attempt in range(2):
        values = {name: [getattr(moved[pid], name) for pid in ids] for name in LEARNING_COLUMNS}
        bound = {"cycle": cycle_id, "every_group": ALL_GROUPS, "ids": ids, **values}
        found = set(db.session.scalars(_LEARNED_IN_ONE, bound))
        ids = [pid for pid in ids if pid not in found]
        if not ids:
            return


def _hours_of(cycle_id: int, ids: list[int]) -> dict[int, tuple[int, int, int]]:
    """{person id: (unit id, role group id, hours in tenths)} of `ids`' rows in a cycle."""
    table = ReportPerson.__table__
    rows = db.session.execute(
        select(table.c.person_id, table.c.unit_id, table.c.role_group_id, tenths_of(table)).where(
            table.c.cycle_id == cycle_id, table.c.person_id.in_(ids)
        )
    )
    return {pid: (unit_id, group_id, tenths) for pid, unit_id, group_id, tenths in rows}


def _move_hours(cycle_id: int, before: dict, after: dict) -> None:
    """Move `report_hours` from the people's rows `before` to their rows `after` (as
    `_hours_of` gives them): one off each subtree they counted in, one on each they count in
    now, in key order (so concurrent writers never deadlock)."""
    moved = {pid for pid in set(before) | set(after) if before.get(pid) != after.get(pid)}
    if not moved:
        return
    units = {row[0] for rows in (before, after) for pid, row in rows.items() if pid in moved}
    paths = dict(db.session.execute(select(Unit.id, Unit.path).where(Unit.id.in_(units))).all())
    deltas: dict[tuple[int, int, int], int] = {}
    for rows, sign in ((before, -1), (after, 1)):
        for pid in moved:
            if pid not in rows:
                continue
            unit_id, group_id, tenths = rows[pid]
            for above in path_ids(paths.get(unit_id, "")):
                for group in (group_id, ALL_GROUPS):
                    key = (group, above, tenths)
                    deltas[key] = deltas.get(key, 0) + sign
    rows = [
        {"cycle_id": cycle_id, "role_group_id": g, "unit_id": u, "tenths": t, "people": n}
        for (g, u, t), n in sorted(deltas.items())
        if n
    ]
    if not rows:
        return
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    table = ReportHours.__table__
    statement = dialect.insert(table)
    statement = statement.on_conflict_do_update(
        index_elements=["cycle_id", "role_group_id", "unit_id", "tenths"],
        set_={"people": table.c.people + statement.excluded.people},
    )
    db.session.execute(statement, rows)


@dataclass(frozen=True)
class _Level:
    """One level of the summary: per-person rows and the per-unit sums of them."""

    rows: object  # the per-person table
    units: object  # the per-unit model
    row_key: tuple[str, ...]
    unit_key: tuple[str, ...]
    sums: object  # rows -> the labelled sum expressions
    columns: tuple[str, ...]
    totals: type
    fresh: object  # (cycle_id, day, person_ids) -> a SELECT of the rows from the base tables
    counted: object = None  # rows -> the condition on the rows that add to the sums


_PEOPLE = _Level(
    ReportPerson.__table__,
    ReportUnit,
    ("cycle_id", "person_id"),
    ("unit_id", "role_group_id"),
    people_sums,
    PEOPLE_COLUMNS,
    PeopleTotals,
    person_rows,
)
_AREAS = _Level(
    ReportArea.__table__,
    ReportUnitArea,
    ("cycle_id", "person_id", "area_id"),
    ("unit_id", "role_group_id", "area_id"),
    area_sums,
    AREA_COLUMNS,
    AreaTotals,
    area_rows,
    counted=lambda rows: rows.c.target.is_not(None),
)


def _replace(level: _Level, cycle_id: int, ids: list[int], day: date) -> None:
    """`ids`' rows of `level` recomputed from the base tables, and the unit sums moved by the
    difference: on PostgreSQL in one statement (built once per process, its values bound),
    elsewhere in five."""
    if db.engine.dialect.name == "postgresql":
        values = {"refresh_cycle": cycle_id, "refresh_day": day, "refresh_ids": ids}
        db.session.execute(_replaced_in_one(level), values)
        return
    table = level.rows
    mine = and_(table.c.cycle_id == cycle_id, table.c.person_id.in_(ids))
    old = _sums(level, cycle_id, ids)
    db.session.execute(table.delete().where(mine))
    fresh = level.fresh(cycle_id, day, ids)
    db.session.execute(insert(table).from_select([c.name for c in table.columns], fresh))
    _move_sums(level, cycle_id, old, _sums(level, cycle_id, ids))


def _sums(level: _Level, cycle_id: int, ids: list[int]) -> dict:
    """What `ids` add to each unit key of `level` in a cycle."""
    table = level.rows
    keys = [table.c[name] for name in level.unit_key]
    query = select(*keys, *level.sums(table)).where(
        table.c.cycle_id == cycle_id, table.c.person_id.in_(ids)
    )
    if level.counted is not None:
        query = query.where(level.counted(table))
    rows = db.session.execute(query.group_by(*keys))
    return {tuple(getattr(r, n) for n in level.unit_key): level.totals.from_row(r) for r in rows}


@functools.cache
def _replaced_in_one(level: _Level):
    """The PostgreSQL statement of `_replace`: the old rows read, the fresh ones computed, the
    rows that no longer count deleted and the others upserted (data-modifying CTEs, all seeing
    the rows as they were), and the difference of their sums added to each unit key and to its
    every-group total, in key order (so concurrent writers never deadlock). Its values are
    bound (refresh_cycle, refresh_day, refresh_ids): built once, it costs a write no Python."""
    cycle_id = bindparam("refresh_cycle", type_=Integer)
    ids = bindparam("refresh_ids", expanding=True)
    fresh = level.fresh(cycle_id, bindparam("refresh_day", type_=Date), ids)
    table, units = level.rows, level.units.__table__
    old = select(table).where(table.c.cycle_id == cycle_id, table.c.person_id.in_(ids)).cte("old")
    new = fresh.cte("new")
    still = select(*(new.c[name] for name in level.row_key))
    gone = (
        table.delete()
        .where(
            table.c.cycle_id == cycle_id,
            table.c.person_id.in_(ids),
            tuple_(*(table.c[name] for name in level.row_key)).not_in(still),
        )
        .returning(table.c.person_id)
        .cte("gone")
    )
    upsert = postgresql.insert(table).from_select([c.name for c in table.columns], select(new))
    upsert = upsert.on_conflict_do_update(
        index_elements=list(level.row_key),
        set_={
            c.name: upsert.excluded[c.name] for c in table.columns if c.name not in level.row_key
        },
    )
    kept = upsert.returning(table.c.person_id).cte("kept")

    def sums(rows, sign: int):
        keys = [rows.c[name] for name in level.unit_key]
        query = select(*keys, *[(e.element * sign).label(e.name) for e in level.sums(rows)])
        if level.counted is not None:
            query = query.where(level.counted(rows))
        return query.group_by(*keys)

    moved = union_all(sums(new, 1), sums(old, -1)).cte("moved")
    every_group = [
        literal(ALL_GROUPS).label(n) if n == "role_group_id" else moved.c[n] for n in level.unit_key
    ]
    both = union_all(
        select(*(moved.c[n] for n in level.unit_key), *(moved.c[n] for n in level.columns)),
        select(*every_group, *(moved.c[n] for n in level.columns)),
    ).subquery("both_levels")
    keys = [both.c[n] for n in level.unit_key]
    totals = [func.sum(both.c[n]) for n in level.columns]
    delta = (
        select(
            cycle_id,
            *keys,
            *(t.label(n) for t, n in zip(totals, level.columns, strict=True)),
        )
        .group_by(*keys)
        .having(or_(*(t != 0 for t in totals)))
        .order_by(*keys)
    )
    statement = postgresql.insert(units).from_select(
        ["cycle_id", *level.unit_key, *level.columns], delta
    )
    statement = statement.on_conflict_do_update(
        index_elements=["cycle_id", *level.unit_key],
        set_={n: units.c[n] + statement.excluded[n] for n in level.columns},
    )
    return statement.add_cte(gone, kept)


def _move_sums(level: _Level, cycle_id: int, old: dict, new: dict) -> None:
    """Add new - old to the unit sums, in key order (so concurrent writers never deadlock)."""
    key_names, blank, columns = list(level.unit_key), level.totals, level.columns
    table = level.units.__table__
    deltas: dict[tuple, object] = {}
    for key in set(old) | set(new):
        for target in (key, (key[0], ALL_GROUPS, *key[2:])):  # the group, and every group
            delta = deltas.setdefault(target, blank())
            delta.add(new.get(key, blank()))
            delta.add(old.get(key, blank()), sign=-1)
    rows = []
    for key in sorted(deltas):
        values = {name: getattr(deltas[key], name) for name in columns}
        if any(values.values()):
            rows.append({"cycle_id": cycle_id, **dict(zip(key_names, key, strict=True)), **values})
    if not rows:
        return
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table)
    statement = statement.on_conflict_do_update(
        index_elements=["cycle_id", *key_names],
        set_={name: table.c[name] + statement.excluded[name] for name in columns},
    )
    # every row names every column (a zero where nothing moved): one executemany, in key order
    db.session.execute(statement, rows)


def _set_state(cycle_id: int, day: date) -> None:
    state = db.session.get(ReportState, cycle_id)
    if state is None:
        db.session.add(ReportState(cycle_id=cycle_id, reference_day=day, rebuilt_at=utcnow()))
    else:
        state.reference_day = day
        state.rebuilt_at = utcnow()
        state.stale_since = None
    db.session.flush()


def mark_stale(cycle: Cycle) -> None:
    """Say that `cycle`'s summary waits for a rebuild (a queued task does it): report pages
    then show when their figures were last exact. A cycle not built yet needs nothing."""
    state = db.session.get(ReportState, cycle.id)
    if state is not None and state.stale_since is None:
        state.stale_since = utcnow()
        db.session.flush()


def rebuild_stale(cycle_id: int) -> bool:
    """The queued rebuild: rebuild `cycle_id` if it is still stale, and commit. One worker at
    a time (the cycle's row is the lock); False when another already did it."""
    db.session.execute(select(Cycle.id).where(Cycle.id == cycle_id).with_for_update())
    state = db.session.get(ReportState, cycle_id, populate_existing=True)
    if state is None or state.stale_since is None:
        db.session.rollback()
        return False
    rebuild(db.session.get(Cycle, cycle_id))
    db.session.commit()
    return True


def bring_up_to_date(cycle: Cycle) -> ReportState:
    """Make `cycle`'s summary current for today (a first build, or a running cycle's new day);
    the caller commits. Cheap when nothing changed: one primary-key read."""
    state = db.session.get(ReportState, cycle.id)
    day = reference_day(cycle)
    if state is not None and state.reference_day == day:
        return state
    # One writer moves the day on (the cycle's row is the lock); others wait, then find it done.
    db.session.execute(select(Cycle.id).where(Cycle.id == cycle.id).with_for_update())
    state = db.session.get(ReportState, cycle.id, populate_existing=True)
    if state is None:
        rebuild(cycle, day)
    elif state.reference_day != day:
        moved = list(db.session.scalars(placed_between(state.reference_day, day)))
        refresh(cycle, moved, day)
        _set_state(cycle.id, day)
    return db.session.get(ReportState, cycle.id)


def drift(cycle: Cycle) -> list[str]:
    """Where the kept summary of `cycle` differs from the base tables (empty: exact), read
    without writing: each person's rows against `person_rows`/`area_rows` on the summary's
    reference day, and each unit's sums against the sums of the kept person rows."""
    state = db.session.get(ReportState, cycle.id)
    if state is None:
        return []  # not built yet: a report builds it in full when first asked
    day = state.reference_day
    found = []
    people, areas = ReportPerson.__table__, ReportArea.__table__
    for name, kept, fresh, width in (
        (
            "person",
            select(people).where(people.c.cycle_id == cycle.id),
            person_rows(cycle.id, day),
            2,
        ),
        ("area", select(areas).where(areas.c.cycle_id == cycle.id), area_rows(cycle.id, day), 3),
    ):
        found += _compare(name, _keyed(kept, width), _keyed(fresh, width))
    for name, model in (("unit", ReportUnit), ("unit area", ReportUnitArea)):
        table, keys = model.__table__, UNIT_KEYS[model]
        kept_query = select(*[table.c[k] for k in (*keys, *UNIT_COLUMNS[model])]).where(
            table.c.cycle_id == cycle.id
        )
        fresh = _sums_per_unit(model, cycle.id)
        kept, expected = _keyed(kept_query, len(keys)), _keyed(fresh, len(keys))
        for key, values in list(expected.items()):  # every group's row: the groups' sum
            every = (key[0], key[1], ALL_GROUPS, *key[3:])
            total = expected.get(every, (0.0,) * len(values))
            expected[every] = tuple(_number(a + b) for a, b in zip(total, values, strict=True))
        # a unit whose people all moved away keeps a row of zeros
        kept = {k: v for k, v in kept.items() if any(v)}
        found += _compare(name, kept, expected)
    return found + _hours_drift(cycle.id)


def _hours_drift(cycle_id: int) -> list[str]:
    """`report_hours` against the kept per-person rows (a subtree's count of 0 is no row)."""
    hours = ReportHours.__table__
    kept = {
        (g, u, t): n
        for g, u, t, n in db.session.execute(
            select(hours.c.role_group_id, hours.c.unit_id, hours.c.tenths, hours.c.people).where(
                hours.c.cycle_id == cycle_id, hours.c.people != 0
            )
        )
    }
    expected: dict[tuple, int] = {}
    for g, u, t, n in db.session.execute(hours_per_subtree(ReportPerson.__table__, cycle_id)):
        for key in ((g, u, t), (ALL_GROUPS, u, t)):
            expected[key] = expected.get(key, 0) + n
    return _compare("hours", kept, expected)


def _keyed(query, width: int) -> dict[tuple, tuple]:
    """Rows as {first `width` columns: the rest}, numbers made comparable across dialects."""
    rows = db.session.execute(query).all()
    return {tuple(row[:width]): tuple(_number(v) for v in row[width:]) for row in rows}


def _number(value):
    """Numbers as dialects return them (int, float, Decimal) made comparable; others as they are."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return round(float(value), 6)
    return value


def _compare(name: str, kept: dict, fresh: dict) -> list[str]:
    out = []
    for key in sorted(set(kept) | set(fresh), key=repr):
        if kept.get(key) != fresh.get(key):
            out.append(f"{name} {key}: kept {kept.get(key)}, from the base tables {fresh.get(key)}")
    return out
