"""Issue 22's round trip, end to end over real HTTP: a Moodle course and an Open edX course
post their completion statements with a provider's credentials (urllib, a real HTTP client);
the person confirms one and dismisses nothing in a real browser (headless Debian Chromium);
the activity is in their learning log "from" the provider and in their unit's report; and
their learning is fetched back out as xAPI statements with their own API token.

Skipped where Chromium is not installed (`apt-get install chromium`); CI's machine has it.
Set SCREENSHOTS=<dir> to keep what the browser showed."""

import base64
import json
import os
import urllib.error
import urllib.request
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from lms.api.tokens import create_token
from lms.extensions import db
from lms.interchange.services import create_client
from lms.models import Course, LearningActivity, Provider
from lms.reports.queries import ensure_summary, unit_report
from tests.conftest import PASSWORD
from tests.factories import PersonFactory, UnitFactory
from tests.test_browser import ARGS, CHROMIUM, live_server  # noqa: F401 - the fixture

playwright = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not CHROMIUM, reason="Debian's chromium is not installed")

MOODLE_COURSE = "https://learn.bangkok.go.th/course/view.php?id=41"
EDX_COURSE = "https://courses.thaimooc.ac.th/courses/course-v1:TDGA+DG-EDX-2+2023/course/"


def moodle_statement(email: str) -> dict:
    """What Moodle's logstore_xapi plugin sends when a course is completed."""
    return {
        "id": str(uuid.uuid4()),
        "actor": {"objectType": "Agent", "name": "Somsri", "mbox": f"mailto:{email}"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"en": "completed"}},
        "object": {
            "objectType": "Activity",
            "id": MOODLE_COURSE,
            "definition": {
                "type": "http://id.tincanapi.com/activitytype/lms/course",
                "name": {"en": "Cyber hygiene for civil servants"},
            },
        },
        "result": {"completion": True, "duration": "PT4H"},
        "context": {
            "platform": "Moodle",
            "language": "en",
            "contextActivities": {
                "category": [{"id": "http://moodle.org", "objectType": "Activity"}]
            },
        },
        "timestamp": "2023-02-14T16:20:00+07:00",
    }


def edx_statement(employee_no: str) -> dict:
    """What Open edX's event-routing backends send for a passed course (an account actor)."""
    return {
        "id": str(uuid.uuid4()),
        "actor": {
            "objectType": "Agent",
            "account": {"homePage": "https://courses.thaimooc.ac.th", "name": employee_no},
        },
        "verb": {"id": "http://adlnet.gov/expapi/verbs/passed", "display": {"en-US": "passed"}},
        "object": {
            "objectType": "Activity",
            "id": EDX_COURSE,
            "definition": {
                "type": "http://adlnet.gov/expapi/activities/course",
                "name": {"en-US": "Data for decisions"},
            },
        },
        "result": {"success": True, "score": {"scaled": 0.92, "raw": 92, "min": 0, "max": 100}},
        "timestamp": "2023-02-20T09:00:00Z",
        "version": "1.0.3",
    }


def call(method: str, url: str, headers: dict, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=headers)  # noqa: S310
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 - http://127.0.0.1
            return answer.status, json.loads(answer.read() or b"null")
    except urllib.error.HTTPError as refused:
        return refused.code, json.loads(refused.read() or b"null")


@pytest.fixture
def world(cycle):
    unit = UnitFactory()
    person = PersonFactory(unit=unit, email="somsri.round@bma.go.th", locale="en")
    tdga = db.session.scalars(select(Provider).where(Provider.code == "TDGA")).one()
    for code, title, url in (
        ("BMA-CYBER-1", "สุขอนามัยไซเบอร์สำหรับข้าราชการ", MOODLE_COURSE),
        ("DG-EDX-2", "การใช้ข้อมูลเพื่อการตัดสินใจ", None),
    ):
        db.session.add(
            Course(provider_id=tdga.id, code=code, title_th=title, url=url, hours=Decimal(6))
        )
    _moodle, moodle_keys = create_client("BMA Moodle")
    _edx, edx_keys = create_client("Thai MOOC (Open edX)", provider=tdga)
    db.session.commit()
    return {"person": person, "unit": unit, "moodle": moodle_keys, "edx": edx_keys}


