"""The administrators' health page: each thing the app depends on, with what a person running
it needs to know (the database and its migrations, the task queue and its consumer, Redis, the
mail, the disk for uploads and exports, the last reminder run)."""

import shutil
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from lms.clock import utcnow
from lms.extensions import db
from lms.jobs import consumer_seen
from lms.main.health import CONSUMER_QUIET, run_checks
from lms.models import Job, Notification, SystemState
from lms.notifications import EMAIL_MAX_AGE

OK, WARN, DOWN, OFF = "ok", "warn", "down", "off"
LOW_DISK = 0.10  # share of the disk free below which the page warns
REMIND_LATE = timedelta(days=1)


@dataclass
class Check:
    name: object  # a lazy label
    state: str  # ok, warn, down, off
    said: object  # what it means, in a sentence
    detail: str = ""  # facts: versions, counts, paths


def health_report() -> list[Check]:
    answers = run_checks()
    return [
        _database(answers["database"]),
        _queue(answers["queue"]),
        _redis(answers["redis"]),
        _mail(),
        *(_disk(label, key) for label, key in DISKS),
        _remind(),
    ]


def _database(answer: str) -> Check:
    name = _l("Database")
    if answer != "ok":
        return Check(name, DOWN, _l("The database does not answer: no page can be served."))
    engine = db.engine
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    directory = current_app.extensions["migrate"].directory
    head = ScriptDirectory(directory).get_current_head() if Path(directory).exists() else None
    detail = f"{engine.dialect.name} {'.'.join(map(str, engine.dialect.server_version_info or ()))}"
    detail += f" · schema {current}"
    if head and current != head:
        return Check(
            name,
            WARN,
            _l("The schema is not the latest: run `flask db upgrade` (or `make init`)."),
            f"{detail} · latest {head}",
        )
    return Check(name, OK, _l("Answers; the schema is the latest."), detail)


def _queue(answer: str) -> Check:
    name = _l("Task queue")
    waiting = db.session.execute(
        select(func.count(), func.min(Job.created_at)).where(Job.status == "queued")
    ).one()
    detail = _l("%(num)d job(s) waiting", num=waiting[0])
    if current_app.config.get("TASKS_IMMEDIATE"):
        return Check(name, OK, _l("Tasks run inside the web process (tests)."), str(detail))
    try:
        quiet = consumer_seen()
    except Exception:  # noqa: BLE001 - the queue's store cannot be read: said by `answer`
        quiet = None
    if quiet is not None:
        detail = f"{detail} · " + str(
            _l("a consumer said it was alive %(num)d s ago", num=int(quiet))
        )
    if answer == "ok":
        return Check(
            name, OK, _l("A consumer is running: files, imports and templates are made."), detail
        )
    if answer == "no consumer":
        return Check(
            name,
            WARN,
            _l(
                "No consumer has been seen for %(num)d minutes: report files, big imports and "
                "templates wait in line. Start `huey_consumer lms.worker.huey` (README).",
                num=CONSUMER_QUIET // 60,
            ),
            detail,
        )
    return Check(
        name, DOWN, _l("The queue's store does not answer: files cannot be put in line."), detail
    )


def _redis(answer: str) -> Check:
    name = _l("Redis")
    if answer == "not used":
        return Check(name, OFF, _l("Not configured: log-in limits are counted in each process."))
    if answer == "ok":
        return Check(name, OK, _l("Answers: log-in limits are shared by every app server."))
    return Check(name, WARN, _l("Does not answer: log-in limits fall back to each process."))


def _mail() -> Check:
    name = _l("E-mail")
    backend = current_app.config.get("MAIL_BACKEND", "none")
    since = utcnow() - EMAIL_MAX_AGE
    unsent, oldest = db.session.execute(
        select(func.count(), func.min(Notification.created_at)).where(
            Notification.emailed_at.is_(None), Notification.created_at >= since
        )
    ).one()
    detail = f"{backend}"
    if backend == "smtp":
        detail += f" · {current_app.config['MAIL_SERVER']}:{current_app.config['MAIL_PORT']}"
    if backend in ("none", "memory"):
        return Check(
            name, OFF, _l("E-mail is off: people see their notifications in the app only."), detail
        )
    detail += " · " + str(_l("%(num)d notification(s) not e-mailed yet", num=unsent))
    if unsent and oldest and utcnow() - oldest > timedelta(hours=1):
        return Check(
            name,
            WARN,
            _l(
                "Some notifications wait for more than an hour: is `flask lms remind` "
                "scheduled, and the mail server reachable?"
            ),
            detail,
        )
    return Check(name, OK, _l("E-mails go out with each reminder run."), detail)


DISKS = ((_l("Disk for evidence files"), "UPLOAD_DIR"), (_l("Disk for report files"), "EXPORT_DIR"))


def _disk(label, key: str) -> Check:
    path = Path(current_app.config[key])
    probe = path if path.exists() else next((p for p in path.parents if p.exists()), Path("/"))
    usage = shutil.disk_usage(probe)
    free = usage.free / usage.total if usage.total else 0
    detail = f"{path} · " + str(
        _l(
            "%(free).1f GB free of %(total).1f GB (%(share)d%%)",
            free=usage.free / 1e9,
            total=usage.total / 1e9,
            share=round(free * 100),
        )
    )
    if free < LOW_DISK:
        return Check(
            label,
            WARN,
            _l("Less than a tenth of the disk is free: make room before uploads fail."),
            detail,
        )
    return Check(label, OK, _l("Enough room."), detail)


def _remind() -> Check:
    name = _l("Reminders (flask lms remind)")
    state = db.session.get(SystemState, "remind")
    if state is None:
        return Check(
            name,
            WARN,
            _l("Never ran: schedule `flask lms remind` in cron (README), every hour for example."),
        )
    sent = sum((state.value.get("sent") or {}).values())
    detail = str(
        _l(
            "last run %(when)s UTC · %(sent)d reminder(s) · %(mailed)d e-mail(s)",
            when=state.updated_at.strftime("%Y-%m-%d %H:%M"),
            sent=sent,
            mailed=state.value.get("emailed", 0),
        )
    )
    if utcnow() - state.updated_at > REMIND_LATE:
        return Check(
            name, WARN, _l("Has not run for more than a day: is its cron job still there?"), detail
        )
    return Check(name, OK, _l("Runs."), detail)
