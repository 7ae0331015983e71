"""What the report page and the PDF draw: the chart data of a report, labelled in the
reader's language, and the PNG of each chart (built in `lms.reports.charts`). A drawn chart is
kept on disk under the hash of its data (`chart_key`), so every worker finds it, the page can
name it in its link, and a chart request whose picture is kept needs no report at all.

A chart the page names but nobody drew yet has its data kept beside (`keep_spec`): the
browser's request for it draws from that, without computing the report again, and the task
queue draws it ahead (`draw_kept`) while the page is on its way."""

import hashlib
import json
import os

from flask_babel import gettext as _

from lms.charts import radar_png
from lms.i18n import format_number
from lms.reports import charts as report_charts
from lms.reports.chart_files import chart_path, kept_chart, spec_path
from lms.reports.figures import band_labels
from lms.reports.queries import UnitReport
from lms.vocab import BUCKET_LABELS, BUCKETS

CHARTS = ("funnel", "radar", "hours", "meeting", "difference", "mix", "trend")


def available_charts(report: UnitReport) -> tuple[str, ...]:
    names = ["funnel", "radar"]
    if report.figures.headcount:
        names.append("hours")
    kids = [c.figures for c in report.rows]
    if any(s.meeting_target_rate is not None for f in kids for s in f.skills.values()):
        names.append("meeting")
    if any(s.self_minus_supervisor is not None for f in kids for s in f.skills.values()):
        names.append("difference")
    if any(f.mix for f in kids):
        names.append("mix")
    if report.previous is not None:
        names.append("trend")
    return tuple(names)


def funnel_steps(report: UnitReport) -> list[tuple[str, int]]:
    """The year's steps in their order, each with how many people reached it: the plan, the
    learning, applying it at work, the year-end."""
    f = report.figures
    return [
        (_("Self-assessed"), f.self_assessed),
        (_("IDP submitted"), f.idp_submitted),
        (_("IDP approved"), f.idp_approved),
        (_("Developing"), f.developing),
        (_("Applied at work"), f.applied_at_work),
        (_("Self-evaluated"), f.self_evaluated),
        (_("Evaluated by the supervisor"), f.evaluated),
        (_("IDP completed"), f.idp_completed),
    ]


def trend_labels() -> dict[str, str]:
    """The rates compared with the year before, in order, named in the reader's language."""
    return {
        "self_assessed_rate": _("Self-assessed"),
        "idp_submitted_rate": _("IDP submitted"),
        "idp_approved_rate": _("IDP approved"),
        "developing_rate": _("Developing"),
        "applied_at_work_rate": _("Applied at work"),
        "evaluated_rate": _("Evaluated by the supervisor"),
        "readiness": _("Readiness"),
    }


def trend_rows(report: UnitReport) -> list[tuple[str, float | None, float | None]]:
    if report.previous is None:
        return []
    return [
        (label, getattr(report.previous, name), getattr(report.figures, name))
        for name, label in trend_labels().items()
    ]


def _child_names(report: UnitReport, locale: str) -> tuple[str, ...]:
    return tuple(c.name(locale) for c in report.rows)


