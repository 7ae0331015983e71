"""The one job record of the task queue's work (lms.models.Job): started for a person, queued,
its progress and heartbeat, its end, its file, and tidying up. A feature names its kind, the
file's extension and type here (FILES), and what runs it itself (report files:
`lms.reports.jobs`).

A job never stays "being made" for good: queuing that fails marks it failed at once; the
consumer running it writes a heartbeat; a running job whose heartbeat stopped for STALE_AFTER
(JOB_STALE_SECONDS; its consumer was killed) is shown as failed, and a consumer that starts (or
its periodic sweep) runs it again once, then gives up on it."""

import logging
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from flask import current_app
from huey import crontab
from huey.signals import SIGNAL_INTERRUPTED
from sqlalchemy import delete, or_, select, update

from lms.clock import utcnow
from lms.extensions import db
from lms.models import Job, Person
from lms.queue import huey, run_in_app

FILES = {
    "report_pdf": ("pdf", "application/pdf"),
    "report_people": ("csv", "text/csv"),
    "plan_pdf": ("pdf", "application/pdf"),  # kept in PDF_CACHE_DIR (lms.plans.pdf)
    "import": ("upload", "application/octet-stream"),  # the uploaded file; its findings beside
    "apply_template": ("json", "application/json"),  # what applying a plan template did
    "personal_data": ("zip", "application/zip"),  # everything held about a person (PDPA)
}
STALE_AFTER = timedelta(minutes=3)  # no heartbeat for this long: its consumer is gone
MAX_ATTEMPTS = 2  # a job whose consumer died is run again once, then failed
QUEUE_DOWN = "queue_unavailable"  # the error of a job the queue would not take

log = logging.getLogger(__name__)
RUNNERS: dict[str, Callable[[str], object]] = {}  # kind -> its queued task (lms.*.tasks)


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


def runs(kind: str, task: Callable[[str], object]) -> None:
    """A feature's tasks module names the queued task that runs its jobs of `kind`."""
    RUNNERS[kind] = task


def queue(job: Job) -> bool:
    """Hand the committed job to the task queue. When the queue cannot take it (Redis down,
    its file unwritable), the job is failed at once with QUEUE_DOWN, so its page says to try
    again later instead of waiting for good; False then."""
    try:
        RUNNERS[job.kind](job.id)
    except Exception:
        log.exception("The task queue refused job %s (%s)", job.id, job.kind)
        db.session.rollback()
        finish(db.session.get(Job, job.id), "failed", error=QUEUE_DOWN)
        return False
    return True


def progress(job: Job, percent: int, status: str | None = None) -> None:
    """Say how far the job is, and commit so its page shows it (a heartbeat too)."""
    job.progress = max(0, min(percent, 100))
    job.heartbeat_at = utcnow()
    if status:
        job.status = status
        if status == "running":
            job.attempts += 1
            if job.started_at is None:
                job.started_at = utcnow()
    db.session.commit()


def say_progress(job_id: str, percent: int) -> None:
    """The job's progress on a connection of its own, for work whose one transaction is still
    open (an import, a template applied): a progress step never commits it half-way. A
    courtesy: when it cannot be written, the work goes on."""
    try:
        with db.engine.begin() as connection:
            connection.execute(
                update(Job)
                .where(Job.id == job_id)
                .values(progress=min(percent, 99), heartbeat_at=utcnow())
            )
    except Exception:
        log.warning("Could not write the progress of job %s", job_id, exc_info=True)


@contextmanager
def heartbeat(job_id: str, every: float | None = None) -> Iterator[None]:
    """While the block runs, a thread writes the job's heartbeat every `every` seconds (a
    sixth of the stale period) on a connection of its own (a PDF may render for a minute
    between two progress steps)."""
    every = every or max(stale_after().total_seconds() / 6, 0.5)
    engine = db.engine
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(every):
            try:
                with engine.begin() as connection:
                    connection.execute(
                        update(Job).where(Job.id == job_id).values(heartbeat_at=utcnow())
                    )
            except Exception:  # a missed beat is retried at the next one
                log.warning("Could not write the heartbeat of job %s", job_id, exc_info=True)

    beating = threading.Thread(target=beat, name=f"heartbeat-{job_id[:8]}", daemon=True)
    beating.start()
    try:
        yield
    finally:
        stop.set()
        beating.join(every + 1)


class NotAllowed(Exception):
    """The job's person may no longer have what it makes (a role lost since they asked)."""


def execute(job_id: str, work: Callable[[Job], None]) -> None:
    """Run a queued job (in the consumer): mark it running, keep its heartbeat while
    `work(job)` makes its file, then mark it done, or failed with the reason. A job already
    ended is left alone (a task delivered twice)."""
    job = db.session.get(Job, job_id)
    if job is None or job.status in ("done", "failed"):
        return
    progress(job, 5, status="running")
    try:
        with heartbeat(job_id):
            work(job)
    except NotAllowed:
        db.session.rollback()
        finish(db.session.get(Job, job_id), "failed", error="not allowed any more")
        return
    except Exception as problem:
        db.session.rollback()
        finish(db.session.get(Job, job_id), "failed", error=type(problem).__name__)
        raise
    finish(job, "done")


