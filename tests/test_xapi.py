"""Issue 22, parts 4 and 5: the statements resource of xAPI 1.0.3 at /xapi/ — providers'
credentials, statements checked whole and kept as sent, the same id twice changing nothing (a
conflicting one refused), completions waiting for their person (never counted before they
confirm), statements kept aside for HR with the reason and placed on a second try, voiding,
and a person's learning going out as statements."""

import base64
import json
import os
import uuid
from datetime import datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from lms.activities.received import confirm_completion
from lms.api.tokens import create_token
from lms.extensions import db
from lms.interchange.services import create_client, try_again
from lms.interchange.statements import email_sha1
from lms.models import (
    Completion,
    Course,
    LearningActivity,
    Notification,
    Provider,
    XapiStatement,
)
from lms.reports.queries import ensure_summary, unit_report
from tests.conftest import login
from tests.factories import PersonFactory, UnitFactory

DAY = datetime(2023, 3, 1, 10, 0)  # in FY 2566, the open cycle of the fixtures
COURSE_URL = "https://academy.tdga.or.th/course/view.php?id=77"
XAPI = {"X-Experience-API-Version": "1.0.3"}


@pytest.fixture
def course():
    tdga = db.session.scalars(select(Provider).where(Provider.code == "TDGA")).one()
    found = Course(
        provider_id=tdga.id,
        code="DG-TEST-77",
        title_th="การใช้ข้อมูลเพื่อการตัดสินใจ",
        title_en="Data for decisions",
        url=COURSE_URL,
        hours=Decimal("6"),
    )
    db.session.add(found)
    db.session.commit()
    return found


@pytest.fixture
def world(cycle, frozen_clock, course):
    frozen_clock(DAY)
    person = PersonFactory(locale="en", email="somsri.k@bma.go.th")
    client, credentials = create_client("TDGA Academy (Moodle)", provider=course.provider)
    db.session.commit()
    key, secret = credentials.split(":", 1)
    basic = base64.b64encode(f"{key}:{secret}".encode()).decode()
    return {
        "person": person,
        "client": client,
        "headers": {**XAPI, "Authorization": f"Basic {basic}"},
        "cycle": cycle,
        "course": course,
    }


def moodle_completed(email="somsri.k@bma.go.th", *, verb="completed", sid=None, url=COURSE_URL):
    """A statement as Moodle's logstore_xapi plugin sends a course completion."""
    statement = {
        "actor": {"objectType": "Agent", "name": "Somsri K.", "mbox": f"mailto:{email}"},
        "verb": {
            "id": f"http://adlnet.gov/expapi/verbs/{verb}",
            "display": {"en": verb},
        },
        "object": {
            "objectType": "Activity",
            "id": url,
            "definition": {
                "type": "http://id.tincanapi.com/activitytype/lms/course",
                "name": {"en": "Data for decisions"},
            },
        },
        "result": {"completion": True, "duration": "PT5H30M"},
        "context": {
            "platform": "Moodle",
            "language": "en",
            "extensions": {"http://lrs.learninglocker.net/define/extensions/info": {"x": 1}},
        },
        "timestamp": "2023-02-20T15:04:05+07:00",
    }
    if verb == "passed":
        statement["result"] = {"success": True, "score": {"raw": 85, "min": 0, "max": 100}}
    if sid:
        statement["id"] = sid
    return statement


def test_about_and_the_version_header(client, world):
    about = client.get("/xapi/about")
    assert about.status_code == 200 and about.get_json()["version"] == ["1.0.3"]
    assert about.headers["X-Experience-API-Version"] == "1.0.3"
    no_version = client.post(
        "/xapi/statements",
        json=moodle_completed(),
        headers={"Authorization": world["headers"]["Authorization"]},
    )
    assert no_version.status_code == 400
    assert no_version.get_json()["error"]["code"] == "version_required"
    nobody = client.post("/xapi/statements", json=moodle_completed(), headers=XAPI)
    assert nobody.status_code == 401 and "Basic" in nobody.headers["WWW-Authenticate"]
    wrong = {**XAPI, "Authorization": "Basic " + base64.b64encode(b"xk_nope:nope").decode()}
    assert (
        client.post("/xapi/statements", json=moodle_completed(), headers=wrong).status_code == 401
    )
    assert db.session.scalar(select(func.count()).select_from(XapiStatement)) == 0


