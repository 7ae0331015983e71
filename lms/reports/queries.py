"""Unit reports: a handful of grouped queries over a unit subtree, returning plain figures.

`unit_report` reads the summary's per-unit sums (a few rows per unit, whatever the headcount);
`live_figures` computes the same figures straight from the base tables (the benchmark's bare
SQL and the tests' cross-check). The number of statements never depends on the subtree's size.
"""

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import force_locale, gettext
from sqlalchemy import and_, case, func, literal, select, union_all
from sqlalchemy.orm import aliased

from lms.cycles import cycle_by_year
from lms.extensions import db
from lms.models import (
    ALL_GROUPS,
    Cycle,
    ReportHours,
    ReportPerson,
    ReportState,
    ReportUnit,
    ReportUnitArea,
    RoleGroup,
    SkillArea,
    Track,
    Unit,
)
from lms.reports.figures import (
    HOUR_BANDS,
    NOT_READ,
    AreaInfo,
    AreaTotals,
    Figures,
    HoursSpread,
    PeopleTotals,
    build_figures,
)
from lms.reports.population import reference_day
from lms.reports.rows import (
    AREA_COLUMNS,
    PEOPLE_COLUMNS,
    area_rows,
    area_sums,
    people_sums,
    person_rows,
    tenths_of,
)
from lms.reports.summary import bring_up_to_date

HEADLINE = None  # the key of the whole subtree's totals (children are keyed by unit id)


@dataclass(frozen=True)
class ChildFigures:
    unit: Unit
    figures: Figures
    own: bool = False  # the people placed in the report's unit itself, not in a unit below

    def name(self, locale: str = "th") -> str:
        """The row's name: the child unit's, or "In <unit> itself" for the people placed in
        the report's unit (its director, say)."""
        if not self.own:
            return self.unit.name(locale)
        with force_locale(locale):
            return gettext("In %(unit)s itself", unit=self.unit.name(locale))


@dataclass(frozen=True)
class UnitReport:
    """Everything a unit report shows, for one cycle, subtree and (optional) role group."""

    unit: Unit
    cycle: Cycle
    role_group: RoleGroup | None
    areas: list[AreaInfo]
    figures: Figures
    children: list[ChildFigures]
    previous_cycle: Cycle | None
    previous: Figures | None
    as_of: date
    trail: list[Unit]  # the units above, root first (breadcrumbs)
    exact_at: datetime | None = None  # set while a rebuild is queued: when figures were exact
    own: ChildFigures | None = None  # the people placed in the unit itself (a director)
    track: Track | None = None  # the people of the track's role groups

    @property
    def rows(self) -> list[ChildFigures]:
        """The child units, then the people placed in the unit itself when there are any:
        the rows of the children's tables, which add up to the unit."""
        own = [self.own] if self.own is not None and self.own.figures.headcount else []
        return [*self.children, *own]


def area_infos(cycle: Cycle | int, run=None) -> list[AreaInfo]:
    """The skill areas of a cycle (or of a framework id), in order, as reports name them."""
    framework_id = cycle if isinstance(cycle, int) else cycle.framework_id
    rows = (run or db.session.execute)(
        select(
            SkillArea.id,
            SkillArea.code,
            SkillArea.name_th,
            SkillArea.name_en,
            SkillArea.short_th,
            SkillArea.short_en,
        )
        .where(SkillArea.framework_id == framework_id)
        .order_by(SkillArea.position, SkillArea.id)
    )
    return [AreaInfo(*row) for row in rows]


def previous_cycle_of(cycle: Cycle) -> Cycle | None:
    return cycle_by_year(cycle.be_year - 1)


def ensure_summary(cycle: Cycle) -> None:
    """Bring the summary of `cycle` and of the year before up to date (a write only on a first
    build or a new day); callers commit before reading, so nothing read is expired after."""
    previous_cycle = previous_cycle_of(cycle)
    for each in (previous_cycle, cycle):
        if each is not None:
            bring_up_to_date(each)


