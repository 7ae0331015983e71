"""People from a file: `employee_no, email, name_th, name_en, position_th, role_group, unit_code,
supervisor_employee_no, roles, scope_unit_code, effective_on` (PRODUCT.md section 6).

Every row is checked first; with any problem nothing is written. Then, in one transaction and
set-based: new people inserted, changed ones updated, a move closes the current unit membership
on the effective date and opens the new one (history kept), roles replaced, people missing from
a full file deactivated only when asked (never deleted), and the report summary of every running
cycle rebuilt before the commit, so it equals `flask lms rebuild-reports` when the import lands.
An optional column left out of the file leaves that field as it is; an empty cell clears it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, delete, func, or_, select

from lms.audit import audit
from lms.clock import today
from lms.cycles import frozen_until, in_closed_year
from lms.exchange.common import (
    EMAIL,
    HEADER_ROW,
    ImportRefused,
    Outcome,
    Problems,
    check_columns,
    check_length,
    reach_of,
)
from lms.exchange.reading import Table
from lms.extensions import db
from lms.i18n import parse_date, typed_be_date
from lms.models import (
    Cycle,
    Person,
    RoleAssignment,
    RoleGroup,
    Unit,
    UnitMembership,
    new_session_token,
    search_key_of,
)
from lms.models.lines import reline, rewrite_lines
from lms.reports import upkeep
from lms.reports.upkeep import bulk_changes
from lms.vocab import SCOPED_ROLES, CycleStatus, Role

COLUMNS = (  # in the order of PRODUCT.md section 6
    "employee_no",
    "email",
    "name_th",
    "name_en",
    "position_th",
    "role_group",
    "unit_code",
    "supervisor_employee_no",
    "roles",
    "scope_unit_code",
    "effective_on",
)
REQUIRED = ("employee_no", "name_th", "role_group", "unit_code")
OPTIONAL = tuple(c for c in COLUMNS if c not in REQUIRED)
LIMITS = {"employee_no": 40, "email": 255, "name_th": 255, "name_en": 255, "position_th": 255}
ROLES = {r.value for r in Role}
CHUNK = 5000  # rows per statement


@dataclass
class Row:
    number: int
    employee_no: str
    name_th: str
    values: dict
    group_id: int | None = None
    unit_id: int | None = None
    roles: set = field(default_factory=set)  # {(role, scope unit id or None)}
    effective_on: date | None = None


@dataclass
class Known:
    """The organisation as it stands, read once (a few columns per person)."""

    units: dict  # code -> (id, path)
    unit_codes: dict  # id -> code
    groups: dict  # code or Thai name -> id
    group_codes: dict  # id -> code
    people: dict  # employee_no -> row of PERSON_COLUMNS
    numbers: dict  # person id -> employee_no
    emails: dict  # lower-case e-mail -> employee_no
    memberships: dict  # person id -> (membership id, valid_from)
    roles: dict  # person id -> {(role, scope unit id): role assignment id}
    frozen_until: date | None  # the last day of the newest closed cycle


PERSON_COLUMNS = (
    Person.id,
    Person.employee_no,
    Person.email,
    Person.name_th,
    Person.name_en,
    Person.position_th,
    Person.role_group_id,
    Person.unit_id,
    Person.supervisor_id,
    Person.deactivated_on,
)


FEW = 50  # rows: only the people they name (and the lines above them) are read
FEW_LINES = 200  # people placed: relined one by one (two statements each), else all at once


def _known(table: Table | None = None) -> Known:
    """What the checks need: for a few rows (a form, a short file) only the people they name
    and the reporting lines above them; for a file, everyone at once."""
    units = {
        code: (uid, path)
        for uid, code, path in db.session.execute(select(Unit.id, Unit.code, Unit.path))
    }
    groups, group_codes = {}, {}
    for gid, code, name_th in db.session.execute(
        select(RoleGroup.id, RoleGroup.code, RoleGroup.name_th)
    ):
        groups[code.upper()] = groups[name_th] = gid
        group_codes[gid] = code
    people = _people(table)
    ids = None if table is None else [row.id for row in people.values()]
    roles: dict = {}
    role_rows = select(
        RoleAssignment.id,
        RoleAssignment.person_id,
        RoleAssignment.role,
        RoleAssignment.scope_unit_id,
    )
    if ids is not None:
        role_rows = role_rows.where(RoleAssignment.person_id.in_(ids))
    for rid, pid, role, scope in db.session.execute(role_rows):
        roles.setdefault(pid, {})[(role, scope)] = rid
    current = select(UnitMembership.id, UnitMembership.person_id, UnitMembership.valid_from).where(
        UnitMembership.valid_to.is_(None)
    )
    if ids is not None:
        current = current.where(UnitMembership.person_id.in_(ids))
    return Known(
        units=units,
        unit_codes={uid: code for code, (uid, _p) in units.items()},
        groups=groups,
        group_codes=group_codes,
        people=people,
        numbers={row.id: no for no, row in people.items()},
        emails={row.email.lower(): no for no, row in people.items() if row.email},
        memberships={pid: (mid, since) for mid, pid, since in db.session.execute(current)},
        roles=roles,
        frozen_until=frozen_until(),
    )


def _people(table: Table | None) -> dict:
    """employee_no -> PERSON_COLUMNS: everyone (`table` None), or the people `table` names
    (by number, supervisor or e-mail) with everyone above them."""
    if table is None:
        return {row.employee_no: row for row in db.session.execute(select(*PERSON_COLUMNS))}
    numbers, emails = set(), set()
    for _number, values in table.rows:
        numbers.update(values.get(c) for c in ("employee_no", "supervisor_employee_no"))
        emails.add(values.get("email", "").lower())
    numbers.discard(None)
    numbers.discard("")
    emails.discard("")
    found = {
        row.id: row
        for row in db.session.execute(
            select(*PERSON_COLUMNS).where(
                or_(Person.employee_no.in_(numbers), func.lower(Person.email).in_(emails))
            )
        )
    }
    while above := {r.supervisor_id for r in found.values() if r.supervisor_id} - set(found):
        found.update(
            (row.id, row)
            for row in db.session.execute(select(*PERSON_COLUMNS).where(Person.id.in_(above)))
        )
    return {row.employee_no: row for row in found.values()}


def import_people(
    table: Table,
    *,
    by: Person | None,
    dry_run: bool = False,
    deactivate_missing: bool = False,
    progress: Callable[[float], None] | None = None,
    audited: bool = True,
) -> Outcome:
    """Check every row of `table`, then (unless `dry_run`) write them all; raises ImportRefused
    with every problem, having written nothing. `by` None is the command line (everywhere)."""
    step = progress or (lambda _share: None)
    problems = check_columns(table, REQUIRED, OPTIONAL)
    if any(p.row == HEADER_ROW for p in problems):
        raise ImportRefused(problems, table)
    known = _known(table if len(table.rows) <= FEW and not deactivate_missing else None)
    step(0.1)
    rows = _rows(table, known, problems)
    _check_supervisors(table, rows, known, problems)
    _check_reach(by, rows, known, problems)
    _check_moves(rows, known, problems)
    if problems:
        raise ImportRefused(problems, table)
    step(0.2)
    missing = _missing(by, rows, known) if deactivate_missing else []
    outcome, plan = _outcome(table, rows, known, missing)
    step(0.3)
    if not dry_run:
        _write(plan, known, lambda share: step(0.3 + 0.5 * share))
        if audited:  # a form's change is audited by its own service (lms.people.records)
            audit(
                "import_people",
                by,
                None,
                rows=outcome.rows,
                deactivate_missing=deactivate_missing,
                **outcome.counts,
            )
        step(0.85)
        db.session.flush()
        outcome.written = True
    return outcome


# -- checking --------------------------------------------------------------------------------


def _rows(table: Table, known: Known, problems: Problems) -> dict[str, Row]:
    has = set(table.columns)
    rows: dict[str, Row] = {}
    emails: dict[str, int] = {}
    for number, values in table.rows:
        for column, limit in LIMITS.items():
            check_length(problems, number, column, values.get(column, ""), limit)
        for column in REQUIRED:
            if not values.get(column):
                problems.add(number, column, _l("Required: this cell is empty."))
        no = values.get("employee_no", "")
        if not no:
            continue
        if no in rows:
            problems.add(
                number,
                "employee_no",
                _l("This employee number is also on row %(row)d.", row=rows[no].number),
            )
            continue
        row = Row(number, no, values.get("name_th", ""), values)
        rows[no] = row
        group = values.get("role_group", "")
        row.group_id = known.groups.get(group.upper()) or known.groups.get(group)
        if group and row.group_id is None:
            problems.add(
                number,
                "role_group",
                _l(
                    "Unknown role group. The role groups are: %(codes)s.",
                    codes=", ".join(sorted(known.group_codes.values())),
                ),
            )
        unit = values.get("unit_code", "")
        row.unit_id = known.units.get(unit, (None,))[0]
        if unit and row.unit_id is None:
            problems.add(number, "unit_code", _l("No unit has this code: import the units first."))
        if "email" in has:
            _check_email(row, known, emails, problems)
        if "roles" in has:
            _check_roles(row, known, problems)
        if "effective_on" in has and values.get("effective_on"):
            _check_date(row, known, problems)
    return rows


def _check_email(row: Row, known: Known, emails: dict, problems: Problems) -> None:
    email = row.values.get("email", "").lower()
    row.values["email"] = email
    if not email:
        return
    if not EMAIL.match(email):
        problems.add(row.number, "email", _l("This is not an e-mail address."))
        return
    if email in emails:
        problems.add(
            row.number, "email", _l("This e-mail is also on row %(row)d.", row=emails[email])
        )
        return
    emails[email] = row.number
    holder = known.emails.get(email)
    if holder is not None and holder != row.employee_no:
        row.values["\x00email_holder"] = holder  # fine only if the holder's row gives it up


def _check_roles(row: Row, known: Known, problems: Problems) -> None:
    names = {r.strip().lower() for r in row.values.get("roles", "").replace(",", ";").split(";")}
    names.discard("")
    unknown = names - ROLES
    if unknown:
        problems.add(
            row.number,
            "roles",
            _l(
                "Unknown role %(roles)s. Roles are staff, supervisor, hr, executive and admin, "
                "separated by ';'.",
                roles=", ".join(sorted(unknown)),
            ),
        )
    scope_code = row.values.get("scope_unit_code", "")
    scoped = names & {r.value for r in SCOPED_ROLES}
    scope_id = known.units.get(scope_code, (None,))[0]
    if scope_code and scope_id is None:
        problems.add(row.number, "scope_unit_code", _l("No unit has this code."))
    elif scoped and not scope_code:
        problems.add(
            row.number, "scope_unit_code", _l("HR and executive roles need the unit they cover.")
        )
    elif scope_code and not scoped:
        problems.add(
            row.number, "scope_unit_code", _l("Only the hr and executive roles cover a unit.")
        )
    row.roles = {
        (name, scope_id if name in scoped else None)
        for name in names & ROLES
        if name != Role.STAFF.value
    }


def _check_date(row: Row, known: Known, problems: Problems) -> None:
    try:
        row.effective_on = parse_date(row.values["effective_on"])
    except ValueError:
        problems.add(
            row.number,
            "effective_on",
            _l("Please give the date as day/month/year, e.g. 31/1/2566."),
        )
        return
    closed = in_closed_year(row.effective_on, known.frozen_until)
    if closed:
        problems.add(row.number, "effective_on", closed)


def _check_supervisors(
    table: Table, rows: dict[str, Row], known: Known, problems: Problems
) -> None:
    if "supervisor_employee_no" in table.columns:
        for row in rows.values():
            boss = row.values.get("supervisor_employee_no", "")
            if not boss:
                continue
            if boss == row.employee_no:
                problems.add(
                    row.number,
                    "supervisor_employee_no",
                    _l("A person cannot be their own supervisor."),
                )
            elif boss not in rows and boss not in known.people:
                problems.add(
                    row.number,
                    "supervisor_employee_no",
                    _l("No person has this employee number, here or in the file."),
                )
            elif boss not in rows and not _here(known.people[boss]):
                problems.add(row.number, "supervisor_employee_no", _l("This person has left."))
            elif _other_organisation(boss, row.employee_no, rows, known):
                problems.add(
                    row.number,
                    "supervisor_employee_no",
                    _l("This person works in another organisation."),
                )
        _check_line_circles(rows, known, problems)
    for row in rows.values():
        holder = row.values.pop("\x00email_holder", None)
        if holder is not None and (
            holder not in rows or rows[holder].values.get("email", "") == row.values["email"]
        ):
            problems.add(
                row.number,
                "email",
                _l("This e-mail belongs to the person with employee number %(no)s.", no=holder),
            )


def _here(person) -> bool:
    return person.deactivated_on is None or person.deactivated_on > today()


def _unit_path(no: str, rows: dict[str, Row], known: Known) -> str:
    if no in rows and rows[no].unit_id is not None:
        return known.units[rows[no].values["unit_code"]][1]
    person = known.people.get(no)
    return known.units[known.unit_codes[person.unit_id]][1] if person else ""


def _other_organisation(one: str, other: str, rows: dict[str, Row], known: Known) -> bool:
    """Do two people's units (as the file leaves them) belong to different top units?"""
    roots = {_unit_path(no, rows, known).strip("/").split("/")[0] for no in (one, other)}
    return "" not in roots and len(roots) > 1


