"""The task queue (Huey): work too long for a web request runs in `huey_consumer`.

Storage: SQLite in the instance folder by default (`make run` starts a consumer beside the
web server); Redis in production when REDIS_URL is set (every app server and consumer then
share one queue). Tests set TASKS_IMMEDIATE: a queued task runs at once, in the same process.
Tasks live in their feature (`lms.reports.tasks`); the consumer starts from `lms.worker`:

    huey_consumer lms.worker.huey -k thread -w 2
"""

import os
from pathlib import Path

from flask import Flask, has_app_context
from huey import RedisHuey, SqliteHuey
from redis import ConnectionPool

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _make_huey():
    url = os.environ.get("REDIS_URL")
    if url:
        # Bounded waits: a Redis that is down or unreachable fails a web request's enqueue in
        # seconds (the job is then failed, lms.jobs.queue), never holds it.
        pool = ConnectionPool.from_url(url, socket_connect_timeout=2, socket_timeout=5)
        return RedisHuey("thaksa", connection_pool=pool)
    folder = Path(os.environ.get("INSTANCE_PATH", str(PROJECT_ROOT / "instance")))
    folder.mkdir(parents=True, exist_ok=True)
    path = os.environ.get("HUEY_SQLITE", str(folder / "tasks.sqlite"))
    return SqliteHuey("thaksa", filename=path)


huey = _make_huey()
_worker_app: Flask | None = None


def use_app(app: Flask) -> None:
    """Called by create_app: tests run tasks at once (TASKS_IMMEDIATE)."""
    huey.immediate = bool(app.config.get("TASKS_IMMEDIATE"))


def bind_worker_app(app: Flask) -> None:
    """The app a consumer process runs its tasks in (lms.worker)."""
    global _worker_app
    _worker_app = app


def run_in_app(function, *args) -> None:
    """Run a task's body with an app context: the caller's in immediate mode, else the
    consumer's app."""
    if has_app_context():
        function(*args)
        return
    if _worker_app is None:
        raise RuntimeError("start the consumer with: huey_consumer lms.worker.huey")
    with _worker_app.app_context():
        function(*args)
