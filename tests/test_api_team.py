"""Issue 22, part 2: a reviewer's team through API v1 — the team page's people and figures,
paged with links, nobody else's."""

from lms.api.tokens import create_token
from lms.extensions import db
from tests.factories import PersonFactory, UnitFactory, submitted_assessment


def _headers(person) -> dict:
    _, plain = create_token(person, "team")
    db.session.commit()
    return {"Authorization": f"Bearer {plain}"}


def test_my_team_as_the_team_page_shows_it(client, cycle):
    unit = UnitFactory()
    boss = PersonFactory(unit=unit, group="MGMT", roles=(("supervisor", None),))
    lead = PersonFactory(unit=unit, supervisor=boss, roles=(("supervisor", None),))
    done = PersonFactory(unit=unit, supervisor=lead)
    other = PersonFactory(unit=unit, supervisor=lead)
    outsider = PersonFactory(unit=UnitFactory())
    submitted_assessment(done, cycle)
    db.session.commit()
    page = client.get("/api/v1/team?cycle=2566", headers=_headers(boss)).get_json()
    assert page["total"] == 3 and page["links"]["next"] is None
    people = {p["employee_no"]: p for p in page["items"]}
    assert set(people) == {lead.employee_no, done.employee_no, other.employee_no}
    assert outsider.employee_no not in people
    assert people[lead.employee_no]["direct"] is True
    assert people[done.employee_no]["direct"] is False
    assert people[done.employee_no]["assessment_status"] == "submitted"
    assert "per_page" not in page["links"]["self"]  # the team's pages have one size
    direct = client.get("/api/v1/team?cycle=2566&show=direct", headers=_headers(boss)).get_json()
    assert [p["employee_no"] for p in direct["items"]] == [lead.employee_no]
    alone = client.get("/api/v1/team?cycle=2566", headers=_headers(outsider)).get_json()
    assert alone["total"] == 0 and alone["items"] == []
    wrong = client.get("/api/v1/team?show=everyone", headers=_headers(boss))
    assert wrong.status_code == 422 and "show" in wrong.get_json()["error"]["fields"]