def _boss_of(no: str, rows: dict[str, Row], known: Known) -> str | None:
    if no in rows:
        return rows[no].values.get("supervisor_employee_no") or None
    person = known.people.get(no)
    return known.numbers.get(person.supervisor_id) if person and person.supervisor_id else None


def _check_line_circles(rows: dict[str, Row], known: Known, problems: Problems) -> None:
    clear: set[str] = set()  # people whose line reaches a top
    for row in rows.values():
        if row.values.get("supervisor_employee_no") == row.employee_no:
            continue  # said already: their own supervisor
        chain = [row.employee_no]
        boss = _boss_of(row.employee_no, rows, known)
        while boss is not None and boss not in clear and boss not in chain:
            chain.append(boss)
            boss = _boss_of(boss, rows, known)
        if boss is not None and boss in chain:
            if boss == row.employee_no:
                circle = " → ".join([*chain, boss])
                problems.add(
                    row.number,
                    "supervisor_employee_no",
                    _l("This makes a circle in the reporting line: %(people)s.", people=circle),
                )
            continue
        clear.update(chain)


def _check_reach(by: Person | None, rows: dict[str, Row], known: Known, problems: Problems) -> None:
    """HR writes only inside their subtrees (the person where they are and where they go, and
    the unit a role covers); only an administrator grants or removes the admin role."""
    reach = reach_of(by)
    outside = _l("This is outside the units you are HR of: only an administrator can change it.")
    for row in rows.values():
        if not reach.everywhere:
            if row.unit_id is not None and not reach.holds(known.units[row.values["unit_code"]][1]):
                problems.add(row.number, "unit_code", outside)
            person = known.people.get(row.employee_no)
            if person is not None and not reach.holds(
                known.units[known.unit_codes[person.unit_id]][1]
            ):
                problems.add(row.number, "employee_no", outside)
            for _role, scope in row.roles:
                if scope is not None and not reach.holds(known.units[known.unit_codes[scope]][1]):
                    problems.add(row.number, "scope_unit_code", outside)
        person = known.people.get(row.employee_no)
        had_admin = person is not None and any(
            r == Role.ADMIN for r, _s in known.roles.get(person.id, {})
        )
        wants_admin = any(r == Role.ADMIN for r, _s in row.roles)
        if "roles" in row.values and had_admin != wants_admin and not reach.everywhere:
            problems.add(
                row.number, "roles", _l("Only an administrator grants or removes the admin role.")
            )


