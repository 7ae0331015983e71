"""Issue 22, part 2: one's own learning log through API v1 — the same rules as the pages (the
services), paging with links, ETag / If-Match on every change, read-only tokens, nobody else's
activities, and JSON errors with the fields."""

from datetime import datetime

import pytest
from sqlalchemy import select

from lms.api.tokens import create_token
from lms.extensions import db
from lms.models import Course, LearningActivity
from lms.reports.queries import ensure_summary, unit_report
from tests.factories import PersonFactory

DAY = datetime(2023, 3, 1, 10, 0)  # in FY 2566, the open cycle of the fixtures


@pytest.fixture
def me(cycle, frozen_clock):
    frozen_clock(DAY)
    person = PersonFactory(locale="en")
    db.session.commit()
    return person


def token(person, scope="write") -> dict:
    _, plain = create_token(person, "test", scope=scope)
    db.session.commit()
    return {"Authorization": f"Bearer {plain}"}


ENTRY = {
    "cycle": 2566,
    "bucket": "70",
    "title": "ทำแดชบอร์ดข้อมูลของหน่วยงาน",
    "occurred_on": "2023-02-01",
    "hours": 4.5,
    "learned": "Power BI",
}


def test_log_read_change_and_delete_my_activity(client, me, cycle):
    headers = token(me)
    made = client.post("/api/v1/me/activities", json=ENTRY, headers=headers)
    assert made.status_code == 201, made.get_json()
    body = made.get_json()
    assert body["hours"] == 4.5 and body["verified"] is False and body["cycle"] == 2566
    etag = made.headers["ETag"]
    again = client.post("/api/v1/me/activities", json=ENTRY, headers=headers)
    assert again.get_json()["id"] == body["id"]  # the same entry sent twice at once is one

    read = client.get(f"/api/v1/me/activities/{body['id']}", headers=headers)
    assert read.headers["ETag"] == etag and read.get_json() == body
    changed = {**ENTRY, "hours": 6}
    url = f"/api/v1/me/activities/{body['id']}"
    assert client.put(url, json=changed, headers=headers).status_code == 428  # no If-Match
    stale = client.put(url, json=changed, headers={**headers, "If-Match": '"99"'})
    assert stale.status_code == 412 and stale.get_json()["error"]["code"] == "version_changed"
    done = client.put(url, json=changed, headers={**headers, "If-Match": etag})
    assert done.status_code == 200 and done.get_json()["hours"] == 6.0
    assert done.headers["ETag"] != etag
    # the page's learning log and the unit report see the change at once
    ensure_summary(cycle)
    db.session.commit()
    assert unit_report(me.unit, cycle).figures.hours_by_bucket["70"] == 6.0

    listed = client.get("/api/v1/me/activities?cycle=2566&per_page=1", headers=headers)
    page = listed.get_json()
    assert page["total"] == 1 and page["links"]["next"] is None and page["items"][0]["id"]
    assert {"page=1", "per_page=1", "cycle=2566"} <= set(
        page["links"]["self"].split("?")[1].split("&")
    )
    assert client.delete(url, headers={**headers, "If-Match": etag}).status_code == 412
    gone = client.delete(url, headers={**headers, "If-Match": done.headers["ETag"]})
    assert gone.status_code == 204
    assert db.session.scalar(select(LearningActivity.id)) is None


def test_the_rules_of_the_pages_answer_with_the_fields(client, me):
    headers = token(me)
    future = client.post(
        "/api/v1/me/activities", json={**ENTRY, "occurred_on": "2023-08-01"}, headers=headers
    )
    assert future.status_code == 422 and "occurred_on" in future.get_json()["error"]["fields"]
    too_long = client.post("/api/v1/me/activities", json={**ENTRY, "hours": 30}, headers=headers)
    assert "hours" in too_long.get_json()["error"]["fields"]  # more than 24 hours in a day
    wrong = client.post(
        "/api/v1/me/activities",
        json={**ENTRY, "bucket": "50", "hours": "many", "colour": "red"},
        headers=headers,
    )
    fields = wrong.get_json()["error"]["fields"]
    assert wrong.status_code == 422 and {"bucket", "hours", "colour"} <= set(fields)
    precise = client.post("/api/v1/me/activities", json={**ENTRY, "hours": 1.25}, headers=headers)
    assert precise.status_code == 422  # refused, never rounded to 1.2 (probe r16's lesson)
    assert "hours" in precise.get_json()["error"]["fields"]
    course = client.post(
        "/api/v1/me/activities", json={**ENTRY, "course_id": 10**6}, headers=headers
    )
    assert "course_id" in course.get_json()["error"]["fields"]
    broken = client.post(
        "/api/v1/me/activities",
        data="{not json",
        headers={**headers, "Content-Type": "application/json"},
    )
    assert broken.status_code in (400, 422) and broken.is_json
    assert db.session.scalar(select(LearningActivity.id)) is None  # nothing was written


