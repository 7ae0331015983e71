"""Courses from a file: `provider, code, title_th, title_en, url, areas, level, hours,
language` and the optional columns of content/courses.csv (tracks, keywords, code_official,
certified_w6, source, confidence), PRODUCT.md section 6.

Every row is read with the catalogue's own rules (lms.courses.catalogue) and checked first; with
any problem nothing is written. Courses are upserted on (provider, code): a column the file
leaves out stays as it is. Only those who keep the catalogue may import it."""

from collections.abc import Callable

from flask_babel import lazy_gettext as _l

from lms.audit import audit
from lms.courses.catalogue import (
    COURSE_COLUMNS,
    course_cells,
    find_course,
    known,
    put_course,
    read_course,
)
from lms.exchange.common import HEADER_ROW, ImportRefused, Outcome, Problems, check_columns
from lms.exchange.reading import Table
from lms.extensions import db
from lms.models import Person
from lms.permissions import keeps_the_catalogue

REQUIRED = ("provider", "code", "title_th")
OPTIONAL = tuple(c for c in COURSE_COLUMNS if c not in REQUIRED)
COLUMNS = REQUIRED + OPTIONAL


def import_courses(
    table: Table,
    *,
    by: Person | None,
    dry_run: bool = False,
    progress: Callable[[float], None] | None = None,
    **_options,
) -> Outcome:
    """Check every row of `table`, then (unless `dry_run`) write them; raises ImportRefused
    with every problem, having written nothing. `by` None is the command line."""
    if by is not None and not keeps_the_catalogue(by):
        problems = Problems()
        problems.add(
            HEADER_ROW,
            "",
            _l("Only HR of the whole organisation and administrators change the catalogue."),
        )
        raise ImportRefused(problems)
    problems = check_columns(table, REQUIRED, OPTIONAL)
    if any(p.row == HEADER_ROW for p in problems):
        raise ImportRefused(problems, table)
    catalogue = known()
    rows: dict[tuple[str, str], tuple[int, dict]] = {}
    for number, cells in table.rows:
        values, errors = read_course({c: cells.get(c, "") for c in table.columns if c}, catalogue)
        for column, message in errors.items():
            problems.add(number, column, message)
        if "provider" not in values or not values.get("code"):
            continue
        key = (values["provider"].code, values["code"])
        if key in rows:
            problems.add(
                number, "code", _l("This course is also on row %(row)d.", row=rows[key][0])
            )
            continue
        rows[key] = (number, values)
    if problems:
        raise ImportRefused(problems, table)
    outcome = Outcome(kind="courses", rows=len(rows))
    for (provider, code), (_number, values) in rows.items():
        course = find_course(values["provider"], code)
        entry = {"key": f"{provider}/{code}", "name": values.get("title_th") or ""}
        if course is None:
            if "areas" not in values:
                values["areas"] = []
            outcome.note("new", entry)
        else:
            before = course_cells(course)
            with db.session.no_autoflush:
                after = {**before, **_as_cells(values)}
            changes = [[k, before[k], after[k]] for k in before if before[k] != after[k]]
            outcome.note("changed" if changes else "unchanged", entry | {"changes": changes})
    if progress:
        progress(0.5)
    if not dry_run:
        for (_provider, code), (_number, values) in rows.items():
            put_course(find_course(values["provider"], code), values)
        audit("import_courses", by, None, rows=outcome.rows, **outcome.counts)
        outcome.written = True
    if progress:
        progress(1.0)
    return outcome


def _as_cells(values: dict) -> dict[str, str]:
    """Values read from a row as the text `course_cells` gives, to compare them."""
    flag = {True: "y", False: "n", None: ""}
    cells = {}
    for name, value in values.items():
        if name == "provider":
            cells[name] = value.code
        elif name in ("areas", "tracks"):
            cells[name] = ";".join(sorted(value))
        elif name in ("code_official", "certified_w6"):
            cells[name] = flag[value]
        elif name == "hours":
            cells[name] = "" if value is None else f"{value.normalize():f}"
        elif name == "level":
            cells[name] = "" if value is None else str(value)
        else:
            cells[name] = value or ""
    return cells
