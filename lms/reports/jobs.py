"""Report files made by the task queue: a job per request, its progress, then the download.

The web request only writes the job's row and queues it (`lms.tasks.make_export`); the
consumer makes the file, saying how far it is after each step, so a PDF of the whole
organisation or a list of 100,000 people never holds a request open.
"""

import secrets
from datetime import timedelta
from pathlib import Path

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import delete, select

from lms.audit import audit
from lms.clock import utcnow
from lms.extensions import db
from lms.models import Cycle, ExportJob, Person, RoleGroup, Unit
from lms.permissions import can_view_unit
from lms.reports.export import people_count, people_csv_lines
from lms.reports.lookups import ReportSubject
from lms.reports.queries import ensure_summary, unit_report

KINDS = {"pdf": ("pdf", "application/pdf"), "people": ("csv", "text/csv")}


def request_export(person: Person, subject: ReportSubject, kind: str, locale: str) -> ExportJob:
    """A queued job for `person` (the caller commits, then queues it)."""
    _forget_old_jobs()
    job = ExportJob(
        id=secrets.token_hex(16),
        person_id=person.id,
        unit_id=subject.unit.id,
        cycle_id=subject.cycle.id,
        role_group_id=subject.role_group.id if subject.role_group else None,
        kind=kind,
        locale=locale,
    )
    db.session.add(job)
    audit(
        "export_report",
        person,
        subject.unit,
        format=kind,
        cycle=subject.cycle.be_year,
        role_group=subject.role_group.code if subject.role_group else None,
    )
    db.session.flush()
    return job


def job_of(person: Person, job_id: str) -> ExportJob | None:
    """`person`'s own job, or None (nobody sees another person's files)."""
    job = db.session.get(ExportJob, job_id) if len(job_id) == 32 else None
    return job if job is not None and job.person_id == person.id else None


def file_path(job: ExportJob) -> Path:
    extension = KINDS[job.kind][0]
    return Path(current_app.config["EXPORT_DIR"]) / f"{job.id}.{extension}"


def download_name(job: ExportJob) -> str:
    unit = db.session.get(Unit, job.unit_id)
    cycle = db.session.get(Cycle, job.cycle_id)
    stem = "people" if job.kind == "people" else "report"
    return f"{stem}-{unit.code}-FY{cycle.be_year}.{KINDS[job.kind][0]}"


def run_export(job_id: str) -> None:
    """Make the job's file (in the task queue), committing progress as it goes."""
    job = db.session.get(ExportJob, job_id)
    if job is None or job.status == "done":
        return
    person = db.session.get(Person, job.person_id)
    unit = db.session.get(Unit, job.unit_id)
    if person is None or not person.is_active or not can_view_unit(person, unit):
        _finish(job, "failed", error="not allowed any more")
        return
    _progress(job, 5, status="running")
    cycle = db.session.get(Cycle, job.cycle_id)
    group = db.session.get(RoleGroup, job.role_group_id) if job.role_group_id else None
    target = file_path(job)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    try:
        with force_locale(job.locale):
            if job.kind == "people":
                _write_people(job, unit, cycle, partial)
            else:
                from lms.reports.pdf import render_report_pdf

                ensure_summary(cycle)
                db.session.commit()
                report = unit_report(unit, cycle, group)
                _progress(job, 20)
                partial.write_bytes(
                    render_report_pdf(
                        report, job.locale, lambda share: _progress(job, 20 + int(70 * share))
                    )
                )
        partial.replace(target)
    except Exception as problem:
        db.session.rollback()
        partial.unlink(missing_ok=True)
        _finish(db.session.get(ExportJob, job_id), "failed", error=type(problem).__name__)
        raise
    job.file_name = target.name
    _finish(job, "done")


def _write_people(job: ExportJob, unit: Unit, cycle: Cycle, path: Path) -> None:
    ensure_summary(cycle)
    db.session.commit()
    total = max(people_count(unit.path, cycle.id), 1)  # for the progress only
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("\ufeff")
        lines = people_csv_lines(unit.path, cycle.id, cycle.framework_id)
        for number, line in enumerate(lines):
            out.write(line)
            if number and number % 5000 == 0:
                _progress(job, 10 + int(85 * number / total))


def _progress(job: ExportJob, percent: int, status: str | None = None) -> None:
    job.progress = max(0, min(percent, 100))
    if status:
        job.status = status
    db.session.commit()


def _finish(job: ExportJob, status: str, error: str | None = None) -> None:
    job.status = status
    job.error = error
    job.progress = 100 if status == "done" else job.progress
    job.finished_at = utcnow()
    db.session.commit()


def _forget_old_jobs() -> None:
    """Files and rows older than EXPORT_KEEP_HOURS go (each new request tidies up)."""
    cutoff = utcnow() - timedelta(hours=current_app.config["EXPORT_KEEP_HOURS"])
    old = list(db.session.scalars(select(ExportJob).where(ExportJob.created_at < cutoff)))
    for job in old:
        file_path(job).unlink(missing_ok=True)
    if old:
        db.session.execute(delete(ExportJob).where(ExportJob.id.in_([j.id for j in old])))
