"""The one job record of the task queue's work (lms.models.Job): started for a person, its
progress, its end, its file, and tidying up. A feature names its kind, the file's extension
and type here (FILES), and what runs it itself (report files: `lms.reports.jobs`)."""

import secrets
from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import delete, select

from lms.clock import utcnow
from lms.extensions import db
from lms.models import Job, Person

FILES = {"report_pdf": ("pdf", "application/pdf"), "report_people": ("csv", "text/csv")}


def start_job(person: Person, kind: str, params: dict, locale: str) -> Job:
    """A queued job of `kind` for `person` (the caller commits, then queues it); older jobs
    and their files are tidied away first."""
    forget_old_jobs()
    job = Job(id=secrets.token_hex(16), person_id=person.id, kind=kind, params=params)
    job.locale = locale
    db.session.add(job)
    db.session.flush()
    return job


def job_of(person: Person, job_id: str, kinds: tuple[str, ...] | None = None) -> Job | None:
    """`person`'s own job (of one of `kinds`), or None: nobody sees another person's files."""
    job = db.session.get(Job, job_id) if len(job_id) == 32 else None
    if job is None or job.person_id != person.id or (kinds and job.kind not in kinds):
        return None
    return job


def file_path(job: Job) -> Path:
    return Path(current_app.config["EXPORT_DIR"]) / f"{job.id}.{FILES[job.kind][0]}"


def mimetype(job: Job) -> str:
    return FILES[job.kind][1]


def progress(job: Job, percent: int, status: str | None = None) -> None:
    """Say how far the job is, and commit so its page shows it."""
    job.progress = max(0, min(percent, 100))
    if status:
        job.status = status
        if status == "running" and job.started_at is None:
            job.started_at = utcnow()
    db.session.commit()


def finish(job: Job, status: str, error: str | None = None) -> None:
    job.status = status
    job.error = error
    job.progress = 100 if status == "done" else job.progress
    job.finished_at = utcnow()
    db.session.commit()


def forget_old_jobs() -> None:
    """Files and rows older than EXPORT_KEEP_HOURS go (each new request tidies up)."""
    cutoff = utcnow() - timedelta(hours=current_app.config["EXPORT_KEEP_HOURS"])
    old = list(db.session.scalars(select(Job).where(Job.created_at < cutoff)))
    for job in old:
        if job.kind in FILES:
            file_path(job).unlink(missing_ok=True)
    if old:
        db.session.execute(delete(Job).where(Job.id.in_([j.id for j in old])))