def group_ids_of(role_group: RoleGroup | None, track: Track | None) -> list[int] | None:
    """The role groups a report counts (None: everyone): the one asked for, or the track's."""
    if role_group is not None:
        return [role_group.id]
    if track is not None:
        return list(db.session.scalars(select(RoleGroup.id).where(RoleGroup.track_id == track.id)))
    return None


def unit_report(
    unit: Unit,
    cycle: Cycle,
    role_group: RoleGroup | None = None,
    *,
    track: Track | None = None,
    with_children: bool = True,
    with_hours: bool = True,
) -> UnitReport:
    """The report of `unit`'s subtree in `cycle` (and the trend from the cycle before), read
    from the summary: call `ensure_summary(cycle)` and commit first. With a track, the sums
    of its role groups' rows: every figure weighted over people, never an average of
    averages. Without `with_hours`, hours per person are not read (the home page, which does
    not show them: two statements less)."""
    previous_cycle = previous_cycle_of(cycle)
    areas = area_infos(cycle)
    group_id = group_ids_of(role_group, track)
    totals = _summed(cycle.id, unit, group_id, by_child=False)
    children, own = [], None
    kids = []
    if with_children:
        kids = list(
            db.session.scalars(select(Unit).where(Unit.parent_id == unit.id).order_by(Unit.code))
        )
    spreads = _spreads(cycle.id, unit, group_id, [kid.id for kid in kids]) if with_hours else {}

    def spread(key):  # a key nobody counts in is absent: no hours
        return spreads.get(key) if with_hours else NOT_READ

    if kids:
        by_child = _summed(cycle.id, unit, group_id, by_child=True)
        empty = (PeopleTotals(), {})
        children = [
            ChildFigures(kid, build_figures(*by_child.get(kid.id, empty), areas, spread(kid.id)))
            for kid in kids
        ]
        own = ChildFigures(
            unit, build_figures(*by_child.get(unit.id, empty), areas, spread(OWN)), True
        )
    previous = None
    if previous_cycle is not None:
        previous = build_figures(
            *_summed(previous_cycle.id, unit, group_id, by_child=False).get(
                HEADLINE, (PeopleTotals(), {})
            ),
            area_infos(previous_cycle)
            if previous_cycle.framework_id != cycle.framework_id
            else areas,
            _spreads(previous_cycle.id, unit, group_id, []).get(HEADLINE)
            if with_hours
            else NOT_READ,
        )
    return UnitReport(
        unit=unit,
        cycle=cycle,
        role_group=role_group,
        areas=areas,
        figures=build_figures(*totals.get(HEADLINE, (PeopleTotals(), {})), areas, spread(HEADLINE)),
        children=children,
        previous_cycle=previous_cycle,
        previous=previous,
        as_of=reference_day(cycle),
        trail=units_above(unit),
        exact_at=_exact_at(cycle),
        own=own,
        track=track,
    )


OWN = -1  # the key of the people placed in the report's unit itself, among the spreads