def _check_moves(rows: dict[str, Row], known: Known, problems: Problems) -> None:
    """A move (or a new role group) cannot take effect before the current placement began."""
    day = today()
    for no, row in rows.items():
        person = known.people.get(no)
        if person is None or row.unit_id is None:
            continue
        if (row.unit_id, row.group_id) == (person.unit_id, person.role_group_id):
            continue
        since = known.memberships.get(person.id, (None, date.min))[1]
        if (row.effective_on or day) < since:
            problems.add(
                row.number,
                "effective_on",
                _l(
                    "This person's current placement began on %(day)s: a change cannot take "
                    "effect before it.",
                    day=typed_be_date(since),
                ),
            )


def _missing(by: Person | None, rows: dict[str, Row], known: Known) -> list:
    """People here, inside the importer's reach, not in the file (never the importer)."""
    reach = reach_of(by)
    return [
        person
        for no, person in known.people.items()
        if no not in rows
        and _here(person)
        and (by is None or person.id != by.id)
        and reach.holds(known.units[known.unit_codes[person.unit_id]][1])
    ]


# -- what changes ----------------------------------------------------------------------------


@dataclass
class Plan:
    new: list = field(default_factory=list)  # Row
    updates: list = field(default_factory=list)  # dicts for the UPDATE by id
    moves: list = field(default_factory=list)  # (person id, unit id, group id, day)
    roles_added: list = field(default_factory=list)  # (employee_no, role, scope)
    roles_removed: list = field(default_factory=list)  # role assignment ids
    emails_freed: list = field(default_factory=list)  # person ids whose e-mail changes
    rows: dict = field(default_factory=dict)