def test_a_formal_course_from_the_catalogue(client, me):
    course = db.session.scalars(select(Course).where(Course.active.is_(True))).first()
    made = client.post(
        "/api/v1/me/activities",
        json={**ENTRY, "bucket": "10", "title": "", "course_id": course.id, "completed": True},
        headers=token(me),
    )
    assert made.status_code == 201
    assert made.get_json()["title"] == course.title_th  # the course lends its title


def test_a_reading_token_changes_nothing_and_nobody_reaches_anothers_log(client, me, cycle):
    reader = token(me, scope="read")
    refused = client.post("/api/v1/me/activities", json=ENTRY, headers=reader)
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "token_reads_only"
    assert client.get("/api/v1/me/activities", headers=reader).status_code == 200
    made = client.post("/api/v1/me/activities", json=ENTRY, headers=token(me)).get_json()
    other = PersonFactory()
    db.session.commit()
    theirs = token(other)
    url = f"/api/v1/me/activities/{made['id']}"
    assert client.get(url, headers=theirs).status_code == 404
    assert client.delete(url, headers={**theirs, "If-Match": "*"}).status_code == 404
    assert client.get("/api/v1/me/activities", headers=theirs).get_json()["total"] == 0
    assert client.get("/api/v1/me/activities?cycle=1999", headers=reader).status_code == 404
    # beyond what the database's integers hold (the fuzzer's first find): 422 and 404, no 500
    huge = client.get("/api/v1/me/activities?cycle=-150944107829508", headers=reader)
    assert huge.status_code == 422 and "cycle" in huge.get_json()["error"]["fields"]
    assert client.get(f"/api/v1/me/activities/{2**40}", headers=reader).status_code == 404


def test_the_document_describes_the_learning_endpoints(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    mine = spec["paths"]["/api/v1/me/activities/{activity_id}"]
    assert {"get", "put", "delete"} <= set(mine)
    assert {"412", "428"} <= set(mine["put"]["responses"])
    assert "ActivityIn" in spec["components"]["schemas"]


def test_each_token_is_rate_limited_on_its_own(client, app, me, monkeypatch):
    from lms.extensions import limiter

    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "3 per minute")
    limiter.reset()
    mine, other = token(me, scope="read"), token(PersonFactory(), scope="read")
    try:
        for _ in range(3):
            assert client.get("/api/v1/me/activities", headers=mine).status_code == 200
        refused = client.get("/api/v1/me/activities", headers=mine)
        assert refused.status_code == 429
        assert refused.get_json()["error"]["code"] == "too_many_requests"
        assert client.get("/api/v1/me/activities", headers=other).status_code == 200
    finally:
        limiter.reset()


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64  # what the upload checks: a PNG by its content


def test_evidence_goes_up_by_its_content_and_comes_back_to_its_owner_only(client, me):
    import io

    headers = token(me)
    made = client.post("/api/v1/me/activities", json=ENTRY, headers=headers).get_json()
    url = f"/api/v1/me/activities/{made['id']}/evidence"
    sent = client.post(
        url,
        data={"file": (io.BytesIO(PNG), "certificate.png"), "kind": "certificate"},
        headers=headers,
        content_type="multipart/form-data",
    )
    assert sent.status_code == 201, sent.get_json()
    item = sent.get_json()
    assert item["content_type"] == "image/png" and item["kind"] == "certificate"
    download = client.get(item["url"], headers=headers)
    assert download.status_code == 200 and download.data == PNG
    listed = client.get(f"/api/v1/me/activities/{made['id']}", headers=headers).get_json()
    assert [e["id"] for e in listed["evidence"]] == [item["id"]]

    fake = client.post(
        url,
        data={"file": (io.BytesIO(b"MZ not a picture"), "photo.png")},
        headers=headers,
        content_type="multipart/form-data",
    )
    assert fake.status_code == 422 and "file" in fake.get_json()["error"]["fields"]
    missing = client.post(url, data={}, headers=headers, content_type="multipart/form-data")
    assert missing.status_code == 422 and "file" in missing.get_json()["error"]["fields"]

    other = PersonFactory()
    db.session.commit()
    theirs = token(other)
    assert client.get(item["url"], headers=theirs).status_code == 404
    again = client.post(
        url,
        data={"file": (io.BytesIO(PNG), "x.png")},
        headers=theirs,
        content_type="multipart/form-data",
    )
    assert again.status_code == 404
    reader = token(me, scope="read")
    assert client.post(url, data={}, headers=reader).status_code == 403
