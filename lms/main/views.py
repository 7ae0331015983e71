"""Home page, /healthz, the language toggle and the Sarabun web font."""

import threading

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
from lms.extensions import csrf, db
from lms.fonts import FONT_DIR, WEB_FONTS
from lms.main import bp
from lms.main.services import home_summary
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
    return render_template(
        "main/home.html", summary=home_summary(current_user), overviews=overviews
    )


MAX_OVERVIEWS = 3  # an admin sees the first roots; the reports page lists every one


HEALTH_WAIT = 1.5  # seconds: a load balancer hears 503 within 2 s whatever the database does


@bp.route("/healthz")
@csrf.exempt
def healthz():
    """200 when the database answers SELECT 1 within HEALTH_WAIT seconds, else 503."""
    app = current_app._get_current_object()
    answered: list[bool] = []

    def ask() -> None:
        with app.app_context():
            try:
                with db.engine.connect() as connection:
                    connection.execute(text("SELECT 1"))
                answered.append(True)
            except Exception:
                app.logger.exception("Health check: database unreachable")

    # A daemon thread: a database that hangs cannot hold the health check (or the worker).
    probe = threading.Thread(target=ask, daemon=True)
    probe.start()
    probe.join(HEALTH_WAIT)
    if not answered:
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")


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
