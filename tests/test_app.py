"""The application shell: health check, headers, error pages, configuration safety."""

import pytest

from lms import create_app
from lms.config import DEFAULT_SECRET_KEY
from lms.extensions import db


def test_healthz_reports_database_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok", "redis": "not used", "queue": "ok"}


def test_healthz_reports_unreachable_database(client, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("connection refused")

    monkeypatch.setattr(db.engine, "connect", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "unreachable"


def test_healthz_answers_within_two_seconds_when_the_database_hangs(client, monkeypatch):
    import time

    def hangs(*_args, **_kwargs):
        time.sleep(5)

    monkeypatch.setattr(db.engine, "connect", hangs)
    started = time.monotonic()
    response = client.get("/healthz")
    assert response.status_code == 503 and time.monotonic() - started < 2


def test_a_database_outage_is_a_503_page_not_a_500(client, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from lms.main import views
    from tests.conftest import login
    from tests.factories import PersonFactory

    login(client, PersonFactory())

    def down(*_args, **_kwargs):
        raise OperationalError("SELECT 1", {}, ConnectionError("server closed the connection"))

    monkeypatch.setattr(views, "home_summary", down)
    response = client.get("/")
    assert response.status_code == 503
    assert "ลองใหม่อีกครั้งในอีกสักครู่" in response.get_data(as_text=True)


def test_postgresql_connections_have_timeouts(app):
    from sqlalchemy import text

    if db.engine.dialect.name != "postgresql":
        pytest.skip("timeouts are set on PostgreSQL connections")
    from sqlalchemy import event

    from lms.cli import _unlimited

    options = app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    assert options["pool_timeout"] == 5 and options["connect_args"]["connect_timeout"] == 3
    if event.contains(db.engine, "connect", _unlimited):  # a command ran in this test process
        event.remove(db.engine, "connect", _unlimited)
    db.engine.dispose()
    with db.engine.connect() as connection:
        assert connection.execute(text("SHOW statement_timeout")).scalar() == "15s"
        assert connection.execute(text("SHOW lock_timeout")).scalar() == "1s"
        assert connection.execute(text("SHOW jit")).scalar() == "off"


def test_security_headers_forbid_inline_script(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_pages_have_no_inline_script_or_style(client):
    page = client.get("/login").get_data(as_text=True)
    assert "<script>" not in page and "style=" not in page
    assert "onclick" not in page


def test_every_response_carries_a_request_id(client):
    response = client.get("/healthz", headers={"X-Request-ID": "abc123"})
    assert response.headers["X-Request-ID"] == "abc123"
    generated = client.get("/healthz").headers["X-Request-ID"]
    assert generated and generated != "abc123"


def test_not_found_page_is_friendly_and_thai_by_default(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert 'lang="th"' in page
    assert "ไม่พบหน้าที่ท่านต้องการ" in page


def test_production_refuses_default_secret_key(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", DEFAULT_SECRET_KEY)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production")
    monkeypatch.delenv("SECRET_KEY")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production")
    monkeypatch.setenv("SECRET_KEY", "x" * 31)  # too short to be safe
    with pytest.raises(RuntimeError, match="shorter than 32"):
        create_app("production")


def test_production_uses_secure_cookies(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "a-long-random-production-secret-of-48-characters")
    app = create_app("production")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True


def test_unknown_environment_is_refused():
    with pytest.raises(RuntimeError, match="LMS_ENV"):
        create_app("staging")


def test_unexpected_error_shows_friendly_page_with_reference(app):
    fresh = create_app({"ENV_NAME": "testing"})

    @fresh.route("/boom")
    def boom():
        raise ValueError("kaboom")

    response = fresh.test_client().get("/boom")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "kaboom" not in page and "Traceback" not in page
    assert response.headers["X-Request-ID"] in page


def test_postgres_urls_use_psycopg_driver():
    from lms.config import normalise_database_url

    assert normalise_database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_fonts_are_served_locally_and_only_the_web_fonts(client):
    assert client.get("/fonts/Sarabun-Regular.ttf").status_code == 200
    assert client.get("/fonts/..%2Fsecret").status_code == 404
    assert client.get("/fonts/LICENSE").status_code == 404


def test_behind_a_proxy_the_client_address_comes_from_x_forwarded_for():
    proxied = create_app({"ENV_NAME": "testing", "PROXY_FIX_X_FOR": 1})

    @proxied.route("/whoami")
    def whoami():
        from flask import request

        return request.remote_addr

    client = proxied.test_client()
    response = client.get("/whoami", headers={"X-Forwarded-For": "10.1.2.3"})
    assert response.get_data(as_text=True) == "10.1.2.3"
    plain = create_app({"ENV_NAME": "testing"})
    plain.add_url_rule("/whoami", view_func=whoami)
    response = plain.test_client().get("/whoami", headers={"X-Forwarded-For": "10.1.2.3"})
    assert response.get_data(as_text=True) == "127.0.0.1"
