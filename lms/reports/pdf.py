"""The unit report as a print-ready PDF (WeasyPrint, Sarabun): a cover with the unit, the
fiscal year and the date in the Buddhist Era, the indicators, each chart with its table, and
page numbers."""

import base64
from collections.abc import Callable

from flask import render_template
from weasyprint import HTML

from lms.clock import today
from lms.fonts import FONT_DIR
from lms.reports.export import report_tables
from lms.reports.pictures import available_charts, chart_png, funnel_steps, trend_rows
from lms.reports.queries import UnitReport


def render_report_pdf(
    report: UnitReport, locale: str, progress: Callable[[float], None] | None = None
) -> bytes:
    """PDF bytes of `report` in `locale`; `progress(share)` hears how far it is (0-1)."""
    names = available_charts(report)
    pictures = {}
    for number, name in enumerate(names, start=1):
        png = chart_png(name, report, locale)
        pictures[name] = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
        if progress:
            progress(0.7 * number / len(names))
    html = render_template(
        "reports/pdf.html",
        report=report,
        tables={t.key: t for t in report_tables(report, locale)},
        pictures=pictures,
        funnel=funnel_steps(report),
        trend=trend_rows(report),
        font_dir=FONT_DIR.as_uri(),
        printed=today(),
    )
    data = HTML(string=html).write_pdf()
    if progress:
        progress(1.0)
    return data
