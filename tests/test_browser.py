"""In a real browser (headless Debian Chromium): autosave, and typing kept when a save fails.

Skipped where Chromium is not installed (`apt-get install chromium`); CI's machine has it.
"""

import os
import shutil
import subprocess
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
    assert "นำคำตอบที่ท่านพิมพ์ไว้" in page.inner_text("[data-autosave-status]")
    page.unroute(url)
    page.click("button[value=next]")
    page.wait_for_url(page.base + "/assessment/2566/areas/DTECH")
    [rating] = ratings(page.person, "DGOV")
    assert rating.level == 1 and rating.justification == "ข้อความที่ยังไม่ได้บันทึก"


def test_the_review_loop_as_staff_and_supervisor_see_it(live_server, cycle):
    """Send an incomplete plan (refused, with what is missing), complete it, send, return, fix,
    send, approve, log, verify, finish the evaluation early (a reason, shown to the person):
    two people, two browsers; HR sees the learning in the unit report and on their home page."""
    from datetime import timedelta

    from lms.clock import today
    from lms.models import LearningActivity, Plan
    from lms.plans.services import add_planned_activity, build_from_gaps
    from tests.factories import ready_to_send, submitted_assessment

    supervisor = PersonFactory()
    owner = PersonFactory(supervisor=supervisor)
    hr_person = PersonFactory(unit=owner.unit, roles=(("hr", owner.unit),))
    submitted_assessment(owner, cycle, level=2)
    plan, _ = build_from_gaps(owner, cycle, by=owner)
    for goal in plan.goals:
        add_planned_activity(goal, {"bucket": "70", "title": "ลงมือทำ", "hours": 4}, by=owner)
    ready_to_send(plan)
    first = plan.goals[0]
    first.success_criteria = None  # what the staff still has to write
    first.activities[0].starts_on = first.activities[0].ends_on = None
    cycle.evaluation_opens = today() + timedelta(days=30)  # HR opens the evaluation later
    db.session.commit()

    def status():
        db.session.expire_all()
        return db.session.get(Plan, plan.id).status

    with playwright.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)

        def log_in(person):
            tab = browser.new_context().new_page()
            tab.on("dialog", lambda dialog: dialog.accept())
            tab.goto(live_server + "/login")
            tab.fill("#identifier", person.email)
            tab.fill("#password", PASSWORD)
            tab.click("button.button-large")
            tab.wait_for_url(live_server + "/")
            return tab

        staff, boss = log_in(owner), log_in(supervisor)
        staff.goto(live_server + "/plan/2566/")
        missing = staff.inner_text("#before-sending")
        assert "ตัวชี้วัดความสำเร็จ" in missing and "ช่วงเวลา (ตั้งแต่ ถึง) ของ 1 กิจกรรม" in missing
        assert staff.locator(f"text=เสนอแผนต่อ {supervisor.name_th}").count() == 0
        staff.click(f"#before-sending a[href='#goal-{first.id}']")
        staff.click("text=แก้ไขเป้าหมาย >> nth=0")
        staff.fill("#success_criteria", "ทำแดชบอร์ดของกองได้เอง")
        staff.click("button.button-large")
        activity = first.activities[0]
        staff.goto(f"{live_server}/plan/2566/goals/{first.id}/activities/{activity.id}/edit")
        staff.fill("#starts_on", "1/11/2565")
        staff.fill("#ends_on", "31/12/2565")
        staff.click("button.button-large")
        assert staff.locator("#before-sending").count() == 0
        staff.click(f"text=เสนอแผนต่อ {supervisor.name_th}")
        assert status() == "submitted"

        boss.goto(live_server + "/inbox/")
        boss.click("text=เปิดพิจารณา")
        boss.fill("#comment", "เพิ่มการเรียนรู้จากผู้อื่น")
        boss.click("button[value=return]")
        assert status() == "returned"

        staff.goto(live_server + "/inbox/")
        assert "เพิ่มการเรียนรู้จากผู้อื่น" in staff.inner_text("main")
        staff.click("text=ปรับปรุงแผนของฉัน")
        staff.click("a:has-text('(20)') >> nth=0")
        staff.fill("#title", "รับการสอนงาน")
        staff.fill("#hours", "3")
        staff.fill("#starts_on", "1/12/2565")  # the IDP form's period
        staff.fill("#ends_on", "31/1/2566")
        staff.click("button.button-large")
        staff.click("text=แก้ไขเป้าหมาย >> nth=0")
        staff.fill("#support_needed", "ขอเวลาเข้าอบรมครึ่งวัน")
        staff.click("button.button-large")
        staff.click(f"text=เสนอแผนต่อ {supervisor.name_th}")
        assert status() == "submitted"

        boss.goto(live_server + "/inbox/")
        boss.click("text=เปิดพิจารณา")
        seen = boss.inner_text("main")
        assert "1 ธ.ค. 2565 – 31 ม.ค. 2566" in seen and "ขอเวลาเข้าอบรมครึ่งวัน" in seen
        boss.click("button[value=approve]")
        assert status() == "approved"

        staff.goto(live_server + "/learning/2566/new?bucket=70")
        staff.fill("#title", "ทำแดชบอร์ด")
        staff.fill("#hours", "5")
        staff.click("button.button-large")
        boss.goto(f"{live_server}/people/{owner.employee_no}/learning/2566")
        boss.click("button:has-text('รับรอง: นำไปใช้ในงานจริง')")
        db.session.expire_all()
        [activity] = db.session.scalars(select(LearningActivity)).all()
        assert activity.verified_by_id == supervisor.id and activity.applied_at_work

        # HR of the unit sees it in the unit's figures and on their home page at once.
        hr = log_in(hr_person)
        hr.goto(f"{live_server}/reports/units/{owner.unit.code}?cycle=2566")
        assert "5 ชั่วโมง" in hr.inner_text("section.indicator-grid")
        assert hr.locator("img.chart").first.evaluate("img => img.naturalWidth") > 0
        hr.goto(live_server + "/")
        recognised = hr.inner_text("section.unit-overview")
        assert owner.name_th in recognised and "ทำแดชบอร์ด" in recognised

        # Before the evaluation opens (and before the staff's own), finishing needs a reason.
        boss.goto(f"{live_server}/review/{owner.employee_no}/2566/evaluate")
        assert boss.locator("button:has-text('ประเมินผลเสร็จ และปิดแผน')").count() == 0
        for levels in boss.locator("fieldset.level-inline").all():
            levels.locator("input[value='2']").check()
        for radio in boss.locator("input[value=partly]").all():
            radio.check()
        boss.click("button:has-text('ประเมินผลเสร็จก่อนกำหนด')")
        assert "กรุณาระบุเหตุผล" in boss.inner_text("main") and status() == "approved"
        assert boss.locator("input[value=partly]:checked").count() > 0  # the typing is kept
        boss.fill("#early_reason", "ย้ายไปสังกัดสำนักงานเขต 1 ม.ค.")
        boss.click("button:has-text('ประเมินผลเสร็จก่อนกำหนด')")
        assert status() == "completed"
        staff.goto(live_server + "/plan/2566/evaluation")
        seen = staff.inner_text("main")
        assert "บรรลุบางส่วน" in seen and "ย้ายไปสังกัดสำนักงานเขต 1 ม.ค." in seen
        form = staff.request.get(live_server + "/plan/2566/plan.pdf")  # the signed form
        assert form.ok and form.body().startswith(b"%PDF")
        pdftotext = shutil.which("pdftotext")
        if pdftotext:
            words = subprocess.run(
                [pdftotext, "-", "-"], input=form.body(), capture_output=True, check=True
            ).stdout.decode()
            for shown in ("ขอเวลาเข้าอบรมครึ่งวัน", "บรรลุบางส่วน", "ลงชื่อ", "วันที่"):
                assert shown in words, shown
        browser.close()
