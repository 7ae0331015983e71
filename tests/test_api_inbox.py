"""Issue 22, part 2: what waits for me and feedback through API v1 — the inbox's sections as
the page counts them, threads about me, one thread read and written, nobody else's."""

from datetime import datetime
from decimal import Decimal

import pytest

from lms.api.tokens import create_token
from lms.extensions import db
from lms.plans.services import add_planned_activity, build_from_gaps
from lms.plans.workflow import submit_plan
from tests.factories import PersonFactory, UnitFactory, ready_to_send, submitted_assessment

DAY = datetime(2023, 3, 1, 10, 0)


def bearer(person, scope="write") -> dict:
    _, plain = create_token(person, "test", scope=scope)
    db.session.commit()
    return {"Authorization": f"Bearer {plain}"}


@pytest.fixture
def sent(cycle, frozen_clock):
    frozen_clock(DAY)
    unit = UnitFactory()
    supervisor = PersonFactory(unit=unit, roles=(("supervisor", None),))
    owner = PersonFactory(unit=unit, supervisor=supervisor)
    submitted_assessment(owner, cycle, level=1)
    plan, _ = build_from_gaps(owner, cycle, by=owner)
    for goal in plan.goals:
        add_planned_activity(
            goal, {"bucket": "20", "title": "โค้ชชิ่ง", "hours": Decimal(2)}, by=owner
        )
    ready_to_send(plan)
    submit_plan(plan, by=owner)
    db.session.commit()
    return {"supervisor": supervisor, "owner": owner, "plan": plan}


def test_the_inbox_and_a_feedback_conversation(client, sent):
    boss, mine = bearer(sent["supervisor"]), bearer(sent["owner"])
    box = client.get("/api/v1/me/inbox", headers=boss).get_json()
    assert box["plans_waiting"] == 1 and box["plans"][0]["employee_no"] == sent["owner"].employee_no
    assert client.get("/api/v1/me/inbox", headers=mine).get_json()["plans_waiting"] == 0

    url = f"/api/v1/feedback/plan/{sent['plan'].id}"
    empty = client.post(url, json={"body": ""}, headers=boss)
    assert empty.status_code == 422
    written = client.post(url, json={"body": "เป้าหมายดีมาก"}, headers=boss)
    assert written.status_code == 201 and written.get_json()["messages"][0]["body"] == "เป้าหมายดีมาก"
    threads = client.get("/api/v1/me/feedback", headers=mine).get_json()["items"]
    assert threads[0]["unread"] == 1 and threads[0]["url"] == url
    assert client.get("/api/v1/me/inbox", headers=mine).get_json()["unread_feedback"] == 1
    read = client.get(url, headers=mine)
    assert read.get_json()["messages"][0]["author"] == sent["supervisor"].employee_no
    assert client.get("/api/v1/me/feedback", headers=mine).get_json()["items"][0]["unread"] == 0
    reply = client.post(url, json={"body": "ขอบคุณครับ"}, headers=mine)
    assert len(reply.get_json()["messages"]) == 2

    stranger = bearer(PersonFactory(unit=UnitFactory()))
    assert client.get(url, headers=stranger).status_code == 404
    assert client.post(url, json={"body": "x"}, headers=stranger).status_code == 404
    assert client.get("/api/v1/feedback/nothing/1", headers=mine).status_code == 404
