"""A stalled or locked database (issue 17): the page answers 503 within seconds without asking
the database again (not even who is logged in), and recovers when the lock goes."""

import threading
import time

import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.exc import OperationalError

from lms.extensions import db
from tests.conftest import login
from tests.factories import PersonFactory


@pytest.fixture
def stall(app):
    """`stall()`: every statement from then on fails as a lock timeout would; returns the
    list of statements tried."""
    attempts: list[str] = []

    def refuse(_conn, _cursor, statement, _params, _context, _many):
        attempts.append(statement)
        raise OperationalError(statement, {}, Exception("canceling statement due to lock timeout"))

    def start() -> list[str]:
        event.listen(db.engine, "before_cursor_execute", refuse)
        return attempts

    yield start
    if event.contains(db.engine, "before_cursor_execute", refuse):
        event.remove(db.engine, "before_cursor_execute", refuse)


def test_the_503_page_asks_the_database_nothing_more(client, stall):
    person = PersonFactory()
    login(client, person)
    tried = stall()
    response = client.get("/")
    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "ลองใหม่อีกครั้งในอีกสักครู่" in page and person.name_th not in page
    assert len(tried) == 1  # the person's row, once: the error page asked nothing more
    assert response.headers["Cache-Control"] == "private, no-store"


def test_a_stall_after_the_person_was_loaded_is_a_503_without_reloading_them(
    client, stall, monkeypatch
):
    from lms.main import views

    person = PersonFactory()
    login(client, person)
    tried = []

    def stalls_midway(*_args, **_kwargs):
        tried.extend(stall())  # the person is loaded (and expired by the rollback to come)
        db.session.execute(text("SELECT 1"))

    monkeypatch.setattr(views, "home_summary", stalls_midway)
    response = client.get("/")
    assert response.status_code == 503
    assert person.name_th not in response.get_data(as_text=True)


def test_a_locked_table_answers_503_within_two_seconds_then_recovers(client, app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("lock_timeout is a PostgreSQL setting (SQLite waits on its busy timeout)")
    person = PersonFactory()
    login(client, person)
    assert client.get("/").status_code == 200
    from lms.cli import _unlimited

    if event.contains(db.engine, "connect", _unlimited):  # a command ran in this process
        event.remove(db.engine, "connect", _unlimited)
    db.session.close()  # the test's own transaction holds no lock on people
    db.engine.dispose()  # new connections, with the web's lock_timeout
    locker = create_engine(db.engine.url, connect_args={"options": "-c lock_timeout=5000"})
    held, release = threading.Event(), threading.Event()

    def hold_the_lock():
        with locker.begin() as connection:
            connection.execute(text("LOCK TABLE people IN ACCESS EXCLUSIVE MODE"))
            held.set()
            release.wait(20)

    holder = threading.Thread(target=hold_the_lock)
    holder.start()
    try:
        assert held.wait(6)
        started = time.monotonic()
        response = client.get("/")
        waited = time.monotonic() - started
        assert response.status_code == 503 and waited < 2, waited
        assert client.get("/healthz").status_code == 200  # the database itself answers
    finally:
        release.set()
        holder.join()
        locker.dispose()
    assert client.get("/").status_code == 200  # recovered when the lock went


def test_while_the_database_stalls_pages_beyond_the_slots_answer_503_at_once(
    client, app, count_queries
):
    guard = app.extensions["stall_guard"]
    login(client, PersonFactory())
    guard.noticed()  # a lock timeout a moment ago in this process
    try:
        assert client.get("/").status_code == 200  # a free slot: the page is tried as usual
        taken = [guard.slots.acquire(blocking=False) for _ in range(app.config["STALL_SLOTS"])]
        assert all(taken)  # every slot held by a request waiting on the database
        with count_queries() as statements:
            started = time.monotonic()
            response = client.get("/")
            assert response.status_code == 503 and time.monotonic() - started < 0.5
            assert response.headers["Retry-After"] == "5"
        assert len(statements) == 0  # answered without the database
        assert client.get("/healthz").status_code == 200  # never shed
    finally:
        for _ in range(app.config["STALL_SLOTS"]):
            guard.slots.release()
        guard.until = 0.0
    assert client.get("/").status_code == 200  # the stall is over: nothing is shed
