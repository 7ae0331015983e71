"""Home page, /healthz, the language toggle and the Sarabun web font."""

import threading
import time

from flask import (
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
    session,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy import text

from lms.auth.services import safe_next
from lms.extensions import csrf, db, limiter
from lms.fonts import FONT_DIR, WEB_FONTS
from lms.jobs import consumer_seen
from lms.main import bp
from lms.main.services import home_summary, year_tasks
from lms.permissions import report_roots
from lms.reports.lookups import default_cycle
from lms.reports.overview import overview
from lms.reports.queries import ensure_summary


@bp.route("/")
@login_required
def home():
    overviews = []
    roots = report_roots(current_user)[:MAX_OVERVIEWS]
    cycle = default_cycle() if roots else None
    if cycle is not None:
        ensure_summary(cycle)
        db.session.commit()  # the report summary may have moved on to today
        overviews = [overview(unit, cycle) for unit in roots]
    summary = home_summary(current_user)
    return render_template(
        "main/home.html",
        summary=summary,
        overviews=overviews,
        year=year_tasks(current_user, summary.cycle),
    )


MAX_OVERVIEWS = 3  # an admin sees the first roots; the reports page lists every one


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


@bp.route("/healthz")
@csrf.exempt
def healthz():
    """Each dependency, asked at once and each given HEALTH_WAIT seconds: the database, Redis
    (the shared log-in counters) and the task queue (with a consumer alive). 503 only when
    this instance cannot serve pages (no database); Redis or the queue down is "degraded": log-in
    and pages go on (per-process counters; files fail with "try again")."""
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
    report = {name: answers.get(name, "unreachable") for name in CHECKS}
    if report["database"] != "ok":
        return jsonify(status="error", **report), 503
    degraded = report["redis"] == "unreachable" or report["queue"] != "ok"
    return jsonify(status="degraded" if degraded else "ok", **report)


@bp.route("/language", methods=["POST"])
def set_language():
    lang = request.form.get("lang", "")
    if lang not in current_app.config["LANGUAGES"]:
        abort(400)
    session["lang"] = lang
    if current_user.is_authenticated:
        current_user.locale = lang
        db.session.commit()
    return redirect(safe_next(request.form.get("next")) or url_for("main.home"))


@bp.route("/fonts/<name>")
def font(name: str):
    if name not in WEB_FONTS:
        abort(404)
    return send_from_directory(FONT_DIR, name, mimetype="font/ttf", max_age=31536000)
