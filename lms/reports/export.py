"""A unit report as XLSX, CSV and PDF, and the people list as CSV (PRODUCT.md section 6).

The tables are built once (`report_tables`) and written by each format, so the page, the files
and the API show the same numbers. Spreadsheet cells never start a formula from text (a name
typed as "=1+1" stays text), numbers stay numbers.
"""

import csv
import io
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy import case, func, select

from lms.extensions import db
from lms.models import CycleTarget, Person, ReportArea, ReportPerson, RoleGroup, Unit
from lms.reports.figures import band_labels
from lms.reports.queries import UnitReport, area_infos
from lms.vocab import BUCKETS

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Table:
    """One sheet: a title, Thai column names, rows of numbers and texts."""

    key: str
    title: str
    columns: list[str]
    rows: list[list]
    rate_columns: tuple[int, ...] = ()  # columns of fractions (percentages on screen)
    rate_rows: tuple[int, ...] = ()  # rows of fractions, beyond their first (label) cell
    average_columns: tuple[int, ...] = ()  # averages: kept whole, shown with two decimals

    def is_rate(self, row: int, column: int) -> bool:
        return column in self.rate_columns or (row in self.rate_rows and column > 0)

    def number_format(self, row: int, column: int, value) -> str | None:
        """How a spreadsheet shows the cell: rates as whole percentages (as the page),
        averages with two decimals, hours with one, counts whole; the value stays exact."""
        if self.is_rate(row, column):
            return "0%"
        if column in self.average_columns:
            return "0.00"
        if isinstance(value, float):  # hours (one decimal), a median (up to two)
            return "#,##0.0#"
        if isinstance(value, int):
            return "#,##0"
        return None


def report_tables(report: UnitReport, locale: str) -> list[Table]:
    """The report's tables: indicators, skill areas, child units, trend."""
    f = report.figures
    indicators = Table(
        "indicators",
        _("Indicators"),
        [_("Indicator"), _("Value"), _("Rate")],
        [
            [_("Headcount"), f.headcount, None],
            [_("Self-assessed"), f.self_assessed, f.self_assessed_rate],
            [_("IDP submitted"), f.idp_submitted, f.idp_submitted_rate],
            [_("IDP approved"), f.idp_approved, f.idp_approved_rate],
            [_("IDP completed"), f.idp_completed, f.idp_completed_rate],
            [_("Developing"), f.developing, f.developing_rate],
            [_("Activities"), f.activities, None],
            [_("Hours"), f.hours, None],
            *[
                [
                    _("Hours, %(bucket)s", bucket=b),
                    f.hours_by_bucket[b],
                    f.mix[b] if f.mix else None,
                ]
                for b in BUCKETS
            ],
            [_("Courses completed"), f.courses_completed, None],
            [_("Readiness"), None, f.readiness],
            [_("Learning verified by a supervisor"), f.verified, f.verified_rate],
            [_("Applied at work"), f.applied_at_work, f.applied_at_work_rate],
            [_("Verified hours"), f.verified_hours, None],
            [_("Self-evaluated"), f.self_evaluated, f.self_evaluated_rate],
            [_("Evaluated by the supervisor"), f.evaluated, f.evaluated_rate],
            [_("Goals evaluated"), f.goals_evaluated, None],
            [_("Goals achieved"), f.goals_achieved, f.goals_achieved_rate],
            [_("Goals partly achieved"), f.goals_partly, _share(f.goals_partly, f)],
            [_("Goals not achieved"), f.goals_not_achieved, _share(f.goals_not_achieved, f)],
            *[
                [
                    label,
                    f.hours_bands[band],
                    f.hours_bands[band] / f.headcount if f.headcount else None,
                ]
                for band, label in band_labels().items()
            ],
            [_("Median hours per person"), f.median_hours, None],
        ],
        rate_columns=(2,),
    )
    areas = Table(
        "skills",
        _("Skill areas"),
        [
            _("Code"),
            _("Skill area"),
            _("Assessed"),
            _("Average level"),
            _("Average target"),
            _("Average gap"),
            _("Meeting the target"),
            _("Share meeting the target"),
            _("Supervisor ratings"),
            _("Supervisor average"),
            _("Self − supervisor"),
        ],
        [
            [
                a.code,
                a.name(locale),
                s.assessed,
                s.avg_level,
                s.avg_target,
                s.avg_gap,
                s.meeting_target,
                s.meeting_target_rate,
                s.supervisor_rated,
                s.supervisor_avg_level,
                s.self_minus_supervisor,
            ]
            for a in report.areas
            for s in [f.skills[a.code]]
        ],
        rate_columns=(7,),
        average_columns=(3, 4, 5, 9, 10),
    )
    children = Table(
        "units",
        _("Units"),
        [
            _("Unit code"),
            _("Unit"),
            _("Headcount"),
            _("Self-assessed"),
            _("IDP submitted"),
            _("IDP approved"),
            _("IDP completed"),
            _("Developing"),
            _("Hours"),
            _("Share 70"),
            _("Share 20"),
            _("Share 10"),
            _("Readiness"),
            _("Applied at work"),
            _("Evaluated by the supervisor"),
            _("Goals achieved"),
            _("Median hours per person"),
        ],
        [
            [
                "" if c.own else c.unit.code,
                c.name(locale),
                c.figures.headcount,
                c.figures.self_assessed_rate,
                c.figures.idp_submitted_rate,
                c.figures.idp_approved_rate,
                c.figures.idp_completed_rate,
                c.figures.developing_rate,
                c.figures.hours,
                *[(c.figures.mix or {}).get(b) for b in BUCKETS],
                c.figures.readiness,
                c.figures.applied_at_work_rate,
                c.figures.evaluated_rate,
                c.figures.goals_achieved_rate,
                c.figures.median_hours,
            ]
            for c in report.rows
        ],
        rate_columns=(3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14, 15),
    )
    tables = [
        indicators,
        areas,
        children,
        *_heat_tables(report, locale),
        *_hours_table(report, locale),
    ]
    if report.previous is not None:
        p = report.previous
        names = [
            ("headcount", _("Headcount")),
            ("self_assessed_rate", _("Self-assessed")),
            ("idp_submitted_rate", _("IDP submitted")),
            ("idp_approved_rate", _("IDP approved")),
            ("developing_rate", _("Developing")),
            ("applied_at_work_rate", _("Applied at work")),
            ("evaluated_rate", _("Evaluated by the supervisor")),
            ("hours", _("Hours")),
            ("median_hours", _("Median hours per person")),
            ("readiness", _("Readiness")),
        ]
        tables.append(
            Table(
                "trend",
                _("Trend"),
                [
                    _("Indicator"),
                    _("FY %(year)d", year=report.previous_cycle.be_year),
                    _("FY %(year)d", year=report.cycle.be_year),
                ],
                [[label, getattr(p, name), getattr(f, name)] for name, label in names],
                rate_rows=tuple(
                    i
                    for i, (name, _label) in enumerate(names)
                    if name.endswith(("rate", "readiness"))
                ),
            )
        )
    return tables


