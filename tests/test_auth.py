"""Log-in by e-mail or employee number, Argon2, rate limit, log-out, profile and password."""

import pytest
from sqlalchemy import select

from lms.auth.services import safe_next
from lms.extensions import db, limiter
from lms.models import AuditEvent
from tests.conftest import PASSWORD, csrf_token, login
from tests.factories import PersonFactory


def test_log_in_with_email_in_any_case(client):
    person = PersonFactory(email="Somchai@Test.Local")
    response = client.post(
        "/login", data={"identifier": "somchai@test.local", "password": PASSWORD}
    )
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/").status_code == 200
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.actor_id == person.id)).first()


def test_log_in_with_employee_number(client):
    person = PersonFactory()
    response = client.post("/login", data={"identifier": person.employee_no, "password": PASSWORD})
    assert response.status_code == 302


def test_passwords_are_hashed_with_argon2():
    person = PersonFactory()
    assert person.password_hash.startswith("$argon2id$")
    assert PASSWORD not in person.password_hash


def test_wrong_password_keeps_what_was_typed_and_says_why(client):
    person = PersonFactory()
    response = client.post("/login", data={"identifier": person.email, "password": "nope"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "ไม่ถูกต้อง" in page
    assert f'value="{person.email}"' in page
    assert client.get("/").status_code == 302  # still logged out


def test_empty_form_gets_a_message_per_field(client):
    page = client.post("/login", data={}).get_data(as_text=True)
    assert "กรุณากรอกอีเมลหรือเลขประจำตัว" in page
    assert "กรุณากรอกรหัสผ่าน" in page


def test_deactivated_people_cannot_log_in(client):
    from datetime import date

    person = PersonFactory()
    person.deactivated_on = date(2023, 1, 1)
    db.session.commit()
    response = client.post("/login", data={"identifier": person.email, "password": PASSWORD})
    assert response.status_code == 200
    assert client.get("/").status_code == 302


def test_pages_need_a_log_in_and_come_back_after_it(client):
    person = PersonFactory()
    response = client.get("/profile")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    response = client.post(
        "/login?next=/profile", data={"identifier": person.email, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/profile"


@pytest.mark.parametrize(
    ("target", "safe"),
    [
        ("/profile", "/profile"),
        ("/assessment/2566/?x=1", "/assessment/2566/?x=1"),
        ("https://evil.example/", None),
        ("//evil.example/", None),
        ("/\\evil.example", None),
        ("javascript:alert(1)", None),
        ("", None),
    ],
)
def test_next_only_allows_same_site_paths(target, safe):
    assert safe_next(target) == safe


def test_log_out_is_a_post_and_ends_the_session(client):
    person = PersonFactory()
    login(client, person)
    assert client.get("/logout").status_code == 405
    client.post("/logout")
    assert client.get("/").status_code == 302


def test_log_in_form_needs_a_csrf_token(csrf_client):
    person = PersonFactory()
    response = csrf_client.post("/login", data={"identifier": person.email, "password": PASSWORD})
    assert response.status_code == 400
    token = csrf_token(csrf_client, "/login")
    response = csrf_client.post(
        "/login", data={"identifier": person.email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302


def test_log_in_is_rate_limited(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "3 per minute")
    limiter.reset()
    attempt = {"identifier": "x@y.z", "password": "bad"}
    try:
        for _ in range(3):
            assert client.post("/login", data=attempt).status_code == 200
        response = client.post("/login", data=attempt)
        assert response.status_code == 429
        assert "ลองหลายครั้งเกินไป" in response.get_data(as_text=True)
    finally:
        limiter.reset()


def test_profile_saves_display_name_and_language(client):
    person = PersonFactory()
    login(client, person)
    response = client.post("/profile", data={"display_name": "  พี่ชาย  ", "locale": "en"})
    assert response.status_code == 302
    db.session.refresh(person)
    assert person.display_name == "พี่ชาย" and person.locale == "en"


def test_profile_refuses_overlong_name_and_keeps_it(client):
    person = PersonFactory()
    login(client, person)
    long_name = "ก" * 130
    response = client.post("/profile", data={"display_name": long_name, "locale": "th"})
    page = response.get_data(as_text=True)
    assert "ไม่เกิน 120 ตัวอักษร" in page and long_name in page
    db.session.refresh(person)
    assert person.display_name is None


@pytest.mark.parametrize(
    ("current", "new", "confirm", "message"),
    [
        ("wrong password", "a-new-password-1", "a-new-password-1", "รหัสผ่านปัจจุบันไม่ถูกต้อง"),
        (PASSWORD, "short", "short", "ใช้อย่างน้อย 12 ตัวอักษร"),
        (PASSWORD, "aaaaaaaaaaaa", "aaaaaaaaaaaa", "รหัสผ่านนี้เดาง่าย"),  # probe r12
        (PASSWORD, "123456789012", "123456789012", "รหัสผ่านนี้เดาง่าย"),
        (PASSWORD, "password1234", "password1234", "รหัสผ่านนี้เดาง่าย"),
        (PASSWORD, "a-new-password-1", "a-new-password-2", "ไม่ตรงกัน"),
        (PASSWORD, PASSWORD, PASSWORD, "ต้องไม่ซ้ำ"),
    ],
)
def test_password_change_refuses_bad_input(client, current, new, confirm, message):
    person = PersonFactory()
    login(client, person)
    old_hash = person.password_hash
    response = client.post(
        "/profile/password", data={"current": current, "new": new, "confirm": confirm}
    )
    assert message in response.get_data(as_text=True)
    db.session.refresh(person)
    assert person.password_hash == old_hash


def test_password_change_works_and_the_new_one_logs_in(client):
    person = PersonFactory()
    login(client, person)
    response = client.post(
        "/profile/password",
        data={"current": PASSWORD, "new": "a-new-password-1", "confirm": "a-new-password-1"},
    )
    assert response.status_code == 302
    client.post("/logout")
    login(client, person, password="a-new-password-1")


def test_a_leaving_day_still_to_come_lets_the_person_work_until_it_passes(client, frozen_clock):
    from datetime import date

    frozen_clock(date(2026, 12, 6))
    person = PersonFactory()
    person.deactivated_on = date(2027, 1, 1)  # HR records the leaver ahead: gone from 1 Jan
    db.session.commit()
    form = {"identifier": person.email, "password": PASSWORD}
    assert client.post("/login", data=form).status_code == 302
    assert client.get("/").status_code == 200  # the session goes on: not ended by the record
    frozen_clock(date(2026, 12, 31))
    assert client.get("/").status_code == 200  # the last day at work
    frozen_clock(date(2027, 1, 1))
    assert client.get("/").status_code == 302  # gone: the session ends by itself
    assert client.post("/login", data=form).status_code == 200  # and log-in is refused


def test_a_leaving_day_already_past_refuses_log_in(client):
    from datetime import date

    person = PersonFactory()
    person.deactivated_on = date(2020, 1, 1)
    db.session.commit()
    form = {"identifier": person.email, "password": PASSWORD}
    assert client.post("/login", data=form).status_code == 200