def _outcome(
    table: Table, rows: dict[str, Row], known: Known, missing: list
) -> tuple[Outcome, Plan]:
    has = set(table.columns)
    outcome, plan = Outcome(kind="people", rows=len(rows)), Plan(rows=rows)
    day = today()
    for no, row in rows.items():
        person = known.people.get(no)
        on = row.effective_on or day
        if person is None:
            plan.new.append(row)
            plan.moves.append((no, row.unit_id, row.group_id, on))
            plan.roles_added.extend((no, role, scope) for role, scope in row.roles)
            outcome.note("new", {"key": no, "name": row.name_th, "unit": row.values["unit_code"]})
            continue
        fields = _fields(row, person, known, has)
        changes = [
            [column, _shown(column, getattr(person, column), known), _shown(column, value, known)]
            for column, value in fields.items()
            if column not in ("unit_id", "deactivated_on")
            and (getattr(person, column) or None) != (value or None)
        ]
        roles_now = known.roles.get(person.id, {})
        if "roles" in has and set(roles_now) != row.roles:
            changes.append(
                ["roles", _roles_shown(roles_now, known), _roles_shown(row.roles, known)]
            )
            plan.roles_removed.extend(rid for key, rid in roles_now.items() if key not in row.roles)
            plan.roles_added.extend(
                (no, role, scope) for role, scope in row.roles if (role, scope) not in roles_now
            )
            fields["session_token"] = new_session_token()  # a change of roles ends their sessions
        moved = row.unit_id != person.unit_id
        if moved or row.group_id != person.role_group_id:
            plan.moves.append((no, row.unit_id, row.group_id, on))
        if moved:
            outcome.note(
                "moved",
                {
                    "key": no,
                    "name": row.name_th,
                    "before": known.unit_codes[person.unit_id],
                    "after": row.values["unit_code"],
                },
            )
        if not _here(person):
            fields["deactivated_on"] = None
            outcome.note("reactivated", {"key": no, "name": row.name_th})
        if fields.get("email") != (person.email or None) and person.email:
            plan.emails_freed.append(person.id)
        if changes:
            outcome.note("changed", {"key": no, "name": row.name_th, "changes": changes})
        if changes or moved or "deactivated_on" in fields or "session_token" in fields:
            plan.updates.append({"id": person.id, "employee_no": no, **fields})
        else:
            outcome.note("unchanged", {"key": no})
    for person in missing:
        plan.updates.append(
            {"id": person.id, "deactivated_on": day, "session_token": new_session_token()}
        )
        outcome.note("deactivated", {"key": person.employee_no, "name": person.name_th})
    return outcome, plan


