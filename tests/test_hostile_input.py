"""Issue 8 item 3 (probe r07): hostile values in every form field and query parameter of the
app answer with a message or a 404, never a 5xx, on SQLite and on PostgreSQL.

One organisation is built once for the module (a person with a plan, a goal, a planned and a
logged activity; their supervisor; HR of their unit); hypothesis then sends generated values.
Nothing here depends on what a request changed: each request is judged by its status alone.
"""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lms.activities.services import log_activity
from lms.courses.catalogue import COURSE_COLUMNS
from lms.cycles import create_cycle
from lms.extensions import db
from lms.models import Framework
from lms.plans.services import add_planned_activity, build_from_gaps
from lms.plans.templates import add_template_goal, save_template
from tests.conftest import IsolatedClient, login
from tests.factories import PersonFactory, UnitFactory, submitted_assessment

pytestmark = pytest.mark.shared_data

SPECIAL = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\r\n",
    "NaN",
    "-Infinity",
    "1e309",
    "0.04",
    "1.25",
    "-1",
    "9" * 40,
    "²",
    "๓",
    "١٢",
    "٣.٥",
    "'; DROP TABLE people; --",
    "<script>alert(1)</script>",
    "%00",
    "../../etc/passwd",
    "\u202e\u200f",
    "ก" * 5000,
    "31/2/2566",
    "0/0/0",
    "1/1/99999",
    "2023-13-45",
]
VALUES = st.one_of(
    st.sampled_from(SPECIAL),
    st.text(max_size=40),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=300, max_size=3000),
)


@pytest.fixture(scope="module")
def world(app):
    with app.app_context():
        framework = db.session.scalars(
            db.select(Framework).where(Framework.code == "OCSC-2560")
        ).one()
        cycle = create_cycle(2566, framework, status="open")
        unit = UnitFactory()
        boss = PersonFactory(unit=unit)
        person = PersonFactory(unit=unit, supervisor=boss)
        hr = PersonFactory(unit=UnitFactory(), group="OTHER", roles=(("hr", unit),))
        admin = PersonFactory(unit=UnitFactory(), roles=(("admin", None),))
        submitted_assessment(person, cycle, level=1)
        plan, _ = build_from_gaps(person, cycle, by=person)
        goal = plan.goals[0]
        planned = add_planned_activity(
            goal, {"bucket": "70", "title": "ลงมือทำ", "hours": Decimal(2)}, by=person
        )
        activity = log_activity(
            person,
            cycle,
            {"bucket": "70", "title": "ทำงาน", "hours": Decimal(1), "occurred_on": cycle.starts_on},
            by=person,
        )
        template = save_template(
            None,
            {"name": "แม่แบบ", "unit": unit, "role_group": None, "track": None},
            framework_id=framework.id,
            by=admin,
        )
        template_goal = add_template_goal(
            template, {"area": goal.area, "target_level": 3}, by=admin
        )
        db.session.commit()
        ids = {
            "admin": SimpleNamespace(email=admin.email),
            "template": template.id,
            "template_goal": template_goal.id,
            "unit": unit.code,
            "person": SimpleNamespace(email=person.email),
            "boss": SimpleNamespace(email=boss.email),
            "hr": SimpleNamespace(email=hr.email),
            "plan": plan.id,
            "goal": goal.id,
            "planned": planned.id,
            "activity": activity.id,
            "employee_no": person.employee_no,
            "version": plan.version,
        }
        db.session.expunge_all()
    yield ids
    with app.app_context():
        from tests.conftest import empty_database

        empty_database(app)


def client_for(app, person):
    app.test_client_class = IsolatedClient
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    login(client, person)
    return client


