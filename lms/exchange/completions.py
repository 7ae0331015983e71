"""Completions from a provider's export (issue 22, part 6): `employee_no` or `email`, the course
by `course_code` (with `provider` to say whose) or `course_title`, `completed_on`, and
optionally `score` and `hours`. Every row is checked first; with any problem nothing is
written. Each row becomes a completion waiting for its person to confirm it in their learning
log — the same as a provider's xAPI statement — and is never counted before that. HR import
completions of the people in their subtrees; administrators anyone's."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from lms.activities.received import Reported, record_completions
from lms.audit import audit
from lms.clock import today
from lms.cycles import cycle_on
from lms.exchange.common import (
    HEADER_ROW,
    ImportRefused,
    Outcome,
    Problems,
    check_columns,
    reach_of,
)
from lms.exchange.reading import Table
from lms.extensions import db
from lms.i18n import parse_date
from lms.models import Completion, Course, Cycle, Person, Provider, Unit, still_here
from lms.text import fold

REQUIRED = ("completed_on",)
OPTIONAL = ("employee_no", "email", "provider", "course_code", "course_title", "score", "hours")
COLUMNS = (
    "employee_no",
    "email",
    "provider",
    "course_code",
    "course_title",
    "completed_on",
    "score",
    "hours",
)
CHUNK = 900  # keys per IN (...) when the file's people are looked up
WRITE_CHUNK = 2000  # completions written at once (a progress step each)


@dataclass
class Row:
    number: int
    person: Person
    course: Course
    cycle: Cycle
    completed_on: date
    score: int | None
    hours: Decimal | None


class Catalogue:
    """Active courses by (provider, code), by code alone, and by folded title."""

    def __init__(self):
        courses = db.session.scalars(
            select(Course).where(Course.active.is_(True)).options(selectinload(Course.provider))
        ).all()
        self.by_code: dict[str, list[Course]] = {}
        self.by_title: dict[str, list[Course]] = {}
        for course in courses:
            self.by_code.setdefault(course.code.upper(), []).append(course)
            for title in (course.title_th, course.title_en):
                if title:
                    self.by_title.setdefault(fold(title), []).append(course)
        self.cycles: dict[date, Cycle | None] = {}  # by day, looked up once each
        self.providers = {p.code.upper() for p in db.session.scalars(select(Provider))}

    def find(self, provider: str, code: str, title: str):
        """(course, None) or (None, (column, message))."""
        if provider and provider.upper() not in self.providers:
            return None, ("provider", _l("No provider with this code in the catalogue."))
        if code:
            found = [
                c
                for c in self.by_code.get(code.upper(), [])
                if not provider or c.provider.code.upper() == provider.upper()
            ]
            if len(found) > 1:
                return None, (
                    "provider",
                    _l("Several providers have a course with this code: name the provider."),
                )
            if found:
                return found[0], None
            if not title:
                return None, ("course_code", _l("No course with this code in the catalogue."))
        if title:
            found = [
                c
                for c in self.by_title.get(fold(title), [])
                if not provider or c.provider.code.upper() == provider.upper()
            ]
            if len(found) == 1:
                return found[0], None
            if found:
                return None, ("course_title", _l("Several courses have this title: give its code."))
            return None, ("course_title", _l("No course with this title in the catalogue."))
        return None, ("course_code", _l("Give the course's code or its title."))


def _people_of(table: Table) -> tuple[dict[str, Person], dict[str, Person]]:
    """The file's people still here, by employee number and by e-mail (lower case)."""
    numbers = {c.get("employee_no", "").strip() for _n, c in table.rows} - {""}
    emails = {c.get("email", "").strip().lower() for _n, c in table.rows} - {""}
    by_number, by_email = {}, {}
    for keys, column, found in (
        (sorted(numbers), Person.employee_no, by_number),
        (sorted(emails), func.lower(Person.email), by_email),
    ):
        for start in range(0, len(keys), CHUNK):
            chunk = keys[start : start + CHUNK]
            query = (
                select(Person)
                .where(column.in_(chunk), still_here())
                .options(selectinload(Person.unit).load_only(Unit.path))
            )
            for person in db.session.scalars(query):
                key = person.employee_no if found is by_number else (person.email or "").lower()
                found[key] = person
    return by_number, by_email


def _whole(text: str, low: int, high: int) -> int | None:
    value = Decimal(text)
    if value != value.to_integral_value() or not low <= value <= high:
        raise InvalidOperation
    return int(value)