def basic(credentials: str) -> dict:
    encoded = base64.b64encode(credentials.encode()).decode()
    return {"Authorization": f"Basic {encoded}", "X-Experience-API-Version": "1.0.3"}


def test_statements_in_confirmed_in_the_browser_counted_and_out_again(
    live_server,  # noqa: F811 - the fixture
    world,
    cycle,
):
    person = world["person"]
    moodle = moodle_statement(person.email)
    status, ids = call("POST", f"{live_server}/xapi/statements", basic(world["moodle"]), moodle)
    assert (status, ids) == (200, [moodle["id"]])
    edx = edx_statement(person.employee_no)
    status, _ = call(
        "PUT",
        f"{live_server}/xapi/statements?statementId={edx['id']}",
        basic(world["edx"]),
        edx,
    )
    assert status == 204
    status, again = call("POST", f"{live_server}/xapi/statements", basic(world["moodle"]), moodle)
    assert (status, again) == (200, [moodle["id"]])  # the same statement twice changes nothing
    db.session.expire_all()
    assert db.session.scalar(select(LearningActivity.id)) is None  # nothing counted yet

    shots = Path(os.environ["SCREENSHOTS"]) if os.environ.get("SCREENSHOTS") else None
    with playwright.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        tab = browser.new_page(viewport={"width": 1100, "height": 900})
        tab.goto(live_server + "/login")
        tab.fill("#identifier", person.email)
        tab.fill("#password", PASSWORD)
        tab.click("button.button-large")
        tab.wait_for_url(live_server + "/")
        tab.goto(live_server + "/learning/2566/")
        waiting = tab.locator("#waiting")
        assert waiting.locator("li").count() == 2
        if shots:
            tab.screenshot(path=str(shots / "xapi-1-waiting.png"), full_page=True)
        waiting.locator("li", has_text="การใช้ข้อมูลเพื่อการตัดสินใจ").get_by_role("link").click()
        assert tab.locator("#hours").input_value() == "6"  # the catalogue's hours
        if shots:
            tab.screenshot(path=str(shots / "xapi-2-confirm.png"), full_page=True)
        tab.get_by_role("button", name="Yes, add it to my log").click()
        tab.wait_for_url("**/learning/2566/*")
        assert "from Thai MOOC (Open edX)" in tab.content()
        tab.goto(live_server + "/learning/2566/")
        assert tab.locator("#waiting li").count() == 1
        if shots:
            tab.screenshot(path=str(shots / "xapi-3-logged.png"), full_page=True)
        browser.close()

    db.session.expire_all()
    activity = db.session.scalars(select(LearningActivity)).one()
    assert (activity.bucket, activity.post_score, activity.received_from) == (
        "10",
        92,
        "Thai MOOC (Open edX)",
    )
    ensure_summary(cycle)
    db.session.commit()
    figures = unit_report(world["unit"], cycle).figures
    assert figures.hours_by_bucket["10"] == 6.0 and figures.courses_completed == 1

    _token, plain = create_token(person, "my learning record store")
    db.session.commit()
    headers = {"Authorization": f"Bearer {plain}", "X-Experience-API-Version": "1.0.3"}
    status, out = call("GET", f"{live_server}/xapi/statements", headers)
    assert status == 200 and out["more"] == ""
    (statement,) = out["statements"]
    assert statement["verb"]["id"] == "http://adlnet.gov/expapi/verbs/completed"
    assert statement["actor"]["mbox"] == f"mailto:{person.email}"
    assert statement["result"]["score"]["raw"] == 92
    bucket = next(v for k, v in statement["context"]["extensions"].items() if k.endswith("bucket"))
    assert bucket == "10"
