"""Issue 8: sessions that end, limits that hold, no 500 on any input, bounded work, personal
data hygiene. Each test names the probe in ../shared/probes/security/ it answers."""

import io
import logging
from datetime import UTC, date, datetime

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


def _activity_form(**extra):
    data = {
        "bucket": "70",
        "title": "ทำแดชบอร์ดโครงการ",
        "occurred_on": "2023-01-10",
        "hours": "20",
        "submission_key": "k-1",
    }
    return data | extra


def _activities(person):
    from sqlalchemy import select

    from lms.models import LearningActivity

    db.session.expire_all()
    query = select(LearningActivity).where(LearningActivity.person_id == person.id)
    return db.session.scalars(query).all()


def test_a_double_clicked_activity_is_stored_once_r09(client, cycle):
    person = PersonFactory()
    login(client, person)
    assert 'name="submission_key"' in client.get("/learning/2566/new").get_data(as_text=True)
    first = client.post("/learning/2566/new", data=_activity_form())
    second = client.post("/learning/2566/new", data=_activity_form())
    [activity] = _activities(person)
    assert (
        first.headers["Location"] == second.headers["Location"] == (f"/learning/2566/{activity.id}")
    )
    client.post("/learning/2566/new", data=_activity_form(submission_key="k-2", hours="2"))
    assert len(_activities(person)) == 2  # another form, another activity


def test_two_saves_at_once_keep_the_24_hour_rule_r09(app, cycle):
    """Two 20-hour entries for one day sent at the same moment: one is refused."""
    import threading

    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite runs one writer at a time; production's PostgreSQL needs the lock")
    person = PersonFactory()
    clients = [app.test_client() for _ in range(2)]
    for browser in clients:
        login(browser, person)
    barrier, codes = threading.Barrier(2), []

    def send(browser, key):
        barrier.wait()
        codes.append(browser.post("/learning/2566/new", data=_activity_form(submission_key=key)))

    threads = [threading.Thread(target=send, args=(c, f"k-{i}")) for i, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r.status_code for r in codes) == [302, 422]
    assert len(_activities(person)) == 1


def test_a_save_that_loses_a_race_gets_the_conflict_message_r08(client, cycle, monkeypatch):
    from sqlalchemy.orm.exc import StaleDataError

    from lms.cycles import cycle_areas
    from lms.plans.views import editing

    person = PersonFactory()
    login(client, person)

    def raced(*_args, **_kwargs):
        raise StaleDataError("UPDATE statement on table 'plans' expected to update 1 row(s)")

    monkeypatch.setattr(editing, "add_goal", raced)
    area = cycle_areas(cycle)[0]
    response = client.post(
        "/plan/2566/goals/new",
        data={"area_id": str(area.id), "current_level": "1", "target_level": "2"},
        headers={"Referer": "http://localhost/plan/2566/"},
    )
    assert response.status_code == 302 and response.headers["Location"] == "/plan/2566/"
    assert "เปลี่ยนไปในหน้าต่างอื่น" in client.get("/plan/2566/").get_data(as_text=True)


def test_evidence_is_kept_only_with_its_row_and_names_are_cleaned_r03_r10(client, cycle, app):
    from pathlib import Path

    from lms.activities.evidence import MAX_FILES_PER_ACTIVITY, orphan_files

    person = PersonFactory()
    login(client, person)
    client.post("/learning/2566/new", data=_activity_form(hours="2"))
    [activity] = _activities(person)
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 100

    def upload(name, data=png):
        return client.post(
            f"/learning/2566/{activity.id}/evidence",
            data={"kind": "certificate", "file": (io.BytesIO(data), name)},
            content_type="multipart/form-data",
        )

    files = lambda: sorted(p for p in Path(app.config["UPLOAD_DIR"]).glob("*/*"))  # noqa: E731
    assert upload("ใบ\x00ประกาศ\u200f.png").status_code == 302
    [evidence] = _activities(person)[0].evidence
    assert evidence.original_name == "ใบประกาศ.png" and len(files()) == 1
    evidence.original_name = "old\r\nname.png"  # a row stored before names were cleaned
    db.session.commit()
    download = client.get(f"/learning/evidence/{evidence.id}")
    assert download.status_code == 200 and "\n" not in download.headers["Content-Disposition"]
    assert upload("again.png").status_code == 422  # the same content twice: refused
    assert len(files()) == 1  # and no file left behind
    for i in range(MAX_FILES_PER_ACTIVITY - 1):
        assert upload(f"p{i}.png", png + bytes([i])).status_code == 302
    refused = upload("one-too-many.png", png + b"x")
    assert refused.status_code == 422 and len(files()) == MAX_FILES_PER_ACTIVITY
    assert orphan_files() == []