# (who, method, url, fields): every form of the app and the query parameters of its lists.
FORMS = [
    ("anon", "POST", "/login", ["identifier", "password", "remember"]),
    ("person", "POST", "/profile", ["display_name", "locale"]),
    ("person", "POST", "/profile/password", ["current", "new", "confirm"]),
    ("person", "POST", "/assessment/2566/areas/DLIT", ["level", "justification", "action"]),
    (
        "person",
        "POST",
        "/plan/2566/goals/new",
        [
            "area_id",
            "current_level",
            "target_level",
            "success_criteria",
            "support_needed",
            "due_on",
            "version",
        ],
    ),
    (
        "person",
        "POST",
        "/plan/2566/goals/{goal}/edit",
        [
            "area_id",
            "current_level",
            "target_level",
            "success_criteria",
            "support_needed",
            "due_on",
            "version",
        ],
    ),
    (
        "person",
        "POST",
        "/plan/2566/goals/{goal}/activities/new",
        ["bucket", "kind_id", "title", "course_id", "hours", "starts_on", "ends_on", "version"],
    ),
    (
        "person",
        "POST",
        "/plan/2566/goals/{goal}/activities/{planned}/edit",
        ["bucket", "kind_id", "title", "course_id", "hours", "starts_on", "ends_on", "version"],
    ),
    ("person", "POST", "/plan/2566/goals/{goal}/move/down", ["version"]),
    ("person", "POST", "/plan/2566/build", ["version"]),
    (
        "person",
        "POST",
        "/learning/2566/new",
        [
            "submission_key",
            "bucket",
            "kind_id",
            "title",
            "goal_id",
            "occurred_on",
            "ended_on",
            "hours",
            "course_id",
            "provider_name",
            "url",
            "pre_score",
            "post_score",
            "completed",
            "learned",
            "applied",
        ],
    ),
    (
        "person",
        "POST",
        "/learning/2566/{activity}/edit",
        ["title", "occurred_on", "ended_on", "hours", "pre_score", "post_score", "url"],
    ),
    ("person", "POST", "/learning/2566/{activity}/evidence", ["kind"]),
    ("person", "POST", "/courses/1/add-to-plan", ["goal"]),
    ("person", "POST", "/feedback/goal/{goal}", ["body"]),
    ("person", "POST", "/plan/2566/evaluation", ["version", "finish"]),
    ("boss", "POST", "/review/{employee_no}/2566", ["version", "decision", "comment"]),
    ("boss", "POST", "/review/{employee_no}/2566/evaluate", ["version", "complete"]),
    ("boss", "POST", "/review/delegation", ["delegate", "starts_on", "ends_on", "note"]),
    ("boss", "POST", "/review/approve-many", ["plan"]),
    ("hr", "POST", "/review/people/{employee_no}/supervisor", ["supervisor"]),
    ("person", "GET", "/courses/", ["q", "provider", "area", "track", "level", "language", "page"]),
    ("hr", "GET", "/people", ["q", "unit", "page"]),
    ("boss", "GET", "/team", ["sort", "show", "page"]),
    ("boss", "GET", "/review/{employee_no}/2566/versions", ["a", "b"]),
    ("person", "GET", "/learning/2566/new", ["bucket", "goal", "course"]),
    # issue 20: running the year
    (
        "admin",
        "POST",
        "/admin/cycles/2566/targets/ACAD",
        ["version", "level-DLIT", "reason-DLIT", "level-DGOV", "reason-DGOV"],
    ),
    ("admin", "POST", "/courses/manage/new", list(COURSE_COLUMNS)),
    ("admin", "POST", "/courses/providers/new", ["code", "name_th", "name_en", "url"]),
    ("admin", "GET", "/courses/manage", ["q", "provider", "status", "page"]),
    ("admin", "POST", "/admin/templates/new", ["name", "unit", "role_group", "track", "note"]),
    (
        "admin",
        "POST",
        "/admin/templates/{template}/goals",
        ["area", "target_level", "success_criteria"],
    ),
    (
        "admin",
        "POST",
        "/admin/templates/{template}/goals/{template_goal}/activities",
        ["bucket", "title", "hours", "course"],
    ),
    ("admin", "GET", "/admin/templates/{template}/apply", ["cycle", "unit", "role_group"]),
    ("admin", "POST", "/admin/frameworks", ["code"]),
    ("admin", "POST", "/admin/people/{employee_no}/anonymise", ["confirm"]),
    ("hr", "POST", "/inbox/remind/units/{unit}", ["kind"]),
    ("boss", "POST", "/inbox/remind/team", ["kind"]),
]


@pytest.mark.parametrize(("who", "method", "url", "fields"), FORMS, ids=[f[2] for f in FORMS])
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_server_error_on_any_value(app, world, who, method, url, fields, data):
    client = app.test_client() if who == "anon" else client_for(app, world[who])
    target = url.format(**world)
    chosen = data.draw(st.lists(st.sampled_from(fields), min_size=1, unique=True), "fields")
    values = {name: data.draw(VALUES, name) for name in chosen}
    if method == "GET":
        response = client.get(target, query_string=values)
    else:
        response = client.post(target, data=values)
    assert response.status_code < 500, (method, target, values)