def _spreads(cycle_id: int, unit: Unit, group_id, child_ids: list[int]) -> dict:
    """{HEADLINE, child unit id, OWN: HoursSpread} in one statement: each subtree's people by
    hours from `report_hours` (the unit's and its children's), the people placed in the unit
    itself from their own rows (a director: a few), then per key the bands and the two middle
    values (the running count of people in order of hours reaching half of them), so that
    only a row per key comes back, whatever the number of distinct hours. A key nobody
    counts in is absent."""
    hours, people = ReportHours.__table__, ReportPerson.__table__

    def groups(table):
        if isinstance(group_id, list):
            return table.c.role_group_id.in_(group_id)
        return table.c.role_group_id == (ALL_GROUPS if group_id is None else group_id)

    def part(key, where):
        return select(key.label("key"), hours.c.tenths, hours.c.people).where(
            hours.c.cycle_id == cycle_id, groups(hours), where, hours.c.people != 0
        )

    parts = [part(literal(0), hours.c.unit_id == unit.id)]
    if child_ids:
        parts.append(part(hours.c.unit_id, hours.c.unit_id.in_(child_ids)))
        parts.append(
            select(literal(OWN).label("key"), tenths_of(people), literal(1)).where(
                people.c.cycle_id == cycle_id,
                people.c.unit_id == unit.id,
                *([groups(people)] if group_id is not None else []),
            )
        )
    c = union_all(*parts).subquery("rows").c
    ranked = select(
        c.key,
        c.tenths,
        c.people,
        func.sum(c.people).over(partition_by=c.key, order_by=c.tenths).label("seen"),
        func.sum(c.people).over(partition_by=c.key).label("total"),
    ).subquery("ranked")
    r = ranked.c
    bands = [
        func.sum(
            case((and_(r.tenths >= low, *([r.tenths < high] if high else [])), r.people), else_=0)
        )
        for _name, low, high in HOUR_BANDS
    ]
    lower = func.min(case((2 * r.seen >= r.total, r.tenths)))
    upper = func.min(case((2 * r.seen > r.total, r.tenths)))
    result = {}
    for key, *values in db.session.execute(select(r.key, lower, upper, *bands).group_by(r.key)):
        low, high, *counts = values
        spread = HoursSpread(
            {name: int(n) for (name, _a, _b), n in zip(HOUR_BANDS, counts, strict=True)},
            (int(low) + int(high)) / 20,
        )
        result[HEADLINE if int(key) == 0 else int(key)] = spread
    return result


def _exact_at(cycle: Cycle) -> datetime | None:
    """While `cycle`'s summary waits for a queued rebuild, when its figures were last exact."""
    state = db.session.get(ReportState, cycle.id)
    return state.rebuilt_at if state is not None and state.stale_since is not None else None


