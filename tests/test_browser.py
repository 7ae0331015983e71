"""In a real browser (headless Debian Chromium): autosave, and typing kept when a save fails.

Skipped where Chromium is not installed (`apt-get install chromium`); CI's machine has it.
"""

import os
import shutil
import threading

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from lms.extensions import db
from lms.models import Rating, SkillArea
from tests.conftest import PASSWORD
from tests.factories import PersonFactory

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium")
playwright = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not CHROMIUM, reason="Debian's chromium is not installed")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]


@pytest.fixture
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config["WTF_CSRF_ENABLED"] = True
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    app.config["WTF_CSRF_ENABLED"] = False


@pytest.fixture
def page(live_server, cycle):
    person = PersonFactory()
    with playwright.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        tab = browser.new_page()
        tab.goto(live_server + "/login")
        tab.fill("#identifier", person.email)
        tab.fill("#password", PASSWORD)
        tab.click("button.button-large")
        tab.wait_for_url(live_server + "/")
        tab.base = live_server
        tab.person = person
        yield tab
        browser.close()


def ratings(person, code):
    db.session.expire_all()
    area_ids = select(SkillArea.id).where(SkillArea.code == code)
    return db.session.scalars(select(Rating).where(Rating.area_id.in_(area_ids))).all()


def test_answers_save_themselves_in_the_background(page):
    page.goto(page.base + "/assessment/2566/areas/DLIT")
    page.check("#level-2")
    page.fill("#justification", "ใช้ Excel ทุกวัน")
    status = page.locator("[data-autosave-status]")
    status.filter(has_text="บันทึกแล้ว").wait_for(timeout=10000)
    [rating] = ratings(page.person, "DLIT")
    assert rating.level == 2 and rating.justification == "ใช้ Excel ทุกวัน"


def test_typing_is_kept_in_the_browser_when_saving_fails(page):
    url = page.base + "/assessment/2566/areas/DGOV"

    def fail_posts(route):
        if route.request.method == "POST":
            route.abort()
        else:
            route.continue_()

    page.route(url, fail_posts)
    page.goto(url)
    page.check("#level-1")
    page.fill("#justification", "ข้อความที่ยังไม่ได้บันทึก")
    page.locator("[data-autosave-status]").filter(has_text="ยังไม่ได้บันทึก").wait_for(timeout=10000)
    assert ratings(page.person, "DGOV") == []
    page.reload()
    assert page.input_value("#justification") == "ข้อความที่ยังไม่ได้บันทึก"
    assert page.is_checked("#level-1")
    assert "นำคำตอบที่คุณพิมพ์ไว้" in page.inner_text("[data-autosave-status]")
    page.unroute(url)
    page.click("button[value=next]")
    page.wait_for_url(page.base + "/assessment/2566/areas/DTECH")
    [rating] = ratings(page.person, "DGOV")
    assert rating.level == 1 and rating.justification == "ข้อความที่ยังไม่ได้บันทึก"
