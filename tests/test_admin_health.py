"""The administrators' health page (issue 20, part 7): the database and its schema, the task
queue and its consumer, Redis, the mail, the disks, the last reminder run; only for
administrators; `flask lms remind` leaves its trace."""

from datetime import timedelta

from flask_babel import force_locale

from lms.admin import health
from lms.clock import utcnow
from lms.extensions import db
from lms.inbox.reminders import remind
from lms.models import SystemState
from tests.conftest import login
from tests.factories import PersonFactory, UnitFactory


def _admin():
    return PersonFactory(unit=UnitFactory(code="TOP"), roles=(("admin", None),), locale="en")


def _report() -> dict:
    with force_locale("en"):
        return {str(c.name): c for c in health.health_report()}


def _states() -> dict[str, str]:
    return {name: c.state for name, c in _report().items()}


def test_the_page_says_what_works_and_what_needs_attention(client, app):
    login(client, _admin())
    page = client.get("/admin/health").get_data(as_text=True)
    for name in ("Database", "Task queue", "Redis", "E-mail", "Disk for evidence files"):
        assert name in page
    assert "Never ran: schedule `flask lms remind`" in page  # no run yet
    states = _states()
    assert states["Database"] == "ok"  # the schema is the latest
    assert states["Reminders (flask lms remind)"] == "warn"


def test_a_reminder_run_is_seen_and_an_old_one_warned(app):
    remind(days_before=7, waiting_days=5, send_mail=False)
    assert _states()["Reminders (flask lms remind)"] == "ok"
    state = db.session.get(SystemState, "remind")
    state.updated_at = utcnow() - timedelta(days=2)
    db.session.commit()
    assert _states()["Reminders (flask lms remind)"] == "warn"


def test_a_full_disk_and_a_silent_queue_are_said(app, monkeypatch):
    class Usage:
        total, used, free = 100_000_000_000, 95_000_000_000, 5_000_000_000

    monkeypatch.setattr(health.shutil, "disk_usage", lambda _path: Usage)
    monkeypatch.setattr(
        health,
        "run_checks",
        lambda: {"database": "ok", "redis": "not used", "queue": "no consumer"},
    )
    monkeypatch.setitem(app.config, "TASKS_IMMEDIATE", False)
    monkeypatch.setattr(health, "consumer_seen", lambda: 900.0)
    report = _report()
    assert (
        report["Disk for evidence files"].state == "warn"
        and "5.0 GB free" in report["Disk for evidence files"].detail
    )
    assert report["Task queue"].state == "warn" and "900 s ago" in report["Task queue"].detail
    assert report["Redis"].state == "off"


def test_a_database_that_does_not_answer_is_down(app, monkeypatch):
    monkeypatch.setattr(
        health, "run_checks", lambda: {"database": "unreachable", "redis": "ok", "queue": "ok"}
    )
    assert _states()["Database"] == "down"


def test_only_administrators_see_it(client):
    top = UnitFactory(code="TOP")
    login(client, PersonFactory(unit=top, roles=(("hr", top),)))
    assert client.get("/admin/health").status_code == 404
