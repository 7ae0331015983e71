"""Thaksa (ทักษะ): digital-skills development for Thai public servants. The app factory."""

import importlib
import os
from pathlib import Path

from flask import Flask

from lms.config import CONFIGS, DEFAULT_SECRET_KEY

PROJECT_ROOT = Path(__file__).resolve().parent.parent


LARGE_UPLOADS = {"admin.imports"}  # endpoints that take a whole organisation's file


def _larger_uploads() -> None:
    """The import page takes files up to IMPORT_MAX_MB, above MAX_CONTENT_LENGTH (every other
    form); the limit must be set before anything reads the request's body."""
    from flask import current_app, request

    if request.endpoint in LARGE_UPLOADS:
        request.max_content_length = current_app.config["IMPORT_MAX_MB"] * 1024 * 1024


def create_app(config: str | dict | None = None) -> Flask:
    """Build the app; `config` names an environment or gives overrides for tests."""
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        instance_path=os.environ.get("INSTANCE_PATH", str(PROJECT_ROOT / "instance")),
    )
    overrides = config if isinstance(config, dict) else {}
    env_name = config if isinstance(config, str) else None
    env_name = env_name or overrides.get("ENV_NAME") or os.environ.get("LMS_ENV", "production")
    if env_name not in CONFIGS:
        raise RuntimeError(f"LMS_ENV must be one of {', '.join(CONFIGS)}, not {env_name!r}")
    app.config.from_object(CONFIGS[env_name](app.instance_path))
    app.config.update(overrides)
    _refuse_unsafe_production(app)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if app.config.get("PROXY_FIX_X_FOR"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["PROXY_FIX_X_FOR"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)

    from lms.logs import register_logging
    from lms.requests import register_requests
    from lms.security import register_security

    register_requests(app)
    register_logging(app)
    register_extensions(app)
    register_security(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_commands(app)
    from lms.queue import use_app

    use_app(app)
    return app


MIN_SECRET_KEY_LENGTH = 32


def _refuse_unsafe_production(app: Flask) -> None:
    if app.config["ENV_NAME"] != "production":
        return
    key = app.config["SECRET_KEY"] or ""
    if key == DEFAULT_SECRET_KEY or len(key) < MIN_SECRET_KEY_LENGTH:
        raise RuntimeError(
            f"SECRET_KEY is missing, the default or shorter than {MIN_SECRET_KEY_LENGTH} "
            "characters: production refuses to start with a key that can be guessed. Set it to "
            "a long random value (README, Production), or use LMS_ENV=development on a laptop."
        )


def register_extensions(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from lms import models  # noqa: F401 - the models must be known before migrate runs
    from lms.auth.services import load_user
    from lms.extensions import babel, csrf, db, limiter, login_manager, migrate
    from lms.i18n import select_locale, select_timezone
    from lms.reports import upkeep  # noqa: F401 - the report summary follows every commit

    _database_timeouts(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    app.before_request(_larger_uploads)  # before the CSRF check reads the body
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.localize_callback = str  # the lazy message, in the reader's language
    login_manager.session_protection = "strong"
    login_manager.user_loader(load_user)
    _enable_sqlite_foreign_keys(app)


def _database_timeouts(app: Flask) -> None:
    """On PostgreSQL: bounded waits to connect, to get a pooled connection, per statement and
    for a lock (JIT off: it costs more than it saves on the app's short queries)."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        return
    options = dict(app.config["SQLALCHEMY_ENGINE_OPTIONS"])
    options["pool_timeout"] = app.config["DB_POOL_TIMEOUT"]
    options["connect_args"] = {
        "connect_timeout": app.config["DB_CONNECT_TIMEOUT"],
        "options": (
            f"-c statement_timeout={app.config['DB_STATEMENT_TIMEOUT_MS']} "
            f"-c lock_timeout={app.config['DB_LOCK_TIMEOUT_MS']} -c jit=off"
        ),
    }
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def _enable_sqlite_foreign_keys(app: Flask) -> None:
    from sqlalchemy import event

    from lms.extensions import db

    with app.app_context():
        engine = db.engine
        if engine.dialect.name != "sqlite":
            return

        @event.listens_for(engine, "connect")
        def _fk_on(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()


FEATURES = (
    "main",
    "auth",
    "assessments",
    "plans",
    "activities",
    "courses",
    "people",
    "reviews",
    "evaluations",
    "delegations",
    "feedback",
    "inbox",
    "reports",
    "api",
    "interchange",
    "admin",
)


def register_blueprints(app: Flask) -> None:
    """Each feature's package holds its blueprint; its views attach routes when imported here,
    so importing a feature's services never loads pages (nor WeasyPrint or matplotlib)."""
    for name in FEATURES:
        feature = importlib.import_module(f"lms.{name}")
        if hasattr(feature, "register"):  # the API: its document is generated as it registers
            feature.register(app)
            continue
        importlib.import_module(f"lms.{name}.views")
        app.register_blueprint(feature.bp)


def register_errorhandlers(app: Flask) -> None:
    from lms.errors import register

    register(app)


def register_template_helpers(app: Flask) -> None:
    from lms import jobs, permissions, vocab
    from lms.i18n import register_filters
    from lms.navigation import register_navigation

    register_filters(app)
    register_navigation(app)
    # Templates name statuses through the vocabulary and ask permissions.py, like the code.
    app.jinja_env.globals.update(
        status_label=vocab.status_label,
        PlanStatus=vocab.PlanStatus,
        AssessmentStatus=vocab.AssessmentStatus,
        can_view_plan=permissions.can_view_plan,
        can_edit_plan=permissions.can_edit_plan,
        can_view_unit=permissions.can_view_unit,
        # a queued file's page (macros/jobs.html): failed or abandoned, refused, long in line
        job_failed=jobs.failed,
        job_queue_refused=jobs.queue_refused,
        job_waiting_long=jobs.waiting_long,
    )


def register_commands(app: Flask) -> None:
    from lms.cli import lms_group

    app.cli.add_command(lms_group)
