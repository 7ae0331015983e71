"""Issue 8: sessions that end, limits that hold, no 500 on any input, bounded work, personal
data hygiene. Each test names the probe in ../shared/probes/security/ it answers."""

import logging
from datetime import UTC, datetime

import pytest

from lms.extensions import db
from tests.conftest import PASSWORD, IsolatedClient, csrf_token, login
from tests.factories import PersonFactory, submitted_assessment


@pytest.fixture
def boss_and_person(cycle):
    boss = PersonFactory()
    person = PersonFactory(supervisor=boss)
    person.display_name = "Nickname Chosen"
    db.session.commit()
    submitted_assessment(person, cycle, level=1)
    return boss, person


def test_pages_with_personal_data_are_never_cached_r14(client, boss_and_person):
    boss, person = boss_and_person
    login(client, boss)
    for url in (
        "/",
        "/team",
        f"/people/{person.employee_no}",
        f"/people/{person.employee_no}/assessments/2566",
        f"/people/{person.employee_no}/assessments/2566/radar.png",
        "/inbox/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "private, no-store", url
    client.post("/logout")
    assert "no-store" not in client.get("/login").headers.get("Cache-Control", "")


def test_supervisors_see_the_official_name_not_the_chosen_one_r17(client, boss_and_person):
    boss, person = boss_and_person
    login(client, boss)
    for url in (
        "/team",
        f"/people/{person.employee_no}",
        f"/people/{person.employee_no}/assessments/2566",
    ):
        text = client.get(url).get_data(as_text=True)
        assert person.name_th in text and "Nickname Chosen" not in text, url
    client.post("/logout")
    login(client, person)
    assert "Nickname Chosen" in client.get("/").get_data(as_text=True)  # their own choice


def test_a_failed_log_in_does_not_write_the_account_name_to_the_log(app, client, caplog):
    person = PersonFactory()
    app.logger.addHandler(caplog.handler)  # the app's logger does not propagate
    try:
        with caplog.at_level(logging.INFO):
            client.post("/login", data={"identifier": person.email, "password": "wrong pw!"})
    finally:
        app.logger.removeHandler(caplog.handler)
    assert "Failed log-in" in caplog.text
    assert person.email not in caplog.text and person.employee_no not in caplog.text


def test_database_errors_in_the_log_carry_no_typed_values(app):
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["hide_parameters"] is True
    assert db.engine.hide_parameters


def _remember_cookie(client):
    cookie = client.get_cookie("remember_token")
    return cookie.value if cookie else None


def _who(app, *, session=None, remember=None):
    """A fresh browser holding only the given cookies: is anyone logged in?"""
    fresh = app.test_client()
    if session:
        fresh.set_cookie("session", session)
    if remember:
        fresh.set_cookie("remember_token", remember)
    return fresh.get("/").status_code == 200


def test_log_out_ends_the_session_and_the_remembered_log_in_r01_r02(app, client):
    person = PersonFactory()
    client.post("/login", data={"identifier": person.email, "password": PASSWORD, "remember": "y"})
    session, remember = client.get_cookie("session").value, _remember_cookie(client)
    assert _who(app, session=session) and _who(app, remember=remember)
    client.post("/logout")
    assert not _who(app, session=session)  # a copied session cookie no longer works
    assert not _who(app, remember=remember)
    client.post("/login", data={"identifier": person.email, "password": PASSWORD, "remember": "y"})
    assert _remember_cookie(client) != remember  # every log-in gets a new one


def test_remember_me_lasts_thirty_days_at_most(app, client):
    person = PersonFactory()
    client.post("/login", data={"identifier": person.email, "password": PASSWORD, "remember": "y"})
    cookie = client.get_cookie("remember_token")
    days = (cookie.expires - datetime.now(UTC)).days
    assert 28 <= days <= 30


def test_a_new_password_ends_other_sessions_but_not_this_one(app, client):
    person = PersonFactory()
    other = app.test_client()
    login(other, person)
    login(client, person)
    response = client.post(
        "/profile/password",
        data={"current": PASSWORD, "new": "another-password-9", "confirm": "another-password-9"},
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert other.get("/").status_code == 302  # sent to the log-in page


def test_log_out_everywhere_and_deactivation_and_role_changes_end_sessions(app, client):
    from lms.clock import today
    from lms.models import RoleAssignment

    person = PersonFactory()
    elsewhere = app.test_client()
    login(elsewhere, person)
    login(client, person)
    client.post("/profile/logout-everywhere")
    assert client.get("/").status_code == 302 and elsewhere.get("/").status_code == 302

    login(client, person)
    db.session.add(RoleAssignment(person_id=person.id, role="supervisor"))
    db.session.commit()
    assert client.get("/").status_code == 302  # new roles: log in again

    login(client, person)
    person.deactivated_on = today()
    db.session.commit()
    assert client.get("/").status_code == 302


def test_an_old_style_or_forged_cookie_logs_nobody_in(app):
    person = PersonFactory()
    browser = app.test_client()
    login(browser, person)
    with browser.session_transaction() as session:
        real = session["_user_id"]
    for forged in (str(person.id), f"{person.id}.forged", f"{person.id}."):
        with browser.session_transaction() as session:
            session["_user_id"] = forged
        assert browser.get("/").status_code == 302, forged
    with browser.session_transaction() as session:
        session["_user_id"] = real
    assert browser.get("/").status_code == 200  # the real one still works


def _wrong(client, identifier):
    return client.post("/login", data={"identifier": identifier, "password": "not-it"}).status_code


def test_the_account_limit_counts_the_account_however_it_is_typed_r11(app, client, monkeypatch):
    from lms.extensions import limiter

    person = PersonFactory()
    monkeypatch.setitem(app.config, "LOGIN_ACCOUNT_RATE_LIMIT", "3 per minute")
    limiter.reset()
    try:
        assert _wrong(client, person.email) == 200
        assert _wrong(client, person.email.upper()) == 200
        assert _wrong(client, person.employee_no) == 200
        assert _wrong(client, person.employee_no) == 429  # one account, one counter
        assert _wrong(client, "someone-else@example.org") == 200
    finally:
        limiter.reset()


def test_the_default_account_limit_slows_down_for_a_minute_not_an_hour(tmp_path):
    from limits import parse

    from lms.config import CONFIGS

    limit = parse(CONFIGS["production"](str(tmp_path)).LOGIN_ACCOUNT_RATE_LIMIT)
    assert limit.get_expiry() <= 60 and limit.amount <= 10


def test_log_in_counters_are_shared_by_every_worker_through_redis(tmp_path):
    """Two app processes (here two apps) on one Redis count together, as gunicorn's workers."""
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url).flushdb()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on this machine")
    from lms import create_app

    settings = {
        "ENV_NAME": "testing",
        "RATELIMIT_STORAGE_URI": url,
        "LOGIN_RATE_LIMIT": "3 per minute",
    }
    workers = []
    for _ in range(2):
        worker = create_app(dict(settings))
        worker.test_client_class = IsolatedClient  # its own app context, as in production
        workers.append(worker.test_client())
    codes = []
    for i in range(4):
        worker = workers[i % 2]
        token = csrf_token(worker, "/login")
        data = {"identifier": f"nobody{i}@example.org", "password": "x", "csrf_token": token}
        codes.append(worker.post("/login", data=data).status_code)
    assert codes == [200, 200, 200, 429]
    redis.Redis.from_url(url).flushdb()