def _fields(row: Row, person, known: Known, has: set) -> dict:
    """What the person becomes: the file's values, or what they have for a column left out."""
    values = row.values
    fields = {
        "email": (values.get("email") or None) if "email" in has else person.email,
        "name_th": row.name_th,
        "name_en": (values.get("name_en") or None) if "name_en" in has else person.name_en,
        "position_th": (values.get("position_th") or None)
        if "position_th" in has
        else person.position_th,
        "role_group_id": row.group_id,
        "unit_id": row.unit_id,
        "supervisor_id": person.supervisor_id,
    }
    if "supervisor_employee_no" in has:
        fields["supervisor_id"] = values.get("supervisor_employee_no") or None  # a number, for now
        if fields["supervisor_id"] == known.numbers.get(person.supervisor_id):
            fields["supervisor_id"] = person.supervisor_id
    return fields


def _shown(column: str, value, known: Known):
    if value is None:
        return ""
    if column == "role_group_id":
        return known.group_codes.get(value, value)
    if column == "supervisor_id" and isinstance(value, int):
        return known.numbers.get(value, value)
    return value


def _roles_shown(roles, known: Known) -> str:
    return (
        "; ".join(
            sorted(
                role + (f" ({known.unit_codes.get(scope)})" if scope else "")
                for role, scope in roles
            )
        )
        or Role.STAFF.value
    )


# -- writing ---------------------------------------------------------------------------------


