"""Configuration classes, read from the environment when the app is created."""

import os
from datetime import timedelta
from pathlib import Path

DEFAULT_SECRET_KEY = "dev-secret-key-change-me"  # noqa: S105 - refused in production


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def normalise_database_url(url: str) -> str:
    """Use the psycopg 3 driver for bare postgres URLs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class Config:
    """Settings shared by every environment; each value may come from the environment."""

    ENV_NAME = "base"

    def __init__(self, instance_path: str):
        env = os.environ
        self.SECRET_KEY = env.get("SECRET_KEY", DEFAULT_SECRET_KEY)
        default_db = "sqlite:///" + str(Path(instance_path) / "thaksa.sqlite")
        self.SQLALCHEMY_DATABASE_URI = normalise_database_url(env.get("DATABASE_URL", default_db))
        # hide_parameters: a database error in the log never carries what someone typed.
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "hide_parameters": True}
        self.UPLOAD_DIR = env.get("UPLOAD_DIR", str(Path(instance_path) / "uploads"))
        self.MAX_CONTENT_LENGTH = int(env.get("MAX_UPLOAD_MB", "10")) * 1024 * 1024
        self.IMPORT_MAX_MB = int(env.get("IMPORT_MAX_MB", "50"))  # a people file, 100,000 rows
        # IDP PDFs are made once per plan version and kept here; a person makes a few a minute.
        self.PDF_CACHE_DIR = env.get("PDF_CACHE_DIR", str(Path(instance_path) / "cache" / "pdf"))
        self.PDF_RATE_LIMIT = env.get("PDF_RATE_LIMIT", "10 per minute")
        self.API_RATE_LIMIT = env.get("API_RATE_LIMIT", "600 per minute")  # per token
        # Report files made by the task queue (lms.tasks), kept EXPORT_KEEP_HOURS for download.
        self.EXPORT_DIR = env.get("EXPORT_DIR", str(Path(instance_path) / "exports"))
        self.EXPORT_KEEP_HOURS = int(env.get("EXPORT_KEEP_HOURS", "24"))
        # A running job without a heartbeat for this long lost its consumer (killed): its page
        # says "try again", and the next consumer to start (or any within a minute) re-runs it.
        self.JOB_STALE_SECONDS = int(env.get("JOB_STALE_SECONDS", "180"))
        # Tests run queued tasks at once, in the process that queues them.
        self.TASKS_IMMEDIATE = _bool("TASKS_IMMEDIATE", False)
        # a report page's charts not drawn yet are drawn ahead by the task queue
        self.CHARTS_AHEAD = _bool("CHARTS_AHEAD", True)
        # Sign-in through the organisation's directory (lms.auth.directory); off while unset.
        self.LDAP_URL = env.get("LDAP_URL", "")  # ldap://host (StartTLS) or ldaps://host
        self.LDAP_START_TLS = _bool("LDAP_START_TLS", True)  # for ldap:// URLs
        self.LDAP_BIND_DN = env.get("LDAP_BIND_DN", "")  # the service account
        self.LDAP_BIND_PASSWORD = env.get("LDAP_BIND_PASSWORD", "")
        self.LDAP_BASE_DN = env.get("LDAP_BASE_DN", "")
        self.LDAP_USER_FILTER = env.get("LDAP_USER_FILTER", "(uid={username})")
        self.LDAP_MATCH_ATTRIBUTE = env.get("LDAP_MATCH_ATTRIBUTE", "employeeNumber")
        self.LDAP_MATCH_FIELD = env.get("LDAP_MATCH_FIELD", "employee_no")  # or email
        # Entries this filter matches are refused (e.g. Active Directory's disabled accounts:
        # (userAccountControl:1.2.840.113556.1.4.803:=2); OpenLDAP: (pwdAccountLockedTime=*)).
        self.LDAP_DISABLED_FILTER = env.get("LDAP_DISABLED_FILTER", "")
        # People the directory knows but Thaksa does not are created where HR allows it for the
        # unit the entry's LDAP_UNIT_ATTRIBUTE names (its code); unset: never.
        self.LDAP_UNIT_ATTRIBUTE = env.get("LDAP_UNIT_ATTRIBUTE", "")
        self.LDAP_NAME_ATTRIBUTE = env.get("LDAP_NAME_ATTRIBUTE", "displayName")
        self.LDAP_EMPLOYEE_NO_ATTRIBUTE = env.get("LDAP_EMPLOYEE_NO_ATTRIBUTE", "employeeNumber")
        self.LDAP_MAIL_ATTRIBUTE = env.get("LDAP_MAIL_ATTRIBUTE", "mail")
        self.LDAP_TIMEOUT = float(env.get("LDAP_TIMEOUT", "3"))  # seconds, per step
        self.LDAP_CA_FILE = env.get("LDAP_CA_FILE", "")  # the directory's CA, if not the system's
        # Sign-in through OpenID Connect (lms.auth.sso); off while OIDC_DISCOVERY_URL is unset.
        self.OIDC_DISCOVERY_URL = env.get(
            "OIDC_DISCOVERY_URL", ""
        )  # .../.well-known/openid-configuration
        self.OIDC_CLIENT_ID = env.get("OIDC_CLIENT_ID", "")
        self.OIDC_CLIENT_SECRET = env.get("OIDC_CLIENT_SECRET", "")
        self.OIDC_CLAIM = env.get("OIDC_CLAIM", "email")  # the ID token's claim naming the person
        self.OIDC_MATCH_FIELD = env.get("OIDC_MATCH_FIELD", "email")  # or employee_no
        self.OIDC_NAME = env.get("OIDC_NAME", "")  # the button's words, e.g. "BMA single sign-on"
        self.MAIL_SERVER = env.get("MAIL_SERVER", "")
        self.MAIL_PORT = int(env.get("MAIL_PORT", "587"))
        self.MAIL_USERNAME = env.get("MAIL_USERNAME", "")
        self.MAIL_PASSWORD = env.get("MAIL_PASSWORD", "")
        self.MAIL_USE_TLS = _bool("MAIL_USE_TLS", True)
        self.MAIL_FROM = env.get("MAIL_FROM", "thaksa@localhost")
        # smtp when MAIL_SERVER is set; otherwise e-mail is off (in-app notifications only)
        self.MAIL_BACKEND = env.get("MAIL_BACKEND", "smtp" if self.MAIL_SERVER else "none")
        self.MAIL_FILE_DIR = env.get("MAIL_FILE_DIR", str(Path(instance_path) / "mail"))
        # The address people open Thaksa at: the links in e-mails start with it.
        self.BASE_URL = env.get("BASE_URL", "http://127.0.0.1:5000")
        # Reminders: days before a cycle deadline; days an item may wait before a reminder
        # (and, after as many days again, before it goes to the next supervisor up).
        self.REMIND_DAYS_BEFORE = int(env.get("REMIND_DAYS_BEFORE", "7"))
        self.REMIND_WAITING_DAYS = int(env.get("REMIND_WAITING_DAYS", "7"))
        self.RATELIMIT_STORAGE_URI = env.get("RATELIMIT_STORAGE_URI", "memory://")
        self.RATELIMIT_HEADERS_ENABLED = True
        # Redis down: log-in goes on, each process counting for itself (logged once), and the
        # shared counters come back by themselves when Redis does. A second's wait at most.
        self.RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
        self.RATELIMIT_SWALLOW_ERRORS = True
        if self.RATELIMIT_STORAGE_URI.startswith(("redis://", "rediss://")):
            self.RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1}
        self.LOGIN_RATE_LIMIT = env.get("LOGIN_RATE_LIMIT", "10 per minute")  # per address
        # Per account: slows guessing down to 5 a minute, and the real owner waits a minute at
        # most (never locked out for an hour by someone else's wrong tries).
        self.LOGIN_ACCOUNT_RATE_LIMIT = env.get("LOGIN_ACCOUNT_RATE_LIMIT", "5 per minute")
        self.BABEL_DEFAULT_LOCALE = "th"
        self.BABEL_DEFAULT_TIMEZONE = "Asia/Bangkok"
        self.LANGUAGES = ("th", "en")
        self.WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.REMEMBER_COOKIE_SAMESITE = "Lax"
        # "Keep me logged in" lasts REMEMBER_DAYS (30 at most) and ends with the session token.
        self.REMEMBER_COOKIE_DURATION = timedelta(
            days=min(30, max(1, int(env.get("REMEMBER_DAYS", "30"))))
        )
        self.PERMANENT_SESSION_LIFETIME = int(env.get("SESSION_HOURS", "8")) * 3600
        self.LOG_LEVEL = env.get("LOG_LEVEL", "INFO")
        # A stalled database answers 503 within seconds instead of holding workers (PostgreSQL).
        self.DB_CONNECT_TIMEOUT = int(env.get("DB_CONNECT_TIMEOUT", "3"))  # seconds
        self.DB_STATEMENT_TIMEOUT_MS = int(env.get("DB_STATEMENT_TIMEOUT_MS", "15000"))
        # A page waits this long for a lock (a table locked by a migration or a stuck
        # transaction), then answers 503: its worker thread is free again in a second.
        # Commands and the task queue's consumer wait as long as it takes.
        self.DB_LOCK_TIMEOUT_MS = int(env.get("DB_LOCK_TIMEOUT_MS", "1000"))
        # While the database stalls, at most this many page requests of a process wait on it;
        # the others answer 503 at once, so a thread stays free for /healthz (one less than
        # gunicorn's threads per worker).
        self.STALL_SLOTS = int(
            env.get("STALL_SLOTS", str(max(int(env.get("GUNICORN_THREADS", "4")) - 1, 1)))
        )
        self.DB_POOL_TIMEOUT = int(env.get("DB_POOL_TIMEOUT", "5"))  # seconds to get a connection
        # How many reverse proxies set X-Forwarded-For/-Proto in front of the app (0: none).
        self.PROXY_FIX_X_FOR = int(env.get("PROXY_FIX_X_FOR", "0"))


class DevelopmentConfig(Config):
    """`make run`: the embedded SQLite default, plain-HTTP cookies."""

    ENV_NAME = "development"

    def __init__(self, instance_path: str):
        super().__init__(instance_path)
        self.SESSION_COOKIE_SECURE = False
        self.REMEMBER_COOKIE_SECURE = False
        if not self.MAIL_SERVER:  # e-mails appear in the terminal of `make run`
            self.MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "console")


class ProductionConfig(Config):
    """Gunicorn behind HTTPS: secure cookies and a real secret key, or no start."""

    ENV_NAME = "production"

    def __init__(self, instance_path: str):
        super().__init__(instance_path)
        self.SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)
        self.REMEMBER_COOKIE_SECURE = self.SESSION_COOKIE_SECURE


class TestConfig(Config):
    """The test suite: TEST_DATABASE_URL or a throw-away SQLite file, no rate limit."""

    ENV_NAME = "testing"

    def __init__(self, instance_path: str):
        super().__init__(instance_path)
        self.TESTING = True
        self.SECRET_KEY = "test-secret-key"  # noqa: S105
        url = os.environ.get("TEST_DATABASE_URL") or "sqlite:///" + str(
            Path(instance_path) / "test.sqlite"
        )
        self.SQLALCHEMY_DATABASE_URI = normalise_database_url(url)
        # Limits stay on (as in production) but high; the rate-limit test lowers them.
        self.LOGIN_RATE_LIMIT = "10000 per minute"
        self.LOGIN_ACCOUNT_RATE_LIMIT = "10000 per minute"
        self.PDF_RATE_LIMIT = "10000 per minute"
        self.API_RATE_LIMIT = "10000 per minute"
        self.PDF_CACHE_DIR = str(Path(instance_path) / "cache" / "pdf")
        self.EXPORT_DIR = str(Path(instance_path) / "exports")
        self.TASKS_IMMEDIATE = True
        self.CHARTS_AHEAD = False  # tasks run at once here: a page would draw every chart
        self.SESSION_COOKIE_SECURE = False
        self.PASSWORD_HASH_FAST = True
        self.MAIL_BACKEND = "memory"


CONFIGS = {
    "development": DevelopmentConfig,
    "production": ProductionConfig,
    "testing": TestConfig,
}
