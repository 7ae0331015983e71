"""An import on the web as a job (`lms.jobs`): the uploaded file is the job's file; the job is
first checked (every row, nothing written: the preview or every problem), then, once confirmed,
written. Small files run inside the request; larger ones in the task queue with progress.

Progress while writing is said on a connection of its own: the import's transaction commits once,
at its end, and a progress step must not commit it half-way."""

import csv
import io
import json
import logging
from pathlib import Path

from flask_babel import force_locale

from lms.exchange import KINDS, FileRefused, ImportRefused, read_table
from lms.exchange.common import may_import
from lms.extensions import db
from lms.jobs import NotAllowed, execute, file_path, progress, say_progress, start_job
from lms.models import Job, Person
from lms.reports.export import safe_text

KIND = "import"
CHECK, APPLY = "check", "apply"
INLINE_BYTES = 64 * 1024  # about 450 people: checked and written inside the request

log = logging.getLogger(__name__)


def start_import(person: Person, what: str, data: bytes, options: dict, locale: str) -> Job:
    """A job holding the uploaded file, to be checked (the caller commits, then runs it)."""
    job = start_job(person, KIND, {"what": what, "phase": CHECK, **options}, locale)
    path = file_path(job)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return job


def runs_inline(job: Job) -> bool:
    path = file_path(job)
    return path.exists() and path.stat().st_size <= INLINE_BYTES


def result_path(job: Job) -> Path:
    return file_path(job).with_suffix(".json")


def result_of(job: Job) -> dict | None:
    """What the last phase found: {"outcome": ...} or {"problems": [...], "message": ...}."""
    path = result_path(job)
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def confirm(job: Job) -> bool:
    """Turn a checked job without problems into one that writes (False: not in that state)."""
    if job.params.get("phase") != CHECK or job.status != "done":
        return False
    found = result_of(job)
    if not found or "outcome" not in found:
        return False
    job.params = {**job.params, "phase": APPLY}
    job.status, job.progress, job.error, job.finished_at = "queued", 0, None, None
    return True


def run_import(job_id: str) -> None:
    """Check or write the job's file (inside a request for small files, else in the queue)."""
    execute(job_id, _run)


def _run(job: Job) -> None:
    person = db.session.get(Person, job.person_id)
    if person is None or not person.is_active or not may_import(person):
        raise NotAllowed
    job_id, params, writing = job.id, job.params, job.params["phase"] == APPLY
    options = {"deactivate_missing": bool(params.get("deactivate_missing"))}
    if params["what"] != "people":
        options = {}
    found: dict
    with force_locale(job.locale):
        try:
            table = read_table(
                file_path(job).read_bytes(),
                sheet=params.get("sheet") or None,
                encoding=params.get("encoding") or None,
            )
            progress(job, 10)
            outcome = KINDS[params["what"]](
                table,
                by=person,
                dry_run=not writing,
                progress=lambda share: _say(job_id, 10 + int(85 * share), writing),
                **options,
            )
            found = {"outcome": outcome.as_dict()}
        except ImportRefused as refused:
            found = {
                "message": str(refused.message),
                "problems": [p.as_dict() for p in refused.problems],
            }
        except FileRefused as refused:
            found = {"message": str(refused.message), "problems": []}
    if writing and "outcome" in found:
        db.session.commit()
    else:
        db.session.rollback()
    result_path(db.session.get(Job, job_id)).write_text(
        json.dumps(found, ensure_ascii=False), encoding="utf-8"
    )


def _say(job_id: str, percent: int, writing: bool) -> None:
    """The job's progress while the import's transaction is open (SQLite, one writer at a
    time, hears only the end of a write)."""
    if writing and db.engine.dialect.name == "sqlite":
        return
    say_progress(job_id, percent)


def problems_csv(job: Job) -> str:
    """Every problem of a refused file, as CSV (row, column, why)."""
    found = result_of(job) or {}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["row", "column", "value", "problem"])
    for p in found.get("problems", []):
        writer.writerow([p["row"], p["column"], safe_text(p.get("value", "")), p["message"]])
    return "\ufeff" + out.getvalue()