def test_a_completion_waits_for_its_person_then_counts(client, world):
    person, cycle = world["person"], world["cycle"]
    sid = str(uuid.uuid4())
    sent = client.post("/xapi/statements", json=moodle_completed(sid=sid), headers=world["headers"])
    assert sent.status_code == 200, sent.get_json()
    assert sent.get_json() == [sid]
    completion = db.session.scalars(select(Completion)).one()
    assert completion.person_id == person.id and completion.status == "pending"
    assert completion.hours == Decimal("5.5") and completion.source_name == "TDGA Academy (Moodle)"
    # never counted before the person confirms it
    assert db.session.scalar(select(func.count()).select_from(LearningActivity)) == 0
    ensure_summary(cycle)
    db.session.commit()
    assert unit_report(person.unit, cycle).figures.hours_by_bucket["10"] == 0
    # the person is told, with the way to their log
    told = db.session.scalars(select(Notification).where(Notification.person_id == person.id)).one()
    assert told.link == "/learning/2566/" and "TDGA Academy" in told.message_en

    # a "passed" of the same course adds its score to the same completion
    passed = client.post(
        "/xapi/statements", json=moodle_completed(verb="passed"), headers=world["headers"]
    )
    assert passed.status_code == 200
    completion = db.session.scalars(select(Completion)).one()
    assert completion.score == 85 and completion.passed is True

    login(client, person)
    log = client.get("/learning/2566/")
    assert "Data for decisions" in log.text and "Check and confirm" in log.text
    page = client.get(f"/learning/2566/received/{completion.id}")
    assert 'value="5.5"' in page.text
    done = client.post(
        f"/learning/2566/received/{completion.id}",
        data={"hours": "5.5", "decision": "confirm"},
    )
    assert done.status_code == 302
    activity = db.session.scalars(select(LearningActivity)).one()
    assert (activity.bucket, activity.completed, activity.post_score) == ("10", True, 85)
    assert activity.received_from == "TDGA Academy (Moodle)" and activity.kind.code == "ELEARNING"
    assert activity.occurred_on.isoformat() == "2023-02-20"
    assert "from TDGA Academy (Moodle)" in client.get(done.headers["Location"]).text
    ensure_summary(cycle)
    db.session.commit()
    assert unit_report(person.unit, cycle).figures.hours_by_bucket["10"] == 5.5
    # confirmed twice (a double click) is one activity; the page leads to it
    again = client.post(
        f"/learning/2566/received/{completion.id}", data={"hours": "5.5", "decision": "confirm"}
    )
    assert again.status_code == 302 and again.headers["Location"].endswith(f"/{activity.id}")
    assert db.session.scalar(select(func.count()).select_from(LearningActivity)) == 1
    # the completion reported again changes nothing once decided
    client.post("/xapi/statements", json=moodle_completed(), headers=world["headers"])
    assert db.session.scalar(select(func.count()).select_from(Completion)) == 1


