"""Report files made by the task queue: a job per request, its progress, then the download.

The web request only writes the job (`lms.jobs`) and queues it (`lms.reports.tasks`); the
consumer makes the file, saying how far it is after each step, so a PDF of the whole
organisation or a list of 100,000 people never holds a request open.
"""

from contextlib import nullcontext
from pathlib import Path

from flask_babel import force_locale

from lms.audit import audit
from lms.extensions import db
from lms.jobs import NotAllowed, execute, file_path, progress, start_job
from lms.models import (
    Cycle,
    Job,
    Person,
    RoleGroup,
    Track,
    Unit,
)
from lms.permissions import can_view_unit
from lms.reports.export import people_count, people_csv_lines
from lms.reports.lookups import ReportSubject
from lms.reports.queries import ensure_summary, unit_report

KINDS = {"pdf": "report_pdf", "people": "report_people"}  # the export's format: the job's kind


def request_export(person: Person, subject: ReportSubject, fmt: str, locale: str) -> Job:
    """A queued job for `person` (the caller commits, then queues it)."""
    job = start_job(
        person,
        KINDS[fmt],
        {
            "unit_id": subject.unit.id,
            "cycle_id": subject.cycle.id,
            "role_group_id": subject.role_group.id if subject.role_group else None,
            "track_id": subject.track.id if subject.track else None,
        },
        locale,
    )
    audit(
        "export_report",
        person,
        subject.unit,
        format=fmt,
        cycle=subject.cycle.be_year,
        role_group=subject.role_group.code if subject.role_group else None,
        track=subject.track.code if subject.track else None,
    )
    return job


def subject_of(job: Job) -> tuple[Unit, Cycle]:
    """The unit and cycle a report job is about."""
    unit = db.session.get(Unit, job.params["unit_id"])
    return unit, db.session.get(Cycle, job.params["cycle_id"])


def download_name(job: Job) -> str:
    unit, cycle = subject_of(job)
    stem = "people" if job.kind == "report_people" else "report"
    return f"{stem}-{unit.code}-FY{cycle.be_year}.{file_path(job).suffix.lstrip('.')}"


def run_export(job_id: str) -> None:
    """Make the job's file (in the task queue), committing progress as it goes."""
    execute(job_id, _make_file)


def _make_file(job: Job) -> None:
    person = db.session.get(Person, job.person_id)
    unit, cycle = subject_of(job)
    if person is None or not person.is_active or not can_view_unit(person, unit):
        raise NotAllowed
    group_id = job.params.get("role_group_id")
    group = db.session.get(RoleGroup, group_id) if group_id else None
    track_id = job.params.get("track_id")
    track = db.session.get(Track, track_id) if track_id else None
    target = file_path(job)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    try:
        with force_locale(job.locale):
            if job.kind == "report_people":
                _write_people(job, unit, cycle, partial)
            else:
                from lms.reports.pdf import render_report_pdf

                ensure_summary(cycle)
                db.session.commit()
                report = unit_report(unit, cycle, group, track=track)
                progress(job, 20)
                partial.write_bytes(
                    render_report_pdf(
                        report, job.locale, lambda share: progress(job, 20 + int(70 * share))
                    )
                )
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    job.file_name = target.name


def _write_people(job: Job, unit: Unit, cycle: Cycle, path: Path) -> None:
    ensure_summary(cycle)
    db.session.commit()
    total = max(people_count(unit.path, cycle.id), 1)  # for the progress only
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("\ufeff")
        written = 0
        # On PostgreSQL the list is read on a connection of its own, so that the progress can
        # commit on the session's while the cursor reads; SQLite (one writer, and a reader in
        # the way of its commit) reads on the session and says its progress at the end.
        apart = db.engine.dialect.name == "postgresql"
        with db.engine.connect() if apart else nullcontext() as connection:
            chunks = people_csv_lines(unit.path, cycle.id, cycle.framework_id, connection)
            for chunk in chunks:  # lines in batches
                out.write(chunk)
                written += chunk.count("\n")
                if apart:
                    progress(job, 10 + int(85 * min(written, total) / total))
