"""When Redis or the task queue is down (issue 17): log-in goes on, each process counting
attempts for itself; /healthz names each dependency and answers 503 only without a database."""

import logging
import time

import pytest

from lms import create_app
from lms.main import health
from tests.conftest import PASSWORD, IsolatedClient, csrf_token
from tests.factories import PersonFactory

NOBODY_LISTENS = "redis://127.0.0.1:1/0"  # port 1: connection refused at once, as a stopped Redis


@pytest.fixture
def redis_down_app(app):
    worker = create_app(
        {
            "ENV_NAME": "testing",
            "RATELIMIT_STORAGE_URI": NOBODY_LISTENS,
            "LOGIN_RATE_LIMIT": "3 per minute",
        }
    )
    worker.test_client_class = IsolatedClient
    return worker


def _log_in(client, identifier, password):
    token = csrf_token(client, "/login")
    data = {"identifier": identifier, "password": password, "csrf_token": token}
    return client.post("/login", data=data)


def test_log_in_works_with_redis_down_and_still_counts_in_the_process(redis_down_app, caplog):
    person = PersonFactory()
    client = redis_down_app.test_client()
    with caplog.at_level(logging.WARNING):
        response = _log_in(client, person.email, PASSWORD)
        assert response.status_code == 302 and response.headers["Location"] == "/"
        other = redis_down_app.test_client()
        codes = [_log_in(other, f"guess{n}@example.org", "x").status_code for n in range(3)]
    assert codes == [200, 200, 429]  # 3 a minute from one address, counted in memory
    said = [r for r in caplog.records if "falling back to in-memory" in r.getMessage()]
    assert len(said) == 1  # said once, not per request


def test_healthz_says_redis_is_down_but_answers_200(redis_down_app):
    started = time.monotonic()
    response = redis_down_app.test_client().get("/healthz")
    assert time.monotonic() - started < 2
    assert response.status_code == 200
    assert response.json == {
        "status": "degraded",
        "database": "ok",
        "redis": "unreachable",
        "queue": "ok",
    }


def test_healthz_says_the_queue_is_down_or_has_no_consumer(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "TASKS_IMMEDIATE", False)

    def unreachable():
        raise ConnectionError("Connection refused")

    monkeypatch.setattr(health, "consumer_seen", unreachable)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["queue"] == "unreachable" and response.json["status"] == "degraded"
    monkeypatch.setattr(health, "consumer_seen", lambda: None)
    assert client.get("/healthz").json["queue"] == "no consumer"
    monkeypatch.setattr(health, "consumer_seen", lambda: 30.0)
    assert client.get("/healthz").json == {
        "status": "ok",
        "database": "ok",
        "redis": "not used",
        "queue": "ok",
    }
