"""Issue 8: sessions that end, limits that hold, no 500 on any input, bounded work, personal
data hygiene. Each test names the probe in ../shared/probes/security/ it answers."""

import logging

import pytest

from lms.extensions import db
from tests.conftest import login
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
