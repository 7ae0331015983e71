"""`flask lms generate`: a synthetic organisation of any size, deterministic from its seed.

The default is the size of the whole BMA: 100,000 people in ~2,000 units on 4 levels (BMA →
50 departments and districts → divisions → sections), FY 2565 closed and FY 2566 open, with
realistic shares of self-assessments, plans in every state, 70:20:10 learning, supervisor
ratings, people who moved or left. Rows go in by bulk inserts (COPY on PostgreSQL) with ids
set here, then the report summary is rebuilt once. For benchmarks and load tests, never for
a real installation.
"""

import random
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select, text

from lms.auth.services import set_password
from lms.cycles import create_cycle
from lms.demo.generated_year import cycle_rows
from lms.extensions import db
from lms.models import (
    Course,
    Cycle,
    Framework,
    Goal,
    LearningActivity,
    Person,
    Plan,
    Rating,
    RoleAssignment,
    RoleGroup,
    SelfAssessment,
    SkillArea,
    SupervisorRating,
    Unit,
    UnitMembership,
    search_key_of,
)
from lms.models.lines import line_of
from lms.reports.summary import rebuild
from lms.vocab import CycleStatus, Role

ROOT_CODE = "BMA"
ADMIN_EMAIL = "admin@generated.local"
DEPARTMENTS = 50
CLOSED_YEAR, OPEN_YEAR = 2565, 2566
GROUP_SHARES = {
    "EXEC": 0.004,
    "MGMT": 0.05,
    "ACAD": 0.33,
    "SERV": 0.45,
    "TECH": 0.05,
    "OTHER": 0.116,
}
FIRST = (
    "สมชาย",
    "สมหญิง",
    "วิภา",
    "ประเสริฐ",
    "กิตติ",
    "อรุณี",
    "ธนา",
    "พรทิพย์",
    "สุรชัย",
    "นภา",
    "ชัยวัฒน์",
    "มาลี",
    "ศิริพร",
    "อนุชา",
    "วรรณา",
    "ปิยะ",
    "จันทร์เพ็ญ",
    "ธีระ",
    "รัตนา",
    "สุนทร",
)
LAST = (
    "ใจดี",
    "ศรีสุข",
    "บุญมา",
    "แก้วมณี",
    "วงศ์ไทย",
    "ทองดี",
    "สายสุวรรณ",
    "พรหมมา",
    "จันทร์งาม",
    "รุ่งเรือง",
    "สุขสวัสดิ์",
    "มั่นคง",
    "เพชรรัตน์",
    "ศักดิ์ดี",
    "ประเสริฐศรี",
)


@dataclass
class Built:
    units: int = 0
    people: int = 0
    rows: dict[str, int] = field(default_factory=dict)


class Writer:
    """Bulk rows into a table: COPY on PostgreSQL, executemany elsewhere."""

    def __init__(self):
        self.connection = db.session.connection()
        self.postgres = self.connection.dialect.name == "postgresql"
        self.counts: dict[str, int] = {}

    def write(self, model, columns: list[str], rows: Iterable[tuple]) -> None:
        table = model.__table__
        rows = list(rows)
        if not rows:
            return
        self.counts[table.name] = self.counts.get(table.name, 0) + len(rows)
        if self.postgres:
            cursor = self.connection.connection.driver_connection.cursor()
            with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        statement = table.insert()
        for start in range(0, len(rows), 20000):
            chunk = rows[start : start + 20000]
            self.connection.execute(statement, [dict(zip(columns, r, strict=True)) for r in chunk])

    def next_id(self, model) -> int:
        return (db.session.scalar(select(func.max(model.id))) or 0) + 1

    def reset_sequences(self, models) -> None:
        if not self.postgres:
            return
        for model in models:
            name = model.__table__.name
            self.connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "  # noqa: S608
                    f"(SELECT COALESCE(MAX(id), 1) FROM {name}))"
                )
            )


