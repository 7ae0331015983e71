"""Home page, /healthz, the language toggle and the Sarabun web font."""

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

from lms.auth.services import safe_next
from lms.extensions import csrf, db
from lms.fonts import FONT_DIR, WEB_FONTS
from lms.main import bp
from lms.main.health import run_checks
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


@bp.route("/healthz")
@csrf.exempt
def healthz():
    """Each dependency, asked at once and each given HEALTH_WAIT seconds (lms.main.health):
    503 only when this instance cannot serve pages (no database); Redis or the queue down is
    "degraded": log-in and pages go on (per-process counters; files fail with "try again")."""
    report = run_checks()
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