def last_sign_of_life(job: Job):
    return job.heartbeat_at or job.started_at or job.created_at


def stale_after() -> timedelta:
    """How long a running job may go without a heartbeat (JOB_STALE_SECONDS; STALE_AFTER)."""
    return timedelta(seconds=current_app.config.get("JOB_STALE_SECONDS", STALE_AFTER.seconds))


def abandoned(job: Job) -> bool:
    """A running job whose consumer stopped beating: its page says it failed."""
    return job.status == "running" and utcnow() - last_sign_of_life(job) > stale_after()


def failed(job: Job) -> bool:
    """Failed, or abandoned by its consumer: its page says "try again"."""
    return job.status == "failed" or abandoned(job)


def queue_refused(job: Job) -> bool:
    """Failed because the queue would not take it: its page says "in a few minutes"."""
    return job.status == "failed" and job.error == QUEUE_DOWN


def waiting_long(job: Job) -> bool:
    """A job still in line after the stale period: no consumer may be running (it is made
    when one starts); its page says so instead of "waiting for its turn" alone."""
    return job.status == "queued" and utcnow() - job.created_at > stale_after()


def recover_abandoned() -> tuple[int, int]:
    """Running jobs whose heartbeat stopped (their consumer was killed): queue again those
    tried fewer than MAX_ATTEMPTS times, fail the rest. Returns (re-queued, failed).
    A consumer calls this as it starts and every few minutes; a live consumer's jobs beat, so
    several consumers may sweep at once."""
    cutoff = utcnow() - stale_after()
    stale = list(
        db.session.scalars(
            select(Job)
            .where(
                Job.status == "running",
                or_(
                    Job.heartbeat_at < cutoff,
                    Job.heartbeat_at.is_(None) & (Job.created_at < cutoff),
                ),
            )
            .with_for_update(skip_locked=True)
        )
    )
    again = [job for job in stale if job.attempts < MAX_ATTEMPTS]
    for job in stale:
        if job in again:
            job.status, job.progress, job.heartbeat_at = "queued", 0, utcnow()
        else:
            job.status, job.error, job.finished_at = "failed", "consumer_stopped", utcnow()
    db.session.commit()
    for job in again:
        log.warning("Job %s (%s) lost its consumer: queued again", job.id, job.kind)
        queue(job)
    for job in stale:
        if job not in again:
            log.warning("Job %s (%s) lost its consumer twice: failed", job.id, job.kind)
    return len(again), len(stale) - len(again)


def put_back(job_id: str) -> None:
    """A job interrupted by its consumer's shutdown goes back in the queue (or fails, after
    MAX_ATTEMPTS), as a killed one would after STALE_AFTER, only at once."""
    job = db.session.get(Job, job_id)
    if job is None or job.status != "running":
        return
    if job.attempts >= MAX_ATTEMPTS:
        finish(job, "failed", error="consumer_stopped")
        return
    job.status, job.progress = "queued", 0
    db.session.commit()
    log.warning(
        "Job %s (%s) was interrupted by its consumer's stop: queued again", job_id, job.kind
    )
    queue(job)


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
            file_path(job).with_suffix(".json").unlink(missing_ok=True)  # an import's findings
    if old:
        db.session.execute(delete(Job).where(Job.id.in_([j.id for j in old])))


# -- the consumer's side ---------------------------------------------------------------------

CONSUMER_SEEN = "thaksa:consumer-seen"  # a consumer's last sign of life, in the queue's store


@huey.on_startup()
def _sweep_on_start() -> None:
    """A consumer that starts says so, and takes up what a killed one left running."""
    huey.put(CONSUMER_SEEN, time.time())
    run_in_app(recover_abandoned)


@huey.periodic_task(crontab(minute="*"))
def sweep() -> None:
    """Every minute: say this consumer is alive (for /healthz), and take up abandoned jobs."""
    huey.put(CONSUMER_SEEN, time.time())
    run_in_app(recover_abandoned)


@huey.signal(SIGNAL_INTERRUPTED)
def _interrupted(_signal, task) -> None:
    """The consumer stops before the job ends (SIGTERM past --shutdown-timeout): put it back."""
    job_id = task.args[0] if task.args else None
    if isinstance(job_id, str) and len(job_id) == 32:
        run_in_app(put_back, job_id)


def consumer_seen() -> float | None:
    """Seconds since a consumer last said it was alive (None: never); raises when the queue's
    store cannot be read."""
    stamp = huey.get(CONSUMER_SEEN, peek=True)
    return None if stamp is None else max(time.time() - float(stamp), 0.0)
