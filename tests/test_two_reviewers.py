"""Two reviewers at once, or a double-click (issue 17): verification and plan decisions are
conditional writes; one wins, the other is told what stands, and what they typed is kept."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

from lms.activities.services import log_activity
from lms.delegations.services import delegate_review
from lms.extensions import db
from lms.models import AuditEvent, LearningActivity, Notification
from lms.reviews.services import verify_activity
from lms.rules import ChangedMeanwhile, attempt
from tests.test_supervisor_loop import DAY, as_, fresh, review_url, sent, team  # noqa: F401


@pytest.fixture
def logged(sent):  # noqa: F811 - the imported fixture
    """The sent team, the owner's two learning activities, and the colleague standing in for
    the supervisor: two people who may verify them."""
    owner, supervisor, colleague = sent["owner"], sent["supervisor"], sent["colleague"]
    activities = [
        log_activity(
            owner,
            sent["plan"].cycle,
            {
                "bucket": "70",
                "title": f"งาน {n}",
                "hours": Decimal(3),
                "occurred_on": date(2023, 2, n),
            },
            by=owner,
        )
        for n in (1, 2)
    ]
    delegate_review(
        supervisor, colleague, DAY.date(), DAY.date() + timedelta(days=7), by=supervisor
    )
    db.session.commit()
    return sent | {"activities": activities}


def _count(model, **where) -> int:
    db.session.expire_all()
    query = select(func.count()).select_from(model)
    for name, value in where.items():
        query = query.where(getattr(model, name) == value)
    return db.session.scalar(query)


def _verify(client, activity, version, **extra):
    data = {"version": version} | extra
    return client.post(f"/review/activities/{activity.id}/verify", data=data, follow_redirects=True)


def test_a_double_click_on_verify_writes_once_and_says_so(client, logged):
    activity = logged["activities"][0]
    as_(client, logged["supervisor"])
    seen = activity.version
    assert _verify(client, activity, seen).status_code == 200
    second = _verify(client, activity, seen).get_data(as_text=True)
    assert _count(AuditEvent, action="activity_verified") == 1
    assert _count(Notification, kind="activity_verified") == 1
    assert "บันทึกไว้ครั้งเดียว" in second  # saved once


def test_verify_all_by_two_reviewers_at_once_writes_each_activity_once(client, app, logged):
    owner = logged["owner"]
    ticked = {"activity": [f"{a.id}:{a.version}" for a in logged["activities"]]}
    url = f"/review/{owner.employee_no}/2566/verify-all"
    as_(client, logged["supervisor"])
    client.post(url, data=ticked)
    other = app.test_client()
    as_(other, logged["colleague"])
    page = other.post(url, data=ticked, follow_redirects=True).get_data(as_text=True)
    assert _count(AuditEvent, action="activity_verified") == 2  # not 4
    assert _count(Notification, kind="activity_verified") == 2
    assert "ไม่ได้เปลี่ยน" in page or "คงไว้" in page  # left as they are


def test_of_two_verifications_at_the_same_instant_one_wins(logged):
    """The write is conditional: a row changed after it was read is not overwritten."""
    activity = logged["activities"][0]
    seen = activity.version
    with db.engine.begin() as other:  # the other reviewer commits first
        other.execute(
            update(LearningActivity)
            .where(LearningActivity.id == activity.id)
            .values(version=LearningActivity.version + 1, applied_at_work=True)
        )
    done = attempt(
        lambda: verify_activity(activity, by=logged["supervisor"], version=seen), raced=True
    )
    assert isinstance(done.refusal, ChangedMeanwhile)
    assert _count(AuditEvent, action="activity_verified") == 0


def test_applied_set_by_one_is_not_silently_cleared_by_another(client, app, logged):
    activity = logged["activities"][0]
    as_(client, logged["supervisor"])
    _verify(client, activity, activity.version)
    db.session.expire_all()
    shown = db.session.get(LearningActivity, activity.id).version  # both pages show this
    other = app.test_client()
    as_(other, logged["colleague"])
    assert "รับรองแล้ว" in _verify(other, activity, shown, applied="1").get_data(as_text=True)
    answer = _verify(client, activity, shown, applied="0").get_data(as_text=True)  # older page
    db.session.expire_all()
    assert db.session.get(LearningActivity, activity.id).applied_at_work  # the first stands
    assert logged["colleague"].name_th in answer


@pytest.mark.parametrize("version", ["", "abc", None])
def test_a_decision_without_the_version_the_page_showed_is_refused_keeping_the_comment(
    client, logged, version
):
    owner, plan = logged["owner"], logged["plan"]
    as_(client, logged["supervisor"])
    data = {"decision": "return", "comment": "เพิ่มกิจกรรมเรียนรู้จากผู้อื่น"}
    if version is not None:
        data["version"] = version
    response = client.post(review_url(owner), data=data)
    assert response.status_code == 409
    assert fresh(plan).status == "submitted"
    assert "เพิ่มกิจกรรมเรียนรู้จากผู้อื่น" in response.get_data(as_text=True)


def test_a_decision_that_lost_the_race_says_whose_stands_and_keeps_the_comment(client, app, logged):
    owner, plan = logged["owner"], logged["plan"]
    seen = fresh(plan).version
    other = app.test_client()
    as_(other, logged["colleague"])
    assert (
        other.post(review_url(owner), data={"version": seen, "decision": "approve"}).status_code
        == 302
    )
    as_(client, logged["supervisor"])
    comment = "ขอให้เพิ่มเป้าหมายด้านข้อมูล"
    response = client.post(
        review_url(owner), data={"version": seen, "decision": "return", "comment": comment}
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 409
    assert fresh(plan).status == "approved"
    assert logged["colleague"].name_th in text and comment in text