def _share(part: int, f) -> float | None:
    """A count of goals as a share of the goals evaluated."""
    return part / f.goals_evaluated if f.goals_evaluated else None


def _hours_table(report: UnitReport, locale: str) -> list[Table]:
    """People by hours logged, per unit under the report's unit (and its own people)."""
    if not report.children:
        return []
    labels = band_labels()
    return [
        Table(
            "hours",
            _("Hours per person by unit"),
            [_("Unit"), *labels.values(), _("Median hours per person")],
            [
                [
                    r.name(locale),
                    *(r.figures.hours_bands[b] for b in labels),
                    r.figures.median_hours,
                ]
                for r in report.rows
            ],
        )
    ]


def _heat_tables(report: UnitReport, locale: str) -> list[Table]:
    """The page's heat maps as tables: per unit under the report's unit (and its own people)
    and skill area, the share meeting the target, and self minus supervisor."""
    if not report.children:
        return []
    heads = [_("Unit"), *(a.short_name(locale) for a in report.areas)]
    meeting = Table(
        "meeting",
        _("Meeting the target by unit"),
        heads,
        [
            [r.name(locale), *(r.figures.skills[a.code].meeting_target_rate for a in report.areas)]
            for r in report.rows
        ],
        rate_columns=tuple(range(1, len(heads))),
    )
    difference = Table(
        "difference",
        _("Self − supervisor by unit"),
        heads,
        [
            [
                r.name(locale),
                *(r.figures.skills[a.code].self_minus_supervisor for a in report.areas),
            ]
            for r in report.rows
        ],
        average_columns=tuple(range(1, len(heads))),
    )
    return [meeting, difference]