def units_above(unit: Unit) -> list[Unit]:
    """The units above `unit`, root first (one query, from its path)."""
    ids = unit.ancestor_ids()[:-1]
    if not ids:
        return []
    found = {u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def _summed(cycle_id: int, unit: Unit, group_id, *, by_child: bool) -> dict:
    """{key: (PeopleTotals, {area_id: AreaTotals})} from the per-unit sums (the ALL_GROUPS
    rows without a role-group filter: one row per unit; with a list of role groups, the sum of
    their rows)."""
    people, areas = ReportUnit.__table__, ReportUnitArea.__table__
    people_totals = [func.coalesce(func.sum(people.c[n]), 0).label(n) for n in PEOPLE_COLUMNS]
    area_totals = [func.coalesce(func.sum(areas.c[n]), 0).label(n) for n in AREA_COLUMNS]
    return _grouped(
        people,
        people_totals,
        areas,
        area_totals,
        cycle_id,
        unit,
        group_id if group_id is not None else ALL_GROUPS,
        by_child,
    )


def live_figures(
    unit: Unit,
    cycle: Cycle,
    role_group: RoleGroup | None = None,
    *,
    track: Track | None = None,
    by_child: bool = False,
) -> dict:
    """{HEADLINE or child unit id: Figures} computed straight from the base tables."""
    day = reference_day(cycle)
    people = person_rows(cycle.id, day, within=unit).subquery("people")
    areas = area_rows(cycle.id, day, within=unit).subquery("areas")
    totals = _grouped(
        people,
        people_sums(people),
        areas,
        area_sums(areas),
        None,
        unit,
        group_ids_of(role_group, track),
        by_child,
        applicable_only=True,
    )
    infos = area_infos(cycle)
    spreads = _live_spreads(people, unit, by_child, group_ids_of(role_group, track))
    return {key: build_figures(p, a, infos, spreads.get(key)) for key, (p, a) in totals.items()}


def _live_spreads(people, unit: Unit, by_child: bool, group_ids) -> dict:
    """{key: HoursSpread} from per-person rows `people` (a subquery of `person_rows`), counted
    one by one in Python (the cross-check of `_spreads`)."""
    query = (
        select(Unit.path, tenths_of(people))
        .select_from(people)
        .join(Unit, Unit.id == people.c.unit_id)
    )
    if group_ids is not None:
        query = query.where(people.c.role_group_id.in_(group_ids))
    histograms: dict = {}
    for path, tenths in db.session.execute(query):
        key = HEADLINE
        if by_child:
            rest = path[len(unit.path) :]
            key = int(rest.split("/")[0]) if rest else unit.id
        histogram = histograms.setdefault(key, {})
        histogram[tenths] = histogram.get(tenths, 0) + 1
    return {key: HoursSpread.of(histogram) for key, histogram in histograms.items()}


def _grouped(
    people,
    people_columns,
    areas,
    area_columns,
    cycle_id: int | None,
    unit: Unit,
    group_id: int | None,
    by_child: bool,
    *,
    applicable_only: bool = False,
) -> dict:
    """Sum `people` and `areas` rows over `unit`'s subtree, or per direct child unit (the
    child is read off each unit's materialised path: no join per child) with the people placed
    in `unit` itself under its own id."""
    result: dict = {}
    for source, columns, per_area in ((people, people_columns, False), (areas, area_columns, True)):
        member = aliased(Unit)
        keys = []
        query = (
            select()
            .select_from(source)
            .join(member, member.id == source.c.unit_id)
            .where(member.path.startswith(unit.path))
        )
        if by_child:  # each child's subtree, and the unit itself under its own id
            own = literal(str(unit.id))
            child = case((member.id == unit.id, own), else_=_child_key(member.path, unit.path))
            keys.append(child.label("key"))
        if per_area:
            keys.append(source.c.area_id)
            if applicable_only:
                query = query.where(source.c.target.is_not(None))
        if cycle_id is not None:
            query = query.where(source.c.cycle_id == cycle_id)
        if isinstance(group_id, list):
            query = query.where(source.c.role_group_id.in_(group_id))
        elif group_id is not None:
            query = query.where(source.c.role_group_id == group_id)
        query = query.add_columns(*keys, *columns)
        if keys:
            query = query.group_by(*keys)
        for row in db.session.execute(query):
            key = int(row.key) if by_child else HEADLINE
            people_totals, area_totals = result.setdefault(key, (PeopleTotals(), {}))
            if per_area:
                area_totals[row.area_id] = AreaTotals.from_row(row)
            else:
                people_totals.add(PeopleTotals.from_row(row))
    return result


def _child_key(path, prefix: str):
    """The id (as text) of the direct child of the unit whose path is `prefix`, from a
    member unit's `path` ("/1/7/42/" under "/1/" gives "7")."""
    rest = func.substr(path, len(prefix) + 1)
    if db.engine.dialect.name == "postgresql":
        return func.split_part(rest, "/", 1)
    return func.substr(rest, 1, func.instr(rest, "/") - 1)


def readiness_by_track(unit: Unit, cycle: Cycle) -> list[tuple[Track, float | None, int]]:
    """Each track of the BMA plan with its readiness in `unit`'s subtree (ratings at or above
    the target over ratings, its role groups' rows summed: weighted over people) and how many
    ratings count; one statement."""
    areas, member = ReportUnitArea.__table__, aliased(Unit)
    sums = dict(
        (track_id, (int(meeting or 0), int(assessed or 0)))
        for track_id, meeting, assessed in db.session.execute(
            select(RoleGroup.track_id, func.sum(areas.c.meeting), func.sum(areas.c.assessed))
            .select_from(areas)
            .join(member, member.id == areas.c.unit_id)
            .join(RoleGroup, RoleGroup.id == areas.c.role_group_id)
            .where(
                areas.c.cycle_id == cycle.id,
                areas.c.role_group_id != ALL_GROUPS,
                member.path.startswith(unit.path),
            )
            .group_by(RoleGroup.track_id)
        )
    )
    result = []
    for track in db.session.scalars(select(Track).order_by(Track.code)):
        meeting, assessed = sums.get(track.id, (0, 0))
        result.append((track, meeting / assessed if assessed else None, assessed))
    return result