def test_the_same_statement_twice_changes_nothing_and_a_conflict_is_refused(client, world):
    sid = str(uuid.uuid4())
    statement = moodle_completed(sid=sid)
    assert (
        client.post("/xapi/statements", json=statement, headers=world["headers"]).status_code == 200
    )
    put = client.put(
        f"/xapi/statements?statementId={sid}", json=statement, headers=world["headers"]
    )
    assert put.status_code == 204
    other = {**statement, "timestamp": "2023-02-21T09:00:00Z"}
    conflict = client.put(
        f"/xapi/statements?statementId={sid}", json=other, headers=world["headers"]
    )
    assert conflict.status_code == 409
    assert conflict.get_json()["error"]["code"] == "statement_conflict"
    # a batch with one conflicting statement writes none of them
    fresh = moodle_completed(sid=str(uuid.uuid4()), verb="passed")
    batch = client.post("/xapi/statements", json=[fresh, other], headers=world["headers"])
    assert batch.status_code == 409
    assert db.session.scalar(select(func.count()).select_from(XapiStatement)) == 1
    assert db.session.scalar(select(func.count()).select_from(Completion)) == 1
    # the id in the statement and in the URL must agree
    mismatch = client.put(
        f"/xapi/statements?statementId={uuid.uuid4()}", json=statement, headers=world["headers"]
    )
    assert mismatch.status_code == 400


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda s: s.pop("actor"), "actor"),
        (lambda s: s["actor"].pop("mbox"), "actor"),
        (lambda s: s["actor"].update(mbox="somsri@bma.go.th"), "actor.mbox"),
        (lambda s: s["verb"].update(id="completed"), "verb.id"),
        (lambda s: s.update(timestamp="20/2/2566"), "timestamp"),
        (lambda s: s.update(timestamp="2023-02-20T15:04:05"), "timestamp"),
        (lambda s: s.update(timestamp="9999-12-31T23:59:59-14:00"), "timestamp"),
        (lambda s: s.update(mood="happy"), "mood"),
        (lambda s: s["result"].update(duration="5 hours"), "result.duration"),
        (lambda s: s["result"].update(score={"scaled": 1.5}), "result.score.scaled"),
        (lambda s: s["object"].update(id="not an iri"), "object.id"),
        (lambda s: s.update(id="123"), "id"),
    ],
)
def test_an_invalid_statement_is_a_400_with_its_field_and_writes_nothing(
    client, world, change, field
):
    good, bad = moodle_completed(), moodle_completed()
    change(bad)
    answer = client.post("/xapi/statements", json=[good, bad], headers=world["headers"])
    assert answer.status_code == 400, answer.get_json()
    assert answer.get_json()["error"]["fields"] == {
        f"[1]{field}": [answer.get_json()["error"]["message"]]
    }
    assert db.session.scalar(select(func.count()).select_from(XapiStatement)) == 0


def test_bad_bodies_are_json_errors(client, world):
    headers = world["headers"]
    broken = client.post(
        "/xapi/statements",
        data=b"{not json",
        headers={**headers, "Content-Type": "application/json"},
    )
    assert broken.status_code == 400 and broken.get_json()["error"]["code"] == "malformed_json"
    form = client.post("/xapi/statements", data={"a": "b"}, headers=headers)
    assert form.status_code == 400 and form.get_json()["error"]["code"] == "not_json"
    assert client.post("/xapi/statements", json=[], headers=headers).status_code == 400
    many = client.post("/xapi/statements", json=[moodle_completed()] * 501, headers=headers)
    assert many.status_code == 413
    unknown = client.get("/xapi/statements?colour=red", headers=headers)
    assert unknown.status_code == 400 and unknown.get_json()["error"]["fields"] == {
        "colour": ["Not a parameter of the statements resource."]
    }
    assert client.get("/xapi/statements?since=yesterday", headers=headers).status_code == 400
    assert client.get("/xapi/statements?agent={", headers=headers).status_code == 400
    assert client.get("/xapi/activities/state", headers=headers).get_json()["error"]


def test_statements_the_app_cannot_place_are_kept_aside_for_hr(app, client, world, course):
    stranger = moodle_completed(email="nobody@example.org")
    unknown_course = moodle_completed(url="https://academy.tdga.or.th/course/view.php?id=999")
    before_the_years = {**moodle_completed(), "timestamp": "2019-01-01T00:00:00Z"}
    experienced = moodle_completed(verb="experienced")
    sent = client.post(
        "/xapi/statements",
        json=[stranger, unknown_course, before_the_years, experienced],
        headers=world["headers"],
    )
    assert sent.status_code == 200
    kept = {s.statement_id: (s.status, s.reason) for s in db.session.scalars(select(XapiStatement))}
    ids = sent.get_json()
    assert [kept[i] for i in ids] == [
        ("aside", "unknown_person"),
        ("aside", "unknown_course"),
        ("aside", "no_year"),
        ("stored", None),  # not a completion: kept as sent, nothing to confirm
    ]
    assert db.session.scalar(select(func.count()).select_from(Completion)) == 0

    top = world["person"].unit  # a top unit: its HR officer sees every statement kept aside
    hr = PersonFactory(locale="en", unit=top, roles=(("hr", top),))
    login(client, hr)
    page = client.get("/admin/learning-providers/kept-aside")
    assert page.status_code == 200
    assert "nobody@example.org" in page.text and "not in the catalogue" in page.text
    # HR adds the course (the same address); the second try places that one only
    db.session.add(
        Course(
            provider_id=course.provider_id,
            code="DG-TEST-999",
            title_th="หลักสูตรใหม่",
            url="https://academy.tdga.or.th/course/view.php?id=999",
        )
    )
    db.session.commit()
    retried = client.post("/admin/learning-providers/kept-aside", data={})
    assert retried.status_code == 302
    statement = db.session.scalars(
        select(XapiStatement).where(XapiStatement.statement_id == ids[1])
    ).one()
    assert statement.status == "used" and statement.resolved_at is not None
    assert db.session.scalars(select(Completion)).one().course.code == "DG-TEST-999"
    # staff see no such page
    staff = app.test_client()
    login(staff, world["person"])
    assert staff.get("/admin/learning-providers/kept-aside").status_code == 404