def generate(
    people: int = 100_000, seed: int = 1, progress: Callable[[str, int], None] | None = None
) -> Built:
    """Load the organisation (the caller commits, then calls `summarise`). `progress(step, amount)` hears each step."""
    if db.session.scalars(select(Unit).where(Unit.code == ROOT_CODE)).first() is not None:
        raise ValueError(f"a generated organisation (unit {ROOT_CODE}) is already here")
    say = progress or (lambda _step, _amount: None)
    rng = random.Random(seed)
    framework = db.session.scalars(select(Framework).where(Framework.is_default.is_(True))).one()
    cycles = {}
    for year, status in ((CLOSED_YEAR, CycleStatus.CLOSED), (OPEN_YEAR, CycleStatus.OPEN)):
        cycles[year] = db.session.scalars(
            select(Cycle).where(Cycle.be_year == year)
        ).first() or create_cycle(year, framework, status=status)
    db.session.commit()  # the cycles first: their (empty) summaries are built now, cheaply
    writer = Writer()
    groups = dict(db.session.execute(select(RoleGroup.code, RoleGroup.id)).all())
    areas = list(
        db.session.scalars(select(SkillArea).where(SkillArea.framework_id == framework.id))
    )
    courses = list(db.session.scalars(select(Course.id)))

    units = _units(writer, rng, people)
    say("units", len(units))
    placed = _people(writer, rng, people, units, groups)
    say("people", people)
    for year, cycle in cycles.items():
        cycle_rows(writer, rng, cycle, placed, areas, courses, closed=(year == CLOSED_YEAR))
        say(f"FY {year}", people)
    writer.reset_sequences(
        [
            Unit,
            Person,
            UnitMembership,
            RoleAssignment,
            SelfAssessment,
            Rating,
            Plan,
            Goal,
            LearningActivity,
            SupervisorRating,
        ]
    )
    admin = db.session.scalars(select(Person).where(Person.email == ADMIN_EMAIL)).one()
    set_password(admin, "generated-" + secrets.token_hex(8))
    db.session.flush()
    return Built(units=len(units), people=people, rows=writer.counts)


def summarise() -> None:
    """After a bulk load: fresh planner statistics, then the report summary of every cycle
    (the caller has committed the load, and commits this)."""
    postgres = db.session.get_bind().dialect.name == "postgresql"
    # on PostgreSQL a table autovacuum is analysing at that moment is left to it
    db.session.execute(text("ANALYZE (SKIP_LOCKED)" if postgres else "ANALYZE"))
    for cycle in db.session.scalars(select(Cycle).order_by(Cycle.be_year)):
        rebuild(cycle)


@dataclass
class UnitRow:
    id: int
    code: str
    path: str
    depth: int
    head: int | None = None  # the person who heads it


def _units(writer: Writer, rng: random.Random, people: int) -> list[UnitRow]:
    """BMA → departments → divisions → sections: ~2,000 units for 100,000 people."""
    scale = max(people / 100_000, 0.01)
    departments = max(2, round(DEPARTMENTS * min(scale, 1)))
    next_id = writer.next_id(Unit)
    rows: list[UnitRow] = []

    def add(code: str, parent: UnitRow | None) -> UnitRow:
        nonlocal next_id
        path = (parent.path if parent else "/") + f"{next_id}/"
        unit = UnitRow(next_id, code, path, parent.depth + 1 if parent else 0)
        next_id += 1
        rows.append(unit)
        return unit

    root = add(ROOT_CODE, None)
    for d in range(departments):
        department = add(f"D{d + 1:02d}", root)
        for v in range(rng.randint(7, 13) if scale >= 0.5 else 2):
            division = add(f"{department.code}-{v + 1:02d}", department)
            for s in range(rng.randint(2, 4) if scale >= 0.5 else 2):
                add(f"{division.code}-{s + 1}", division)
    writer.write(
        Unit,
        ["id", "code", "name_th", "name_en", "parent_id", "path", "depth", "active"],
        [
            (
                u.id,
                u.code,
                *_unit_names(u),
                int(u.path.strip("/").split("/")[-2]) if u.depth else None,
                u.path,
                u.depth,
                True,
            )
            for u in rows
        ],
    )
    return rows


def _unit_names(unit: UnitRow) -> tuple[str, str]:
    if unit.depth == 0:
        return "กรุงเทพมหานคร", "Bangkok Metropolitan Administration"
    number = unit.code.split("-")[-1].lstrip("D")
    thai = ("สำนักงานเขต", "กอง", "ฝ่าย")[unit.depth - 1]
    english = ("District office", "Division", "Section")[unit.depth - 1]
    return f"{thai} {unit.code}", f"{english} {unit.code}" if number else unit.code


@dataclass
class Placed:
    id: int
    group_id: int
    unit: UnitRow
    moved_to: UnitRow | None
    moved_on: date | None
    left_on: date | None
    supervisor: int | None = None


