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
from sqlalchemy import text

from lms.auth.services import safe_next
from lms.extensions import csrf, db
from lms.fonts import FONT_DIR, WEB_FONTS
from lms.main import bp
from lms.main.services import home_summary


@bp.route("/")
@login_required
def home():
    return render_template("main/home.html", summary=home_summary(current_user))


@bp.route("/healthz")
@csrf.exempt
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:
        current_app.logger.exception("Health check: database unreachable")
        db.session.rollback()
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
