"""Unit report pages: the figures of a unit subtree, its charts (PNG) and its exports."""

import logging
import re

from flask import (
    abort,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user, login_required

from lms.audit import audit
from lms.extensions import db
from lms.forms import ActionForm
from lms.i18n import current_locale
from lms.jobs import file_path, job_of, mimetype, queue
from lms.permissions import can_view_unit, is_admin, report_roots, scope_units
from lms.reports import bp, tasks
from lms.reports.chart_files import kept_chart
from lms.reports.export import report_csv, report_xlsx
from lms.reports.figures import band_labels
from lms.reports.jobs import KINDS, download_name, request_export, subject_of
from lms.reports.lookups import (
    ReportNotFound,
    cycles,
    default_cycle,
    report_subject,
    role_groups,
    tracks,
)
from lms.reports.pictures import (
    CHARTS,
    available_charts,
    chart_spec,
    draw_chart,
    draw_kept,
    funnel_steps,
    keep_spec,
    trend_rows,
)
from lms.reports.queries import ensure_summary, unit_report
from lms.vocab import Role


def _subject(code: str):
    try:
        return report_subject(
            current_user,
            code,
            request.args.get("cycle"),
            request.args.get("role_group"),
            request.args.get("track"),
        )
    except ReportNotFound as problem:
        abort(problem.status, description=str(problem.message))


def load_report(code: str) -> tuple:
    """(subject, report) for the page, its charts and exports; the summary is brought up to
    date and committed first."""
    subject = _subject(code)
    ensure_summary(subject.cycle)
    db.session.commit()
    return subject, unit_report(
        subject.unit, subject.cycle, subject.role_group, track=subject.track
    )


@bp.route("/")
@login_required
def index():
    roots = report_roots(current_user)
    if not roots:
        abort(404)
    cycle = default_cycle()
    if len(roots) == 1 and cycle is not None:
        return redirect(url_for("reports.unit", code=roots[0].code))
    return render_template("reports/index.html", roots=roots, cycle=cycle)


@bp.route("/units/<code>")
@login_required
def unit(code: str):
    subject, report = load_report(code)
    charts = available_charts(report)
    return render_template(
        "reports/unit.html",
        subject=subject,
        report=report,
        cycles=cycles(),
        role_groups=role_groups(),
        tracks=tracks(),
        charts=charts,
        chart_keys=chart_keys(report, charts),
        funnel=funnel_steps(report),
        trend=trend_rows(report),
        band_labels=band_labels(),
        can_remind=is_admin(current_user)
        or any(u.contains(report.unit) for u in scope_units(current_user, roles=(Role.HR,))),
    )


KEY = re.compile(r"[0-9a-f]{20}")


@bp.route("/units/<code>/charts/<name>.png")
@login_required
def chart(code: str, name: str):
    """A chart of a report. The page names each chart by the key of its data (`v=`): a
    picture already drawn under that key is read from disk, or drawn from the data the page
    kept, with no report computed; any other is drawn from the report (and kept for the next
    reader)."""
    if name not in CHARTS:
        abort(404)
    key = request.args.get("v", "")
    if KEY.fullmatch(key):
        subject = _subject(code)  # who may see the unit, and the year: no summary needed
        png = kept_chart(subject.unit.code, name, key) or draw_kept(subject.unit.code, name, key)
        if png is not None:
            return _png(png, subject.unit.code, subject.cycle.be_year, name)
    subject, report = load_report(code)
    if name not in available_charts(report):
        abort(404)
    png, _key = draw_chart(report.unit.code, name, chart_spec(name, report, current_locale()))
    return _png(png, report.unit.code, report.cycle.be_year, name)


def _png(png: bytes, code: str, be_year: int, name: str):
    response = make_response(png)
    response.headers["Content-Type"] = "image/png"
    if request.args.get("download"):
        response.headers["Content-Disposition"] = (
            f'attachment; filename="{code}-{be_year}-{name}.png"'
        )
    return response


def chart_keys(report, names) -> dict[str, str]:
    """The key of each chart's data, for the page's links (nothing is drawn here): the data
    of charts not drawn yet are kept, and the task queue draws them ahead (CHARTS_AHEAD)."""
    locale, code = current_locale(), report.unit.code
    keys, missing = {}, []
    for name in names:
        keys[name], needed = keep_spec(code, name, chart_spec(name, report, locale))
        if needed:
            missing.append((name, keys[name]))
    if missing and current_app.config["CHARTS_AHEAD"]:
        try:
            tasks.draw_charts(code, missing)
        except Exception:  # a queue that is down: the browser's requests draw them instead
            logging.getLogger(__name__).warning("charts of %s not queued", code, exc_info=True)
    return keys


FILE_FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


@bp.route("/units/<code>/export/<fmt>", methods=["GET", "POST"])
@login_required
def export(code: str, fmt: str):
    """XLSX and CSV of the report's tables at once; the PDF and the people list through the
    task queue (a POST makes the job, then its page shows the progress)."""
    if fmt in FILE_FORMATS:
        subject, report = load_report(code)
        locale = current_locale()
        data = report_xlsx(report, locale) if fmt == "xlsx" else report_csv(report, locale)
        audit("export_report", current_user, subject.unit, format=fmt, cycle=subject.cycle.be_year)
        db.session.commit()
        response = make_response(data)
        response.headers["Content-Type"] = FILE_FORMATS[fmt]
        response.headers["Content-Disposition"] = (
            f'attachment; filename="report-{subject.unit.code}-FY{subject.cycle.be_year}.{fmt}"'
        )
        return response
    if fmt not in KINDS:
        abort(404)
    subject = _subject(code)
    if request.method == "GET":
        return render_template("reports/export.html", subject=subject, kind=fmt, form=ActionForm())
    if not ActionForm().validate_on_submit():
        abort(400)
    job = request_export(current_user, subject, fmt, current_locale())
    db.session.commit()
    queue(job)  # a queue that is down fails the job at once: its page says so
    return redirect(url_for("reports.export_job", job_id=job.id))


def _own_export_or_404(job_id: str):
    """The reader's own report job, while they may still see its unit (a file made before
    they lost the role is theirs no more), with its unit and cycle."""
    job = job_of(current_user, job_id, tuple(KINDS.values()))
    if job is None:
        abort(404)
    unit, cycle = subject_of(job)
    if unit is None or cycle is None or not can_view_unit(current_user, unit):
        abort(404)
    return job, unit, cycle


@bp.route("/exports/<job_id>")
@login_required
def export_job(job_id: str):
    job, unit, cycle = _own_export_or_404(job_id)
    db.session.refresh(job)
    return render_template(
        "reports/job.html",
        job=job,
        unit=unit,
        cycle=cycle,
        name=download_name(job),
    )


@bp.route("/exports/<job_id>/file")
@login_required
def export_file(job_id: str):
    job, _unit, _cycle = _own_export_or_404(job_id)
    if job.status != "done" or not file_path(job).is_file():
        abort(404)
    return send_file(
        file_path(job),
        mimetype=mimetype(job),
        as_attachment=True,
        download_name=download_name(job),
        max_age=0,
    )