def test_actors_by_sha1_and_by_account_and_courses_by_code(client, world):
    person = world["person"]
    by_sha1 = moodle_completed()
    by_sha1["actor"] = {"mbox_sha1sum": email_sha1(person.email)}
    by_account = moodle_completed(
        url="https://courses.thaimooc.ac.th/courses/course-v1:TDGA+DG-TEST-77+2023/"
    )
    by_account["actor"] = {
        "account": {"homePage": "https://academy.tdga.or.th", "name": person.employee_no}
    }
    sent = client.post("/xapi/statements", json=[by_sha1, by_account], headers=world["headers"])
    assert sent.status_code == 200
    statuses = [s.status for s in db.session.scalars(select(XapiStatement))]
    assert statuses == ["used", "used"]
    assert db.session.scalars(select(Completion)).one().person_id == person.id


def test_a_voided_statement_takes_back_a_waiting_completion(client, world):
    sid = str(uuid.uuid4())
    client.post("/xapi/statements", json=moodle_completed(sid=sid), headers=world["headers"])
    void = {
        "actor": {"mbox": "mailto:admin@academy.tdga.or.th"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
        "object": {"objectType": "StatementRef", "id": sid},
    }
    assert client.post("/xapi/statements", json=void, headers=world["headers"]).status_code == 200
    assert db.session.scalar(select(func.count()).select_from(Completion)) == 0
    headers = world["headers"]
    assert client.get(f"/xapi/statements?statementId={sid}", headers=headers).status_code == 404
    voided = client.get(f"/xapi/statements?voidedStatementId={sid}", headers=headers)
    assert voided.status_code == 200 and voided.get_json()["id"] == sid


def test_a_provider_reads_back_its_own_statements_with_filters_and_more(client, world):
    headers = world["headers"]
    ids = client.post(
        "/xapi/statements",
        json=[
            moodle_completed(),
            moodle_completed(verb="passed"),
            moodle_completed(verb="experienced"),
        ],
        headers=headers,
    ).get_json()
    one = client.get(f"/xapi/statements?statementId={ids[0]}", headers=headers).get_json()
    assert one["id"] == ids[0] and one["authority"]["name"] == "TDGA Academy (Moodle)"
    assert one["stored"].endswith("Z") and one["version"] == "1.0.3"
    page = client.get("/xapi/statements?limit=2", headers=headers)
    assert page.headers["X-Experience-API-Consistent-Through"]
    first = page.get_json()
    assert [s["id"] for s in first["statements"]] == [ids[2], ids[1]] and first["more"]
    rest = client.get(first["more"], headers=headers).get_json()
    assert [s["id"] for s in rest["statements"]] == [ids[0]] and rest["more"] == ""
    passed = client.get(
        "/xapi/statements?verb=http://adlnet.gov/expapi/verbs/passed", headers=headers
    ).get_json()
    assert [s["id"] for s in passed["statements"]] == [ids[1]]
    agent = json.dumps({"mbox": "mailto:somsri.k@bma.go.th"})
    assert (
        len(
            client.get(
                "/xapi/statements", query_string={"agent": agent}, headers=headers
            ).get_json()["statements"]
        )
        == 3
    )
    # another provider sees none of them
    _other, credentials = create_client("Thai MOOC")
    db.session.commit()
    other = {**XAPI, "Authorization": "Basic " + base64.b64encode(credentials.encode()).decode()}
    assert client.get(f"/xapi/statements?statementId={ids[0]}", headers=other).status_code == 404
    assert client.get("/xapi/statements", headers=other).get_json()["statements"] == []


def test_a_persons_learning_goes_out_as_statements(client, world, cycle):
    person = world["person"]
    client.post("/xapi/statements", json=moodle_completed(verb="passed"), headers=world["headers"])
    completion = db.session.scalars(select(Completion)).one()
    activity = confirm_completion(completion, Decimal("6"), by=person)
    db.session.commit()
    _token, plain = create_token(person, "lrs")
    db.session.commit()
    mine = {**XAPI, "Authorization": f"Bearer {plain}"}
    out = client.get("/xapi/statements", headers=mine)
    assert out.status_code == 200
    (statement,) = out.get_json()["statements"]
    assert statement["actor"]["mbox"] == "mailto:somsri.k@bma.go.th"
    assert statement["verb"]["id"] == "http://adlnet.gov/expapi/verbs/completed"
    assert statement["object"]["id"] == COURSE_URL
    assert statement["result"] == {
        "duration": "PT6H",
        "completion": True,
        "score": {"scaled": 0.85, "raw": 85, "min": 0, "max": 100},
    }
    extensions = statement["context"]["extensions"]
    assert extensions["http://127.0.0.1:5000/xapi/extensions/bucket"] == "10"
    assert extensions["http://127.0.0.1:5000/xapi/extensions/verified"] is None
    # what goes out is itself a valid statement, and a store may ask for it by id
    from lms.interchange.statements import read_statement

    assert read_statement(statement).statement_id == statement["id"]
    by_id = client.get(f"/xapi/statements?statementId={statement['id']}", headers=mine)
    assert by_id.get_json()["id"] == statement["id"] and activity.id
    # one's supervisor may read it; a colleague may not; a person's token posts nothing
    colleague = PersonFactory(unit=UnitFactory())
    _t, other = create_token(colleague, "x")
    db.session.commit()
    theirs = {**XAPI, "Authorization": f"Bearer {other}"}
    agent = json.dumps({"mbox": f"mailto:{person.email}"})
    seen = client.get("/xapi/statements", query_string={"agent": agent}, headers=theirs)
    assert seen.get_json()["statements"] == []
    assert (
        client.get(f"/xapi/statements?statementId={statement['id']}", headers=theirs).status_code
        == 404
    )
    assert client.post("/xapi/statements", json=moodle_completed(), headers=mine).status_code == 403


def test_dismissed_completions_stop_waiting_and_only_their_person_decides(app, client, world):
    client.post("/xapi/statements", json=moodle_completed(), headers=world["headers"])
    completion = db.session.scalars(select(Completion)).one()
    someone = app.test_client()
    login(someone, PersonFactory())
    assert someone.get(f"/learning/2566/received/{completion.id}").status_code == 404
    assert (
        someone.post(
            f"/learning/2566/received/{completion.id}", data={"decision": "dismiss"}
        ).status_code
        == 404
    )
    login(client, world["person"])
    done = client.post(f"/learning/2566/received/{completion.id}", data={"decision": "dismiss"})
    assert done.status_code == 302
    db.session.refresh(completion)
    assert completion.status == "dismissed"
    assert "Check and confirm" not in client.get("/learning/2566/").text
    assert db.session.scalar(select(func.count()).select_from(LearningActivity)) == 0


def test_confirming_with_bad_hours_comes_back_with_the_hours_typed(client, world):
    client.post("/xapi/statements", json=moodle_completed(), headers=world["headers"])
    completion = db.session.scalars(select(Completion)).one()
    login(client, world["person"])
    page = client.post(
        f"/learning/2566/received/{completion.id}", data={"hours": "30", "decision": "confirm"}
    )
    assert page.status_code == 200 and 'value="30"' in page.text
    assert "24 hours" in page.text
    assert db.session.scalars(select(Completion)).one().status == "pending"


def test_revoked_credentials_open_nothing(client, world):
    from lms.interchange.services import revoke_client

    revoke_client(world["client"], by=None)
    db.session.commit()
    answer = client.post("/xapi/statements", json=moodle_completed(), headers=world["headers"])
    assert answer.status_code == 401


def test_administrators_make_and_revoke_credentials_on_a_page(app, client, world):
    admin = PersonFactory(locale="en", roles=(("admin", None),))
    login(client, admin)
    made = client.post("/admin/learning-providers/", data={"name": "Thai MOOC", "provider_id": ""})
    assert made.status_code == 200 and "xk_" in made.text
    assert "Thai MOOC" in made.text
    twice = client.post("/admin/learning-providers/", data={"name": "thai mooc", "provider_id": ""})
    assert "Choose another name" in twice.text and 'value="thai mooc"' in twice.text
    staff = app.test_client()
    login(staff, world["person"])
    assert staff.get("/admin/learning-providers/").status_code == 404
    assert try_again([], by=None) == 0


def test_the_command_line_makes_lists_and_revokes_credentials(app, client, cycle, course):
    runner = app.test_cli_runner()
    made = runner.invoke(args=["lms", "xapi-provider", "create", "OCSC Learning Space"])
    assert made.exit_code == 0, made.output
    credentials = made.output.strip().splitlines()[-1]
    key, _, secret = credentials.partition(":")
    assert key.startswith("xk_") and secret
    headers = {**XAPI, "Authorization": "Basic " + base64.b64encode(credentials.encode()).decode()}
    assert client.get("/xapi/statements", headers=headers).status_code == 200
    again = runner.invoke(args=["lms", "xapi-provider", "create", "ocsc learning space"])
    assert again.exit_code != 0 and "exist already" in again.output
    unknown = runner.invoke(args=["lms", "xapi-provider", "create", "X", "--provider", "NOPE"])
    assert unknown.exit_code != 0
    listed = runner.invoke(args=["lms", "xapi-provider", "list"])
    assert key in listed.output and "in use" in listed.output
    client_id = listed.output.split("\t")[0]
    assert runner.invoke(args=["lms", "xapi-provider", "revoke", client_id]).exit_code == 0
    assert client.get("/xapi/statements", headers=headers).status_code == 401


def test_the_command_line_imports_a_completion_file(app, world, tmp_path):
    file = tmp_path / "tdga.csv"
    file.write_text(
        "email,provider,course_code,completed_on,score\n"
        "somsri.k@bma.go.th,TDGA,DG-TEST-77,20/2/2566,77\n",
        encoding="utf-8",
    )
    runner = app.test_cli_runner()
    checked = runner.invoke(args=["lms", "import", "completions", str(file), "--dry-run"])
    assert checked.exit_code == 0, checked.output
    assert db.session.scalar(select(func.count()).select_from(Completion)) == 0
    done = runner.invoke(args=["lms", "import", "completions", str(file)])
    assert done.exit_code == 0, done.output
    assert db.session.scalars(select(Completion)).one().score == 77


def test_odd_durations_and_clocks_ahead_are_kept_as_the_log_can_hold_them(client, world):
    statement = moodle_completed()
    statement["result"]["duration"] = "PT1H20M"  # 1.333… hours
    statement["timestamp"] = "2023-03-05T09:00:00+07:00"  # days after the frozen today
    assert (
        client.post("/xapi/statements", json=statement, headers=world["headers"]).status_code == 200
    )
    completion = db.session.scalars(select(Completion)).one()
    assert (
        completion.hours == Decimal("1.3") and completion.completed_on.isoformat() == "2023-03-01"
    )
    # and the person's own token reads their learning by any of their identifiers
    confirm_completion(completion, completion.hours, by=world["person"])
    _token, plain = create_token(world["person"], "lrs")
    db.session.commit()
    mine = {**XAPI, "Authorization": f"Bearer {plain}"}
    agent = json.dumps({"mbox_sha1sum": email_sha1(world["person"].email)})
    found = client.get("/xapi/statements", query_string={"agent": agent}, headers=mine)
    assert len(found.get_json()["statements"]) == 1


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
PATHS = [
    ("id",),
    ("actor",),
    ("actor", "mbox"),
    ("verb", "id"),
    ("verb", "display"),
    ("object",),
    ("object", "id"),
    ("object", "definition", "name"),
    ("result", "duration"),
    ("result", "score"),
    ("result", "completion"),
    ("context", "extensions"),
    ("timestamp",),
]


def test_no_statement_however_wrong_makes_a_server_error(client, world):
    """A valid statement with any one part replaced by any JSON, or any JSON at all: answered
    200 (kept) or 400 (refused with the field), never a 5xx, and JSON either way."""

    @given(path=st.sampled_from(PATHS), value=JSON, whole=st.one_of(st.none(), JSON))
    @settings(
        max_examples=int(os.environ.get("XAPI_FUZZ_EXAMPLES", "120")),
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
        derandomize=bool(os.environ.get("CI")),
    )
    def fuzz(path, value, whole):
        statement = moodle_completed()
        if whole is not None:
            statement = whole
        else:
            where = statement
            for key in path[:-1]:
                where = where.setdefault(key, {}) if isinstance(where.get(key), dict) else where
            where[path[-1]] = value
        answer = client.post("/xapi/statements", json=statement, headers=world["headers"])
        assert answer.status_code in (200, 400, 409), answer.get_data(as_text=True)[:300]
        assert answer.is_json

    fuzz()


def test_numbers_past_any_sense_are_kept_without_a_score_or_hours(client, world):
    statement = moodle_completed(verb="passed")
    statement["result"] = {
        "score": {"raw": 10**308, "min": 0, "max": 1e308},
        "duration": "P99999999999999999999999999999Y",
    }
    answer = client.post("/xapi/statements", json=statement, headers=world["headers"])
    assert answer.status_code == 200, answer.get_json()
    completion = db.session.scalars(select(Completion)).one()
    assert (completion.score, completion.hours) == (None, None)


def test_the_same_statement_at_the_same_moment_is_kept_once(client, world, monkeypatch):
    """Two requests with one statement at once: the loser of the race (the unique id) finds
    the winner's statement and answers as if it came later: 200, one statement."""
    from sqlalchemy.exc import IntegrityError

    from lms.interchange import views

    real, raced = views.receive, []

    def racing(provider, readings):
        if not raced:
            raced.append(True)
            real(provider, readings)  # what the other request wrote and committed meanwhile
            db.session.commit()
            raise IntegrityError("INSERT", {}, Exception("duplicate key statement_id"))
        return real(provider, readings)

    monkeypatch.setattr(views, "receive", racing)
    statement = moodle_completed(sid=str(uuid.uuid4()))
    answer = client.post("/xapi/statements", json=statement, headers=world["headers"])
    assert answer.status_code == 200 and answer.get_json() == [statement["id"]]
    assert db.session.scalar(select(func.count()).select_from(XapiStatement)) == 1


def test_a_completed_and_a_passed_in_one_batch_make_one_completion_told_once(client, world):
    batch = [moodle_completed(), moodle_completed(verb="passed")]
    assert client.post("/xapi/statements", json=batch, headers=world["headers"]).status_code == 200
    completion = db.session.scalars(select(Completion)).one()
    assert (completion.score, completion.passed, completion.hours) == (85, True, Decimal("5.5"))
    statuses = db.session.scalars(select(XapiStatement.status).order_by(XapiStatement.id)).all()
    assert statuses == ["used", "used"]
    told = db.session.scalars(
        select(Notification).where(Notification.person_id == world["person"].id)
    ).all()
    assert len(told) == 1


def test_each_providers_credentials_are_rate_limited_on_their_own(client, app, world, monkeypatch):
    from lms.extensions import limiter

    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "2 per minute")
    limiter.reset()
    _other, credentials = create_client("Thai MOOC")
    db.session.commit()
    other = {**XAPI, "Authorization": "Basic " + base64.b64encode(credentials.encode()).decode()}
    try:
        for _ in range(2):
            assert client.get("/xapi/statements", headers=world["headers"]).status_code == 200
        refused = client.get("/xapi/statements", headers=world["headers"])
        assert refused.status_code == 429 and refused.is_json
        assert refused.headers["X-Experience-API-Version"] == "1.0.3"
        assert client.get("/xapi/statements", headers=other).status_code == 200
    finally:
        limiter.reset()
