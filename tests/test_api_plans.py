"""Issue 22, part 2: plans and reviews through API v1 — one's own plan (read, send, withdraw),
a reviewer's plans waiting, approve and return, verifying an activity: the workflow's steps
and reasons, If-Match on every change, nobody else's plan, JSON errors."""

from datetime import datetime
from decimal import Decimal

import pytest

from lms.api.tokens import create_token
from lms.cycles import cycle_areas
from lms.extensions import db
from lms.models import LearningActivity
from lms.plans.services import add_planned_activity, build_from_gaps
from tests.factories import PersonFactory, UnitFactory, ready_to_send, submitted_assessment

DAY = datetime(2023, 3, 1, 10, 0)


@pytest.fixture
def chain(cycle, frozen_clock):
    frozen_clock(DAY)
    unit = UnitFactory()
    supervisor = PersonFactory(unit=unit, roles=(("supervisor", None),))
    owner = PersonFactory(unit=unit, supervisor=supervisor)
    stranger = PersonFactory(unit=UnitFactory())
    submitted_assessment(owner, cycle, level=1)
    plan, _added = build_from_gaps(owner, cycle, by=owner)
    for goal in plan.goals:
        add_planned_activity(
            goal, {"bucket": "70", "title": "ลงมือทำงานจริง", "hours": Decimal(4)}, by=owner
        )
    ready_to_send(plan)
    db.session.commit()
    return {"supervisor": supervisor, "owner": owner, "stranger": stranger, "plan": plan}


def bearer(person, scope="write") -> dict:
    _, plain = create_token(person, "test", scope=scope)
    db.session.commit()
    return {"Authorization": f"Bearer {plain}"}


def test_send_withdraw_send_then_the_supervisor_returns_and_approves(client, chain):
    mine, boss = bearer(chain["owner"]), bearer(chain["supervisor"])
    read = client.get("/api/v1/me/plan?cycle=2566", headers=mine)
    assert read.status_code == 200, read.get_json()
    plan = read.get_json()
    assert plan["status"] == "draft" and plan["goals"][0]["activities"][0]["hours"] == 4.0
    assert plan["actions"]["submit"] == {"allowed": True, "reason": None}
    assert plan["actions"]["approve"]["allowed"] is False
    etag = read.headers["ETag"]
    assert client.post("/api/v1/me/plan/submit?cycle=2566", headers=mine).status_code == 428
    stale = client.post("/api/v1/me/plan/submit?cycle=2566", headers={**mine, "If-Match": '"0"'})
    assert stale.status_code == 412
    sent = client.post("/api/v1/me/plan/submit?cycle=2566", headers={**mine, "If-Match": etag})
    assert sent.status_code == 200 and sent.get_json()["status"] == "submitted"
    twice = client.post(
        "/api/v1/me/plan/submit?cycle=2566", headers={**mine, "If-Match": sent.headers["ETag"]}
    )
    assert twice.status_code == 409 and twice.get_json()["error"]["code"] == "not_now"
    back = client.post(
        "/api/v1/me/plan/withdraw?cycle=2566", headers={**mine, "If-Match": sent.headers["ETag"]}
    )
    assert back.status_code == 200 and back.get_json()["status"] == "draft"
    again = client.post(
        "/api/v1/me/plan/submit?cycle=2566", headers={**mine, "If-Match": back.headers["ETag"]}
    )

    waiting = client.get("/api/v1/reviews/plans", headers=boss).get_json()
    assert (
        waiting["total"] == 1 and waiting["items"][0]["employee_no"] == chain["owner"].employee_no
    )
    url = waiting["items"][0]["url"]
    theirs = client.get(url, headers=boss)
    assert theirs.get_json()["actions"]["approve"]["allowed"] is True
    no = chain["owner"].employee_no
    base = f"/api/v1/people/{no}/plan"
    tag = {"If-Match": again.headers["ETag"]}
    bare = client.post(f"{base}/return?cycle=2566", json={}, headers={**boss, **tag})
    assert bare.status_code == 422  # a return says what should change
    returned = client.post(
        f"{base}/return?cycle=2566", json={"comment": "เพิ่มหลักสูตร"}, headers={**boss, **tag}
    )
    assert returned.status_code == 200 and returned.get_json()["review_comment"] == "เพิ่มหลักสูตร"
    mine_now = client.get("/api/v1/me/plan?cycle=2566", headers=mine)
    resent = client.post(
        "/api/v1/me/plan/submit?cycle=2566",
        headers={**mine, "If-Match": mine_now.headers["ETag"]},
    )
    approved = client.post(
        f"{base}/approve?cycle=2566", json={}, headers={**boss, "If-Match": resent.headers["ETag"]}
    )
    assert approved.status_code == 200 and approved.get_json()["status"] == "approved"


def test_nobody_else_reads_or_decides_on_a_plan(client, chain):
    stranger, owner = bearer(chain["stranger"]), chain["owner"]
    base = f"/api/v1/people/{owner.employee_no}/plan?cycle=2566"
    assert client.get(base, headers=stranger).status_code == 404
    assert client.get("/api/v1/reviews/plans", headers=stranger).get_json()["total"] == 0
    own = bearer(owner)
    approve = f"/api/v1/people/{owner.employee_no}/plan/approve?cycle=2566"
    refused = client.post(approve, json={}, headers={**own, "If-Match": "*"})
    assert refused.status_code == 409  # the owner approving their own plan: the workflow says no
    reads = bearer(chain["supervisor"], scope="read")
    assert client.post(approve, json={}, headers={**reads, "If-Match": "*"}).status_code == 403
    nothing = bearer(chain["stranger"])
    assert client.get("/api/v1/me/plan?cycle=2566", headers=nothing).status_code == 404


