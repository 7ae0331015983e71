"""Friendly error pages in the user's language (JSON for API and autosave calls)."""

import threading
import time
from urllib.parse import urlsplit

from flask import (
    Flask,
    flash,
    g,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeoutError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, InternalServerError

from lms.auth.services import safe_next
from lms.extensions import db, login_manager
from lms.rules import CHANGED_MEANWHILE

MESSAGES = {
    400: (_l("Something in the request was not right"), _l("Please go back and try again.")),
    403: (
        _l("This page is not yours to see"),
        _l("You can only see your own data, your team's, or the units you are assigned to."),
    ),
    404: (_l("We could not find that page"), _l("The link may be old or mistyped.")),
    405: (_l("That action is not possible here"), _l("Please use the buttons on the page.")),
    413: (
        _l("The file is too large"),
        _l("Please choose a smaller file and try again."),
    ),
    429: (
        _l("Too many attempts"),
        _l("Please wait a minute before trying again."),
    ),
    503: (
        _l("Thaksa is busy or under maintenance"),
        _l("Nothing you sent was lost. Please try again in a minute."),
    ),
    500: (
        _l("Something went wrong on our side"),
        _l("Your data is safe. Please try again; if it happens again, tell the help desk."),
    ),
}


CONFLICT = CHANGED_MEANWHILE


def _same_site_path(referrer: str | None) -> str | None:
    """The path (and query) of a referrer on this site, or None."""
    if not referrer:
        return None
    parts = urlsplit(referrer)
    if parts.netloc and parts.netloc != request.host:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def wants_json() -> bool:
    return (
        request.path.startswith(("/api/", "/xapi/"))
        or request.headers.get("X-Autosave") == "1"
        or request.accept_mimetypes.best == "application/json"
    )


ERROR_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    412: "precondition_failed",
    413: "too_large",
    415: "unsupported_media_type",
    422: "unprocessable",
    428: "precondition_required",
    429: "too_many_requests",
    503: "unavailable",
}


def error_response(
    status: int, detail: str | None = None, code: str | None = None, fields: dict | None = None
):
    """Render the error page (or JSON: `{"error": {"code", "message", "fields"}}`)."""
    title, hint = MESSAGES.get(status, MESSAGES[500])
    if wants_json():
        code = code or ERROR_CODES.get(status, "internal_error")
        body = {"error": {"code": code, "message": str(detail or title), "fields": fields or {}}}
        return jsonify(body), status
    return (
        render_template(
            "errors/error.html",
            status=status,
            title=title,
            hint=detail or hint,
            request_id=g.get("request_id", "-"),
        ),
        status,
    )


def fields_of(problems: dict) -> dict[str, list[str]]:
    """{field: [messages]} from webargs's {location: {field: [messages]}} (or a plain map)."""
    found: dict[str, list[str]] = {}
    for key, value in problems.items():
        if key in ("query", "json", "form", "headers", "files", "path") and isinstance(value, dict):
            found.update(fields_of(value))
        elif isinstance(value, dict):
            found[key] = [f"{k}: {m}" for k, m in fields_of(value).items()]
        else:
            found[key] = [str(m) for m in (value if isinstance(value, list) else [value])]
    return found


class StallGuard:
    """While the database stalls (a lock or statement timeout, an outage, in the last
    REMEMBER seconds), this process lets at most `slots` page requests wait on it at once and
    answers the others 503 at once, without the database: a worker thread stays free for
    /healthz and for the pages that still work, and the queue of requests drains in
    milliseconds instead of a lock timeout each. Outside a stall it does nothing."""

    REMEMBER = 5.0  # seconds after the last database failure

    def __init__(self, slots: int):
        self.slots = threading.BoundedSemaphore(max(slots, 1))
        self.until = 0.0

    def noticed(self) -> None:
        self.until = time.monotonic() + self.REMEMBER

    def admit(self) -> bool:
        """May this request go to the database? (It then holds a slot until it ends.)"""
        if time.monotonic() >= self.until:
            return True
        if not self.slots.acquire(blocking=False):
            return False
        g.stall_slot = True
        return True

    def release(self) -> None:
        if g.pop("stall_slot", False):
            self.slots.release()


UNGUARDED = {"main.healthz", "static", "main.font"}  # never wait on the database


def unavailable(app: Flask):
    """The 503 page, rendered without touching the database again (not even to ask who is
    logged in): the same lock or outage would hold it, and the worker, once more."""
    g.database_down = True
    g._login_user = login_manager.anonymous_user()  # Flask-Login: loaded, as nobody
    try:
        db.session.rollback()
    except Exception:  # the connection itself is gone: the pool replaces it
        app.logger.warning("Rollback failed after a database error", exc_info=True)
    response = make_response(error_response(503))
    response.headers["Retry-After"] = "5"
    return response


def register(app: Flask) -> None:
    guard = StallGuard(app.config["STALL_SLOTS"])
    app.extensions["stall_guard"] = guard

    @app.before_request
    def _shed_while_stalled():
        if request.endpoint in UNGUARDED or guard.admit():
            return None
        app.logger.warning(
            "Database stalled: %s %s answered 503 at once", request.method, request.path
        )
        return unavailable(app)

    @app.teardown_request
    def _free_the_slot(_error=None):
        guard.release()

    @app.errorhandler(CSRFError)
    def _csrf(error):
        db.session.rollback()
        hint = _l(
            "This page was open too long or your session ended, so it could not be saved. "
            "Go back, reload the page and save again: what you typed on the page is kept "
            "in your browser."
        )
        return error_response(400, str(hint))

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        db.session.rollback()
        # what the API said with flask_smorest.abort(status, message=, error_code=, errors=);
        # webargs puts what is wrong with each field under "messages", by location
        data = getattr(error, "data", None) or {}
        problems = data.get("errors") or data.get("messages") or {}
        return error_response(
            error.code or 500,
            data.get("message"),
            data.get("error_code"),
            fields_of(problems),
        )

    @app.errorhandler(OperationalError)
    @app.errorhandler(SQLAlchemyTimeoutError)
    def _database_unavailable(_error):
        """The database is down, stalled, locked or too slow: say so at once instead of a 500
        (and shed the requests that would wait the same way, for a few seconds)."""
        guard.noticed()
        app.logger.error("Database unavailable on %s %s", request.method, request.path)
        return unavailable(app)

    @app.errorhandler(StaleDataError)
    def _changed_meanwhile(_error: StaleDataError):
        """Two saves of one plan or assessment at once (a double-click, two tabs): the first
        wins, the second is told so, like the version check on the page would."""
        db.session.rollback()
        if wants_json():
            return error_response(409, str(CONFLICT))
        flash(str(CONFLICT), "error")
        back = safe_next(_same_site_path(request.referrer)) or url_for("main.home")
        return redirect(back)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        db.session.rollback()
        if isinstance(error, HTTPException):
            return _http(error)
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return error_response(InternalServerError.code)