def import_completions(
    table: Table,
    *,
    by: Person | None,
    dry_run: bool = False,
    progress: Callable[[float], None] | None = None,
    **_options,
) -> Outcome:
    """Check every row of `table`, then (unless `dry_run`) record each completion; raises
    ImportRefused with every problem, having written nothing. `by` None: the command line."""
    problems = check_columns(table, REQUIRED, OPTIONAL)
    if not {"employee_no", "email"} & set(table.columns):
        problems.add(HEADER_ROW, "employee_no", _l("Give employee_no or email (or both)."))
    if not {"course_code", "course_title"} & set(table.columns):
        problems.add(HEADER_ROW, "course_code", _l("Give course_code or course_title (or both)."))
    if any(p.row == HEADER_ROW for p in problems):
        raise ImportRefused(problems, table)
    reach, catalogue = reach_of(by), Catalogue()
    by_number, by_email = _people_of(table)
    rows: list[Row] = []
    seen: dict[tuple[int, int], int] = {}
    for number, cells in table.rows:
        row = _read_row(number, cells, problems, reach, catalogue, by_number, by_email)
        if row is None:
            continue
        key = (row.person.id, row.course.id)
        if key in seen:
            problems.add(
                number, "course_code", _l("This completion is also on row %(row)d.", row=seen[key])
            )
            continue
        seen[key] = number
        rows.append(row)
    if problems:
        raise ImportRefused(problems, table)
    outcome = Outcome(kind="completions", rows=len(rows))
    known = _known(rows)
    for row in rows:
        entry = {
            "key": row.person.employee_no,
            "name": f"{row.course.code} · {row.course.title_th}",
        }
        outcome.note(
            "unchanged" if (row.person.id, row.cycle.id, row.course.id) in known else "new", entry
        )
    if progress:
        progress(0.5)
    if not dry_run:
        for start in range(0, len(rows), WRITE_CHUNK):
            record_completions(
                [
                    Reported(
                        row.person,
                        row.cycle,
                        row.course,
                        source="file",
                        source_name=row.course.provider.name_th,
                        completed_on=row.completed_on,
                        score=row.score,
                        hours=row.hours,
                    )
                    for row in rows[start : start + WRITE_CHUNK]
                ]
            )
            if progress:
                progress(0.5 + 0.5 * min(start + WRITE_CHUNK, len(rows)) / len(rows))
        audit("import_completions", by, None, rows=outcome.rows, **outcome.counts)
        outcome.written = True
    if progress:
        progress(1.0)
    return outcome


def _known(rows: list[Row]) -> set[tuple[int, int, int]]:
    """The completions already recorded for the file's people (the same row imported again
    changes nothing once decided)."""
    ids = sorted({row.person.id for row in rows})
    found = set()
    for start in range(0, len(ids), CHUNK):
        query = select(Completion.person_id, Completion.cycle_id, Completion.course_id).where(
            Completion.person_id.in_(ids[start : start + CHUNK])
        )
        found |= {tuple(r) for r in db.session.execute(query)}
    return found


def _cycle_on(day: date, cycles: dict) -> Cycle | None:
    if day not in cycles:
        cycles[day] = cycle_on(day)
    return cycles[day]


def _read_row(number, cells, problems: Problems, reach, catalogue, by_number, by_email):
    before = len(problems)
    value = {name: (cells.get(name) or "").strip() for name in COLUMNS}
    if not any(value.values()):
        return None
    person = None
    if value["employee_no"]:
        person = by_number.get(value["employee_no"])
        if person is None:
            problems.add(number, "employee_no", _l("No one here has this employee number."))
    elif value["email"]:
        person = by_email.get(value["email"].lower())
        if person is None:
            problems.add(number, "email", _l("No one here has this e-mail address."))
    else:
        problems.add(number, "employee_no", _l("Give the employee number or the e-mail."))
    if person is not None and not reach.holds(person.unit.path):
        problems.add(number, "employee_no", _l("This person is outside the units you are HR of."))
        person = None
    course, problem = catalogue.find(value["provider"], value["course_code"], value["course_title"])
    if problem:
        problems.add(number, *problem)
    day = cycle = None
    try:
        day = parse_date(value["completed_on"])
    except ValueError:
        problems.add(
            number, "completed_on", _l("Please give the date as day/month/year, e.g. 31/1/2566.")
        )
    if day is not None:
        cycle = _cycle_on(day, catalogue.cycles)
        if day > today():
            problems.add(number, "completed_on", _l("The date cannot be in the future."))
        elif cycle is None or not cycle.is_open:
            problems.add(
                number, "completed_on", _l("This date is not in an open fiscal year of Thaksa.")
            )
    score = hours = None
    try:
        score = _whole(value["score"], 0, 100) if value["score"] else None
    except InvalidOperation:
        problems.add(number, "score", _l("A score is a whole number from 0 to 100."))
    try:
        hours = Decimal(value["hours"]) if value["hours"] else None
        if hours is not None and (not 0 < hours <= 1000 or hours != round(hours, 1)):
            raise InvalidOperation
    except InvalidOperation:
        problems.add(number, "hours", _l("Hours are more than 0 and at most 1,000, e.g. 6 or 1.5."))
        hours = None
    if len(problems) > before or person is None or course is None or cycle is None:
        return None
    return Row(number, person, course, cycle, day, score, hours)