def test_a_supervisor_verifies_an_activity_with_its_version(client, chain, cycle):
    owner = chain["owner"]
    activity = LearningActivity(
        person_id=owner.id,
        cycle_id=cycle.id,
        bucket="70",
        title="ทำแดชบอร์ด",
        occurred_on=DAY.date(),
        hours=Decimal(3),
    )
    db.session.add(activity)
    db.session.commit()
    boss = bearer(chain["supervisor"])
    listed = client.get(f"/api/v1/people/{owner.employee_no}/activities?cycle=2566", headers=boss)
    item = listed.get_json()["items"][0]
    url = f"/api/v1/people/{owner.employee_no}/activities/{item['id']}/verify"
    assert client.post(url, json={}, headers=boss).status_code == 428
    done = client.post(
        url, json={"applied_at_work": True}, headers={**boss, "If-Match": f'"{item["version"]}"'}
    )
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["verified"] is True and done.get_json()["applied_at_work"] is True
    stale = client.post(url, json={}, headers={**boss, "If-Match": f'"{item["version"]}"'})
    assert stale.status_code == 412
    stranger = bearer(chain["stranger"])
    assert client.post(url, json={}, headers={**stranger, "If-Match": "*"}).status_code == 404


def test_goals_and_planned_activities_while_the_plan_may_change(client, cycle, frozen_clock):
    frozen_clock(DAY)
    owner = PersonFactory(unit=UnitFactory(), supervisor=PersonFactory())
    submitted_assessment(owner, cycle, level=1)
    mine = bearer(owner)
    assert client.get("/api/v1/me/plan?cycle=2566", headers=mine).status_code == 404
    started = client.post("/api/v1/me/plan?cycle=2566", json={"from_gaps": False}, headers=mine)
    assert started.status_code == 201 and started.get_json()["goals"] == []
    twice = client.post("/api/v1/me/plan?cycle=2566", json={}, headers=mine)
    assert twice.status_code == 409
    tag = {"If-Match": started.headers["ETag"]}
    area = cycle_areas(cycle)[0].code
    goal = {"area": area, "current_level": 1, "target_level": 0}
    low = client.post("/api/v1/me/plan/goals?cycle=2566", json=goal, headers={**mine, **tag})
    assert low.status_code == 422 and "target_level" in low.get_json()["error"]["fields"]
    nowhere = client.post(
        "/api/v1/me/plan/goals?cycle=2566", json={**goal, "area": "NOPE"}, headers={**mine, **tag}
    )
    assert nowhere.status_code == 422 and "area" in nowhere.get_json()["error"]["fields"]
    added = client.post(
        "/api/v1/me/plan/goals?cycle=2566",
        json={**goal, "target_level": 3, "success_criteria": "ทำรายงานเองได้"},
        headers={**mine, **tag},
    )
    assert added.status_code == 201, added.get_json()
    goal_id = added.get_json()["goals"][0]["id"]
    stale = client.post(
        f"/api/v1/me/plan/goals/{goal_id}/activities?cycle=2566",
        json={"bucket": "70", "title": "x"},
        headers={**mine, **tag},
    )
    assert stale.status_code == 412
    tag = {"If-Match": added.headers["ETag"]}
    course = client.post(
        f"/api/v1/me/plan/goals/{goal_id}/activities?cycle=2566",
        json={"bucket": "70", "course_id": 1},
        headers={**mine, **tag},
    )
    assert course.status_code == 422 and "course_id" in course.get_json()["error"]["fields"]
    planned = client.post(
        f"/api/v1/me/plan/goals/{goal_id}/activities?cycle=2566",
        json={"bucket": "20", "kind": "COACHING", "title": "ขอคำแนะนำจากหัวหน้า", "hours": 3},
        headers={**mine, **tag},
    )
    assert planned.status_code == 201, planned.get_json()
    item = planned.get_json()["goals"][0]["activities"][0]
    assert item["kind"] == "COACHING" and item["hours"] == 3.0
    tag = {"If-Match": planned.headers["ETag"]}
    changed = client.put(
        f"/api/v1/me/plan/activities/{item['id']}?cycle=2566",
        json={"bucket": "20", "kind": "COACHING", "title": "โค้ชชิ่ง", "hours": 5.5},
        headers={**mine, **tag},
    )
    assert changed.get_json()["goals"][0]["activities"][0]["hours"] == 5.5
    tag = {"If-Match": changed.headers["ETag"]}
    removed = client.delete(
        f"/api/v1/me/plan/activities/{item['id']}?cycle=2566", headers={**mine, **tag}
    )
    assert removed.get_json()["goals"][0]["activities"] == []
    other = bearer(PersonFactory())
    assert (
        client.delete(
            f"/api/v1/me/plan/goals/{goal_id}?cycle=2566", headers={**other, "If-Match": "*"}
        ).status_code
        == 404
    )
    gone = client.delete(
        f"/api/v1/me/plan/goals/{goal_id}?cycle=2566",
        headers={**mine, "If-Match": removed.headers["ETag"]},
    )
    assert gone.status_code == 200 and gone.get_json()["goals"] == []