def chart_spec(name: str, report: UnitReport, locale: str) -> tuple:
    """What chart `name` of `report` draws: (drawing function, its arguments), all plain
    tuples and labels in `locale` — its data, and so its key (`chart_key`)."""
    f = report.figures
    short = tuple(a.short_name(locale) for a in report.areas)
    if name == "funnel":
        return (
            report_charts.funnel_png,
            (tuple(funnel_steps(report)), f.headcount, _("People (share of headcount)")),
        )
    if name == "radar":
        levels = tuple(f.skills[a.code].avg_level for a in report.areas)
        targets = tuple(f.skills[a.code].avg_target for a in report.areas)
        series = ((_("Unit average"), levels, "self"), (_("Average target"), targets, "target"))
        return radar_png, (short, series)
    if name == "hours":
        labels = band_labels()
        median = (
            _("Median: %(hours)s hours", hours=format_number(f.median_hours, 2))
            if f.median_hours is not None
            else ""
        )
        return (
            report_charts.hours_bands_png,
            (
                tuple((labels[band], people) for band, people in f.hours_bands.items()),
                f.headcount,
                _("People"),
                median,
            ),
        )
    if name in ("meeting", "difference"):
        figure = "meeting_target_rate" if name == "meeting" else "self_minus_supervisor"
        values = tuple(
            tuple(getattr(c.figures.skills[a.code], figure) for a in report.areas)
            for c in report.rows
        )
        if name == "meeting":
            return (
                report_charts.meeting_heatmap_png,
                (_child_names(report, locale), short, values, _("Share meeting the target")),
            )
        legend = _("Self minus supervisor (above 0: people rate themselves higher)")
        return (
            report_charts.difference_heatmap_png,
            (_child_names(report, locale), short, values, legend),
        )
    if name == "mix":
        mixes = tuple(
            tuple(c.figures.mix[b] for b in BUCKETS) if c.figures.mix else None for c in report.rows
        )
        return (
            report_charts.mix_bars_png,
            (
                _child_names(report, locale),
                mixes,
                tuple(str(BUCKET_LABELS[b]) for b in BUCKETS),
                _("The plan aims at 70:20:10"),
                _("no learning logged"),
            ),
        )
    if name == "trend":
        rows = trend_rows(report)
        series = (
            _("FY %(year)d", year=report.previous_cycle.be_year),
            _("FY %(year)d", year=report.cycle.be_year),
        )
        return (
            report_charts.trend_png,
            (
                tuple(r[0] for r in rows),
                tuple(r[1] for r in rows),
                tuple(r[2] for r in rows),
                series,
            ),
        )
    raise ValueError(name)


def chart_key(spec: tuple) -> str:
    """A short name of a chart's drawing and data: equal data, equal key, whatever the
    process; any change of a figure or a label gives another."""
    draw, args = spec
    return hashlib.sha256(f"{draw.__name__}{CHART_STYLE}{args!r}".encode()).hexdigest()[:20]


CHART_STYLE = 6  # bump when the charts' look changes: every cached picture is drawn again


def draw_chart(code: str, name: str, spec: tuple) -> tuple[bytes, str]:
    """The chart's PNG and key: read from the disk when drawn before, else drawn and kept
    (written to a temporary name first: a reader never sees half a file)."""
    key = chart_key(spec)
    png = kept_chart(code, name, key)
    if png is None:
        draw, args = spec
        png = draw(*args)
        path = chart_path(code, name, key)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.part")
        partial.write_bytes(png)
        partial.replace(path)
    return png, key


DRAWINGS = {
    draw.__name__: draw
    for draw in (
        report_charts.funnel_png,
        radar_png,
        report_charts.hours_bands_png,
        report_charts.meeting_heatmap_png,
        report_charts.difference_heatmap_png,
        report_charts.mix_bars_png,
        report_charts.trend_png,
    )
}


def keep_spec(code: str, name: str, spec: tuple) -> tuple[str, bool]:
    """The chart's key, and whether it still needs drawing: then its data is kept as JSON
    (once, written whole) for the request or the task that draws it."""
    key = chart_key(spec)
    if chart_path(code, name, key).exists():
        return key, False
    path = spec_path(code, name, key)
    if not path.exists():
        draw, args = spec
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.part")
        partial.write_text(json.dumps({"draw": draw.__name__, "args": args}, ensure_ascii=False))
        partial.replace(path)
    return key, True


def draw_kept(code: str, name: str, key: str) -> bytes | None:
    """The chart drawn from the data the page kept, or None when there is none (or it is not
    what the key names: the data are checked against their key before drawing)."""
    try:
        kept = json.loads(spec_path(code, name, key).read_text())
    except (FileNotFoundError, ValueError):
        return None
    draw = DRAWINGS.get(kept.get("draw"))
    if draw is None:
        return None
    spec = (draw, _tuples(kept.get("args")))
    if chart_key(spec) != key:
        return None
    return draw_chart(code, name, spec)[0]


def _tuples(value):
    """JSON's lists as the tuples the drawing functions take (and their cache keys on)."""
    if isinstance(value, list):
        return tuple(_tuples(v) for v in value)
    return value


def chart_png(name: str, report: UnitReport, locale: str) -> bytes:
    """The PNG of chart `name` for `report`, labelled in `locale` (drawn once per data)."""
    return draw_chart(report.unit.code, name, chart_spec(name, report, locale))[0]