def test_a_rolled_back_upload_leaves_no_file_and_clean_uploads_finds_strays(app, cycle):
    from datetime import timedelta
    from pathlib import Path

    from lms.activities.evidence import attach_evidence, orphan_files
    from lms.activities.services import log_activity

    person = PersonFactory()
    activity = log_activity(
        person,
        cycle,
        {"bucket": "70", "title": "x", "hours": 1, "occurred_on": date(2023, 1, 10)},
        by=person,
    )
    db.session.commit()
    attach_evidence(activity, b"%PDF-1.4 test", "a.pdf", "document", by=person)
    root = Path(app.config["UPLOAD_DIR"])
    assert len(list(root.glob("*/*"))) == 1
    db.session.rollback()  # the commit did not happen
    assert list(root.glob("*/*")) == []
    stray = root / "ab" / "ab-stray"
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.write_bytes(b"left by a crash")
    assert orphan_files(older_than=timedelta(0)) == [stray]
    result = app.test_cli_runner().invoke(args=["lms", "clean-uploads"])
    assert "orphan files: 0" in result.output  # younger than an hour: maybe an upload in flight


def test_a_plan_has_bounded_goals_and_activities_r04(cycle):
    from lms.cycles import cycle_areas
    from lms.plans.services import (
        MAX_GOALS,
        MAX_PLANNED_PER_GOAL,
        PlanError,
        add_goal,
        add_planned_activity,
        start_plan,
    )

    person = PersonFactory()
    plan = start_plan(person, cycle, by=person)
    area = cycle_areas(cycle)[0]
    values = {"area": area, "current_level": 1, "target_level": 2}
    for _ in range(MAX_GOALS):
        add_goal(plan, dict(values), by=person)
    with pytest.raises(PlanError, match=str(MAX_GOALS)):
        add_goal(plan, dict(values), by=person)
    goal = plan.goals[0]
    for i in range(MAX_PLANNED_PER_GOAL):
        add_planned_activity(goal, {"bucket": "70", "title": f"ทำ {i}", "hours": 1}, by=person)
    with pytest.raises(PlanError, match=str(MAX_PLANNED_PER_GOAL)):
        add_planned_activity(goal, {"bucket": "70", "title": "อีก", "hours": 1}, by=person)


def test_the_idp_pdf_is_made_once_per_version_and_limited_per_person_r04(
    app, client, cycle, monkeypatch
):
    from lms.extensions import limiter
    from lms.plans import pdf
    from lms.plans.services import add_planned_activity, build_from_gaps

    person = PersonFactory()
    submitted_assessment(person, cycle, level=1)
    plan, _ = build_from_gaps(person, cycle, by=person)
    db.session.commit()
    renders = []
    real = pdf.render_plan_pdf
    monkeypatch.setattr(pdf, "render_plan_pdf", lambda p: renders.append(p.version) or real(p))
    login(client, person)
    first = client.get("/plan/2566/plan.pdf")
    assert first.status_code == 200 and first.data.startswith(b"%PDF")
    assert client.get("/plan/2566/plan.pdf").data == first.data
    assert len(renders) == 1  # the second came from the cache
    add_planned_activity(plan.goals[0], {"bucket": "20", "title": "สอนงาน", "hours": 2}, by=person)
    db.session.commit()
    client.get("/plan/2566/plan.pdf")
    assert len(renders) == 2  # the plan changed: a new PDF
    monkeypatch.setitem(app.config, "PDF_RATE_LIMIT", "1 per minute")
    limiter.reset()
    try:
        assert client.get("/plan/2566/plan.pdf").status_code == 200
        assert client.get("/plan/2566/plan.pdf").status_code == 429
    finally:
        limiter.reset()


def test_the_same_entry_sent_twice_without_the_forms_key_is_stored_once_r09(client, cycle):
    person = PersonFactory()
    login(client, person)
    data = _activity_form()
    del data["submission_key"]  # a script or an old page
    first = client.post("/learning/2566/new", data=data)
    second = client.post("/learning/2566/new", data=data)
    assert first.headers["Location"] == second.headers["Location"]
    assert len(_activities(person)) == 1


def test_logging_in_on_a_second_computer_keeps_the_first(app):
    person = PersonFactory()
    first, second = app.test_client(), app.test_client()
    login(first, person)
    login(second, person)
    assert first.get("/").status_code == 200 and second.get("/").status_code == 200


def test_commands_are_not_held_to_the_web_statement_timeout(app):
    from sqlalchemy import event, text

    from lms.cli import _unlimited, no_statement_timeout

    if db.engine.dialect.name != "postgresql":
        pytest.skip("a PostgreSQL setting")
    db.engine.dispose()  # new connections from here on
    no_statement_timeout()
    try:
        with db.engine.connect() as connection:
            assert connection.execute(text("SHOW statement_timeout")).scalar() == "0"
            assert connection.execute(text("SHOW lock_timeout")).scalar() == "0"
    finally:
        event.remove(db.engine, "connect", _unlimited)
        db.engine.dispose()
