"""Thai first, English on a toggle; Buddhist Era dates and Thai fiscal years."""

import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from lms.cycles import fiscal_be_year, fiscal_year_bounds
from lms.i18n import format_be_date, format_be_datetime
from tests.conftest import login
from tests.factories import PersonFactory

ROOT = Path(__file__).resolve().parent.parent


def test_every_string_has_a_thai_translation(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_ngettext:1,2",
            "-k",
            "lazy_pgettext:1c,2",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    wanted = {(m.context or "", str(m.id)) for m in read_po(pot.open("rb")) if m.id}
    po = ROOT / "lms/translations/th/LC_MESSAGES/messages.po"
    translated = {
        (m.context or "", str(m.id))
        for m in read_po(po.open("rb"))
        if m.id and m.string and not m.fuzzy
    }
    assert sorted(wanted - translated) == []


def test_a_word_with_two_meanings_has_a_context_for_each():
    """'Planned' is a cycle not yet open (ยังไม่เปิด) and the hours a plan foresees (ตามแผน)."""
    po = read_po((ROOT / "lms/translations/th/LC_MESSAGES/messages.po").open("rb"))
    planned = {m.context: m.string for m in po if m.id == "Planned"}
    assert planned == {"cycle status": "ยังไม่เปิด", "70:20:10": "ตามแผน"}
    # A plan is put up to the supervisor (เสนอ); a self-assessment is handed in (ส่ง).
    submitted = {m.context: m.string for m in po if m.id == "Submitted"}
    assert submitted == {"plan status": "เสนอแล้ว", "assessment status": "ส่งแล้ว"}


def test_the_10_is_self_paced_online_courses_and_training_as_the_seed_says():
    po = read_po((ROOT / "lms/translations/th/LC_MESSAGES/messages.po").open("rb"))
    ten = {m.id: m.string for m in po if m.id in ("10 · formal learning", "10 · formal")}
    assert ten["10 · formal learning"] == "10 · เรียนรู้ด้วยตนเองผ่านหลักสูตรออนไลน์และการฝึกอบรม"
    assert "หลักสูตรออนไลน์" in ten["10 · formal"]


@pytest.mark.parametrize(
    ("day", "locale", "expected"),
    [
        (date(2026, 11, 23), "th", "23 พ.ย. 2569"),
        (date(2026, 11, 23), "en", "23 Nov 2569 BE"),
        (date(2022, 1, 1), "th", "1 ม.ค. 2565"),
        (None, "th", "–"),
    ],
)
def test_dates_are_buddhist_era_with_thai_months(day, locale, expected):
    assert format_be_date(day, locale) == expected


def test_time_stamps_are_shown_in_bangkok_time():
    # 20:30 UTC on 30 Sep is already 1 Oct in Bangkok
    assert format_be_datetime(datetime(2022, 9, 30, 20, 30), "th") == "1 ต.ค. 2565 03:30"


def test_fiscal_years_run_october_to_september_named_by_their_end():
    assert fiscal_year_bounds(2565) == (date(2021, 10, 1), date(2022, 9, 30))
    assert fiscal_be_year(date(2021, 10, 1)) == 2565
    assert fiscal_be_year(date(2022, 9, 30)) == 2565
    assert fiscal_be_year(date(2026, 11, 23)) == 2570


def test_thai_by_default_and_english_on_the_toggle(client):
    assert "เข้าสู่ระบบ" in client.get("/login").get_data(as_text=True)
    response = client.post("/language", data={"lang": "en", "next": "/login"})
    assert response.headers["Location"] == "/login"
    page = client.get("/login").get_data(as_text=True)
    assert "Log in to Thaksa" in page and 'lang="en"' in page


def test_language_choice_is_saved_on_the_person(client):
    person = PersonFactory()
    login(client, person)
    client.post("/language", data={"lang": "en"})
    from lms.extensions import db

    db.session.refresh(person)
    assert person.locale == "en"
    fresh = client.application.test_client()
    login(fresh, person)
    assert "Hello" in fresh.get("/").get_data(as_text=True)


def test_unknown_language_is_refused(client):
    assert client.post("/language", data={"lang": "fr"}).status_code == 400


def test_language_toggle_never_redirects_off_site(client):
    response = client.post("/language", data={"lang": "en", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize(
    ("lang", "number", "rate"), [("th", "1,234.5", "42%"), ("en", "1,234.5", "42%")]
)
def test_numbers_and_rates_are_formatted_for_the_locale(app, lang, number, rate):
    from flask import session

    from lms.i18n import format_number, format_rate

    with app.test_request_context("/"):
        session["lang"] = lang
        assert format_number(1234.5) == number
        assert format_rate(0.42) == rate
        assert format_rate(None) == "–" and format_number(None) == "–"


def test_the_log_in_page_says_why_in_thai(client):
    response = client.get("/plan/", follow_redirects=True)
    assert "กรุณาเข้าสู่ระบบก่อนเปิดหน้านี้" in response.get_data(as_text=True)
