"""Issue 22, part 2: my self-assessment through API v1 — read, rate each area, submit; the
service's rules and reasons, If-Match once it is started, nothing after submitting."""

from datetime import datetime

import pytest

from lms.api.tokens import create_token
from lms.cycles import cycle_areas
from lms.extensions import db
from tests.factories import PersonFactory

DAY = datetime(2023, 3, 1, 10, 0)


@pytest.fixture
def me(cycle, frozen_clock):
    frozen_clock(DAY)
    person = PersonFactory(locale="en")
    _, plain = create_token(person, "test", scope="write")
    db.session.commit()
    return {"Authorization": f"Bearer {plain}"}


def test_rate_every_area_then_submit(client, me, cycle):
    start = client.get("/api/v1/me/assessment?cycle=2566", headers=me)
    body = start.get_json()
    assert body["status"] == "none" and body["version"] is None and "ETag" not in start.headers
    assert body["actions"]["submit"]["allowed"] is False
    codes = [a.code for a in cycle_areas(cycle)]
    assert [a["area"] for a in body["areas"]] == codes
    first = client.put(
        f"/api/v1/me/assessment/areas/{codes[0]}?cycle=2566",
        json={"level": 2, "justification": "ใช้ Excel ทุกวัน"},
        headers=me,
    )
    assert first.status_code == 200, first.get_json()
    etag = first.headers["ETag"]
    url = f"/api/v1/me/assessment/areas/{codes[1]}?cycle=2566"
    assert client.put(url, json={"level": 1}, headers=me).status_code == 428
    bad = client.put(url, json={"level": 9}, headers={**me, "If-Match": etag})
    assert bad.status_code == 422 and "level" in bad.get_json()["error"]["fields"]
    early = client.post("/api/v1/me/assessment/submit?cycle=2566", headers={**me, "If-Match": etag})
    assert early.status_code == 409  # areas still to rate: the service's reason
    for code in codes[1:]:
        done = client.put(
            f"/api/v1/me/assessment/areas/{code}?cycle=2566",
            json={"level": 1},
            headers={**me, "If-Match": etag},
        )
        assert done.status_code == 200, done.get_json()
        etag = done.headers["ETag"]
    stale = client.post(
        "/api/v1/me/assessment/submit?cycle=2566", headers={**me, "If-Match": '"1"'}
    )
    assert stale.status_code == 412
    sent = client.post("/api/v1/me/assessment/submit?cycle=2566", headers={**me, "If-Match": etag})
    assert sent.status_code == 200 and sent.get_json()["status"] == "submitted"
    after = client.put(
        f"/api/v1/me/assessment/areas/{codes[0]}?cycle=2566",
        json={"level": 4},
        headers={**me, "If-Match": sent.headers["ETag"]},
    )
    assert after.status_code == 409
    assert (
        client.put(
            "/api/v1/me/assessment/areas/NOPE?cycle=2566", json={"level": 1}, headers=me
        ).status_code
        == 404
    )