def _chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _write(plan: Plan, known: Known, step: Callable[[float], None]) -> None:
    """Everything in set-based statements. The summary: a few people are refreshed one by one
    before the commit; past upkeep.BULK_PEOPLE every running cycle is rebuilt instead."""
    few = len(plan.new) + len(plan.updates) <= upkeep.BULK_PEOPLE  # people whose figures move
    running = set(db.session.scalars(select(Cycle.id).where(Cycle.status != CycleStatus.CLOSED)))
    with bulk_changes(db.session, set() if few else running):
        _update_by_id(Person, [{"id": pid, "email": None} for pid in plan.emails_freed])
        _insert(Person, [_new_person(row) for row in plan.new])  # first: e-mails given up above
        numbers = select(Person.employee_no, Person.id)
        if len(plan.rows) <= FEW:
            named = set(plan.rows) | {
                r.values.get("supervisor_employee_no") for r in plan.rows.values()
            }
            numbers = numbers.where(Person.employee_no.in_(named - {None, ""}))
        ids = dict(db.session.execute(numbers).all())
        step(0.3)
        for row in plan.new:
            boss = row.values.get("supervisor_employee_no")
            if boss:
                plan.updates.append({"id": ids[row.employee_no], "supervisor_id": boss})
        _update_by_id(Person, [_resolved(u, ids) for u in plan.updates])
        _write_lines(
            {ids[row.employee_no] for row in plan.new}
            | {u["id"] for u in plan.updates if "supervisor_id" in u}
        )
        step(0.6)
        _write_memberships(plan, known, ids)
        step(0.8)
        for batch in _chunks(plan.roles_removed):
            db.session.execute(delete(RoleAssignment).where(RoleAssignment.id.in_(batch)))
        _insert(
            RoleAssignment,
            [
                {"person_id": ids[no], "role": role, "scope_unit_id": scope}
                for no, role, scope in plan.roles_added
            ],
        )
        step(0.9)
    if few:
        upkeep.note_people(
            db.session,
            {ids[row.employee_no] for row in plan.new} | {u["id"] for u in plan.updates},
        )
    db.session.expire_all()


def _write_lines(placed: set[int]) -> None:
    """The reporting lines of the people added or given another supervisor, and of everyone
    below them: a few relined one by one, many rewritten in one statement."""
    if len(placed) <= FEW_LINES:
        reline(db.session.connection(), placed)
    elif placed:
        rewrite_lines(db.session.connection())


def _insert(model, rows: list[dict]) -> None:
    """Rows in as few statements as the driver allows (Core executemany: no ORM bookkeeping,
    no identity map; the table's Python defaults still apply)."""
    for batch in _chunks(rows):
        db.session.execute(model.__table__.insert(), batch)


def _update_by_id(model, rows: list[dict]) -> None:
    """Each row's columns set on the row with its id: one executemany per set of columns."""
    table = model.__table__
    shapes: dict[tuple, list] = {}
    for row in rows:
        shapes.setdefault(tuple(sorted(k for k in row if k != "id")), []).append(row)
    for columns, same in shapes.items():
        statement = (
            table.update()
            .where(table.c.id == bindparam("_id"))
            .values({name: bindparam(f"_{name}") for name in columns})
        )
        for batch in _chunks(same):
            db.session.execute(statement, [{f"_{k}": v for k, v in row.items()} for row in batch])


def _new_person(row: Row) -> dict:
    values = row.values
    fields = {
        "employee_no": row.employee_no,
        "email": values.get("email") or None,
        "name_th": row.name_th,
        "name_en": values.get("name_en") or None,
        "position_th": values.get("position_th") or None,
        "role_group_id": row.group_id,
        "unit_id": row.unit_id,
        "session_token": new_session_token(),
    }
    fields["search_key"] = search_key_of(fields)
    return fields


def _resolved(update_: dict, ids: dict) -> dict:
    """An update with the supervisor's employee number turned into their id, and the search
    words of the names it sets."""
    update_ = dict(update_)
    boss = update_.get("supervisor_id")
    if isinstance(boss, str):
        update_["supervisor_id"] = ids[boss]
    if "name_th" in update_:
        update_["search_key"] = search_key_of(update_)
    update_.pop("employee_no", None)
    return update_


def _write_memberships(plan: Plan, known: Known, ids: dict) -> None:
    closed, reused, opened = [], [], []
    for no, unit_id, group_id, on in plan.moves:
        pid = ids[no]
        current = known.memberships.get(pid)
        if current is not None and current[1] == on:
            reused.append({"id": current[0], "unit_id": unit_id, "role_group_id": group_id})
            continue
        if current is not None:
            closed.append({"id": current[0], "valid_to": on})
        opened.append(
            {"person_id": pid, "unit_id": unit_id, "role_group_id": group_id, "valid_from": on}
        )
    _update_by_id(UnitMembership, closed + reused)
    _insert(UnitMembership, opened)