def safe_text(value):
    """Text that a spreadsheet will not run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


RATE_COLUMNS = ("Rate", "Share", "Readiness", "Self-assessed", "IDP", "Developing")


def report_xlsx(report: UnitReport, locale: str) -> bytes:
    """One sheet per table, frozen headers, numbers as numbers, rates as percentages."""
    book = Workbook()
    book.remove(book.active)
    about = book.create_sheet(_("About"))
    for row in _about_rows(report, locale):
        about.append([safe_text(v) for v in row])
    about.column_dimensions["A"].width = 28
    about.column_dimensions["B"].width = 60
    for table in report_tables(report, locale):
        sheet = book.create_sheet(table.title[:31])
        sheet.append(table.columns)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        for number, row in enumerate(table.rows):
            sheet.append([safe_text(v) for v in row])
            for index, value in enumerate(row):
                shown = table.number_format(number, index, value)
                if shown and value is not None:
                    sheet.cell(row=sheet.max_row, column=index + 1).number_format = shown
        for index, name in enumerate(table.columns):
            longest = max([shown_width(name), *(shown_width(r[index]) for r in table.rows)])
            sheet.column_dimensions[get_column_letter(index + 1)].width = max(
                10, min(60, longest + 3)
            )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def shown_width(value) -> int:
    """How many character cells a value takes in a spreadsheet column: Thai vowel and tone
    marks above and below a consonant take none."""
    if value is None:
        return 1
    if isinstance(value, float):
        return 8
    return sum(
        1 for ch in str(value) if not unicodedata.combining(ch) and unicodedata.category(ch) != "Mn"
    )


def _about_rows(report: UnitReport, locale: str) -> list[list]:
    from lms.i18n import format_be_date

    return [
        [_("Unit"), f"{report.unit.code} {report.unit.name(locale)}"],
        [_("Fiscal year"), report.cycle.be_year],
        [
            _("Role group"),
            report.role_group.name(locale) if report.role_group else _("Every role group"),
        ],
        [
            _("Development track"),
            f"{report.track.code} {report.track.name(locale)}"
            if report.track
            else _("Every track"),
        ],
        [_("Counted on"), format_be_date(report.as_of)],
        [
            _("Rates"),
            _("fractions from 0 to 1, shown as percentages; empty where nothing is counted"),
        ],
    ]


def report_csv(report: UnitReport, locale: str) -> bytes:
    """Every table one after another (a blank line between), UTF-8 with a BOM for Excel."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in _about_rows(report, locale):
        writer.writerow([safe_text(v) for v in row])
    fraction = _("fraction from 0 to 1")
    for table in report_tables(report, locale):
        writer.writerow([])
        writer.writerow([table.title])
        writer.writerow(  # a rate column says that it holds fractions, not percentages
            [
                f"{name} ({fraction})" if index in table.rate_columns else name
                for index, name in enumerate(table.columns)
            ]
        )
        for number, row in enumerate(table.rows):
            cells = ["" if v is None else safe_text(v) for v in row]
            if number in table.rate_rows:
                cells[0] = f"{cells[0]} ({fraction})"
            writer.writerow(cells)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# -- the people list -------------------------------------------------------------------------


PEOPLE_BATCH = 2000


def people_count(unit_path: str, cycle_id: int) -> int:
    """How many lines `people_csv_lines` will give (besides its header)."""
    member = select(Unit.id).where(Unit.path.startswith(unit_path))
    rows = ReportPerson.__table__.c
    return db.session.scalar(
        select(func.count()).where(rows.cycle_id == cycle_id, rows.unit_id.in_(member))
    )


def people_csv_lines(
    unit_path: str, cycle_id: int, framework_id: int, connection=None
) -> Iterator[str]:
    """The people list of section 6, PEOPLE_BATCH lines at a time (streams a million people
    without holding them): every person counted in the subtree, with their levels and targets.
    One statement read through a server-side cursor (each person's levels and targets turned
    into columns by the database), written in batches. Plain values and a Core `connection`
    let a streamed response read after its request."""
    run = (connection or db.session).execute
    areas = area_infos(framework_id, run)
    header = [
        "employee_no",
        "unit_code",
        "role_group",
        "self_assessed",
        "idp_status",
        "activities",
        "hours_70",
        "hours_20",
        "hours_10",
        "courses_completed",
        *[f"level_{a.code}" for a in areas],
        *[f"target_{a.code}" for a in areas],
    ]
    yield _csv_line(header)
    rows = ReportPerson.__table__.c
    level, target = ReportArea.__table__.c, CycleTarget.__table__.c
    levels = _by_area(level.person_id, level, areas, level.level.is_not(None), cycle_id)
    targets = _by_area(target.role_group_id, target, areas, None, cycle_id)
    query = (
        select(
            Person.employee_no,
            Unit.code,
            RoleGroup.code,
            rows.self_assessed,
            rows.idp_status,
            rows.activities,
            rows.hours_70,
            rows.hours_20,
            rows.hours_10,
            rows.courses_completed,
            *[levels.c[f"a{a.id}"] for a in areas],
            *[targets.c[f"a{a.id}"] for a in areas],
        )
        .join(Person, Person.id == rows.person_id)
        .join(Unit, Unit.id == rows.unit_id)
        .outerjoin(RoleGroup, RoleGroup.id == rows.role_group_id)
        .outerjoin(levels, levels.c.person_id == rows.person_id)
        .outerjoin(targets, targets.c.role_group_id == rows.role_group_id)
        .where(rows.cycle_id == cycle_id, Unit.path.startswith(unit_path))
        .order_by(rows.person_id)
        .execution_options(yield_per=PEOPLE_BATCH)
    )
    result = run(query)
    while batch := result.fetchmany(PEOPLE_BATCH):
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerows(
            [safe_text(number), safe_text(unit), safe_text(group or ""), *rest]
            for number, unit, group, *rest in batch
        )
        yield buffer.getvalue()


def _by_area(key, table, areas, condition, cycle_id: int):
    """A subquery of `table`'s levels in `cycle_id` turned into one column per area ("a<id>"),
    a row per `key`."""
    columns = [
        func.max(case((table.area_id == a.id, table.level))).label(f"a{a.id}") for a in areas
    ]
    query = select(key, *columns).where(table.cycle_id == cycle_id)
    if condition is not None:
        query = query.where(condition)
    return query.group_by(key).subquery()


def _csv_line(values: list) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow([safe_text(v) for v in values])
    return buffer.getvalue()
