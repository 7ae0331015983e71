"""What the app depends on, each asked at once with a bounded wait: the database, Redis (the
shared log-in counters) and the task queue (a consumer alive). `/healthz` answers a load
balancer from these; the administrators' health page adds the details (lms.admin)."""

import threading
import time

from flask import current_app
from sqlalchemy import text

from lms.extensions import db, limiter
from lms.jobs import consumer_seen

HEALTH_WAIT = 1.5  # seconds: a load balancer hears an answer within 2 s whatever happens
CONSUMER_QUIET = 180  # seconds without a consumer's sign of life (it says so every minute)


def _database() -> str:
    with db.engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    return "ok"


def _redis() -> str:
    if not current_app.config["RATELIMIT_STORAGE_URI"].startswith(("redis://", "rediss://")):
        return "not used"
    return "ok" if limiter.storage.check() else "unreachable"


def _queue() -> str:
    if current_app.config.get("TASKS_IMMEDIATE"):
        return "ok"  # tests: tasks run in the requesting process
    quiet = consumer_seen()
    if quiet is None or quiet > CONSUMER_QUIET:
        return "no consumer"  # files wait in line until a consumer runs
    return "ok"


CHECKS = {"database": _database, "redis": _redis, "queue": _queue}


def run_checks() -> dict[str, str]:
    """Each check's answer ("ok", "not used", "no consumer" or "unreachable"), all asked at
    once and given HEALTH_WAIT seconds together; a check that hangs is "unreachable"."""
    app = current_app._get_current_object()
    answers: dict[str, str] = {}

    def ask(name: str, check) -> None:
        with app.app_context():
            try:
                answers[name] = check()
            except Exception:
                app.logger.warning("Health check: %s unreachable", name, exc_info=True)
                answers[name] = "unreachable"

    # Daemon threads: a dependency that hangs cannot hold the health check (or the worker).
    probes = [
        threading.Thread(target=ask, args=(name, check), daemon=True)
        for name, check in CHECKS.items()
    ]
    for probe in probes:
        probe.start()
    deadline = time.monotonic() + HEALTH_WAIT
    for probe in probes:
        probe.join(max(deadline - time.monotonic(), 0))
    return {name: answers.get(name, "unreachable") for name in CHECKS}