def _people(writer, rng, count, units, groups) -> list[Placed]:
    first_id = writer.next_id(Person)
    by_depth = {d: [u for u in units if u.depth == d] for d in range(4)}
    # Most people work in sections, some in divisions and departments, a few at the top.
    homes = by_depth[3] * 6 + by_depth[2] * 2 + by_depth[1] + by_depth[0]
    codes = list(GROUP_SHARES)
    weights = list(GROUP_SHARES.values())
    people: list[Placed] = []
    rows, memberships, roles = [], [], []
    membership_id = writer.next_id(UnitMembership)
    role_id = writer.next_id(RoleAssignment)
    closed_start = date(2021, 10, 1)
    for n in range(count):
        pid = first_id + n
        unit = (
            units[0]
            if n == 0
            else (
                by_depth[1][(n - 1) % len(by_depth[1])]
                if n <= len(by_depth[1])
                else rng.choice(homes)
            )
        )
        code = "EXEC" if unit.head is None and unit.depth <= 1 else rng.choices(codes, weights)[0]
        if unit.head is None:
            unit.head = pid
            if code not in ("EXEC", "MGMT"):
                code = "MGMT"
        moved_to = moved_on = left_on = None
        roll = rng.random()
        if roll < 0.048 and unit.head != pid:  # heads stay where they lead
            moved_to = rng.choice(homes)
            moved_on = closed_start + timedelta(days=rng.randint(30, 700))
        elif roll < 0.07:
            left_on = closed_start + timedelta(days=rng.randint(30, 720))
        people.append(Placed(pid, groups[code], unit, moved_to, moved_on, left_on))
    heads = {u.id: u.head for u in units}
    parents = {u.id: int(u.path.strip("/").split("/")[-2]) if u.depth else None for u in units}
    for index, p in enumerate(people):
        n = index + 1
        now_in = p.moved_to or p.unit
        head = heads[now_in.id]
        supervisor = head if head not in (None, p.id) else _head_above(now_in.id, parents, heads)
        p.supervisor = supervisor
        email = ADMIN_EMAIL if index == 0 else f"g{n}@generated.local"
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        rows.append(
            (
                p.id,
                f"G{n:06d}",
                email,
                name,
                None,
                "นักจัดการงานทั่วไป",
                p.group_id,
                now_in.id,
                supervisor,
                "th",
                secrets.token_urlsafe(16),
                p.left_on,
                datetime(2021, 10, 1),
                search_key_of({"name_th": name, "employee_no": f"G{n:06d}", "email": email}),
            )
        )
        since = date(2012, 10, 1) + timedelta(days=rng.randint(0, 3000))
        if p.moved_to is not None:
            memberships.append((membership_id, p.id, p.unit.id, p.group_id, since, p.moved_on))
            memberships.append(
                (membership_id + 1, p.id, p.moved_to.id, p.group_id, p.moved_on, None)
            )
            membership_id += 2
        else:
            memberships.append((membership_id, p.id, p.unit.id, p.group_id, since, None))
            membership_id += 1
        if head == p.id:
            roles.append((role_id, p.id, Role.SUPERVISOR.value, None))
            role_id += 1
        if p.unit.depth == 1 and head == p.id:
            roles.append((role_id, p.id, Role.EXECUTIVE.value, p.unit.id))
            role_id += 1
    roles.append((role_id, people[0].id, Role.ADMIN.value, units[0].id))
    # HR of each department: its second person.
    seen = set()
    for p in people[1:]:
        if p.unit.depth == 1 and p.unit.id not in seen and heads[p.unit.id] != p.id:
            seen.add(p.unit.id)
            role_id += 1
            roles.append((role_id, p.id, Role.HR.value, p.unit.id))
    lines = _lines({p.id: p.supervisor for p in people})
    rows = [(*row, lines[row[0]]) for row in rows]
    # Supervisors before the people they supervise (the foreign key is checked row by row):
    # heads by the depth of their unit, then everyone else.
    depth_of = {p.id: (p.moved_to or p.unit).depth for p in people}
    head_ids = {h for h in heads.values() if h is not None}
    rows.sort(key=lambda row: (0, depth_of[row[0]]) if row[0] in head_ids else (1, 0))
    writer.write(
        Person,
        [
            "id",
            "employee_no",
            "email",
            "name_th",
            "name_en",
            "position_th",
            "role_group_id",
            "unit_id",
            "supervisor_id",
            "locale",
            "session_token",
            "deactivated_on",
            "created_at",
            "search_key",
            "line",
        ],
        rows,
    )
    writer.write(
        UnitMembership,
        ["id", "person_id", "unit_id", "role_group_id", "valid_from", "valid_to"],
        memberships,
    )
    writer.write(RoleAssignment, ["id", "person_id", "role", "scope_unit_id"], roles)
    return people


def _lines(supervisors: dict[int, int | None]) -> dict[int, str]:
    """Each person's reporting line (lms.models.lines), from their supervisors (no circles:
    a supervisor is always the head of a unit above)."""
    lines: dict[int, str] = {}
    for pid in supervisors:
        chain = [pid]
        while (boss := supervisors[chain[-1]]) is not None and boss not in lines:
            chain.append(boss)
        above = lines.get(boss) if boss is not None else None
        for member in reversed(chain):
            above = lines[member] = line_of(above, member)
    return lines


def _head_above(unit_id, parents, heads):
    parent = parents[unit_id]
    while parent is not None:
        if heads.get(parent):
            return heads[parent]
        parent = parents[parent]
    return None
