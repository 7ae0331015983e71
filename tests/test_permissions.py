"""The authorisation matrix: who sees whose data, over roles and URLs (permissions.py)."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from lms.api.tokens import create_token
from lms.assessments.services import save_area, start_assessment, submit_assessment
from lms.cycles import create_cycle, cycle_areas
from lms.extensions import db
from lms.interchange.outgoing import statement_id_of
from lms.models import CircleInLine, Framework, LearningActivity, Person
from tests.conftest import empty_database, login
from tests.factories import PersonFactory, UnitFactory

pytestmark = pytest.mark.shared_data  # one organisation for the whole matrix


@pytest.fixture(scope="module")
def org(app):
    """BMA > D1 > (S-A, S-B); BMA > D2; a reporting line boss > sup > lead > junior.

    Built once for the module (the matrix only reads it); people are handed out as plain
    records, since each test runs in its own database session."""
    with app.app_context():
        framework = db.session.scalars(select(Framework).where(Framework.code == "OCSC-2560"))
        cycle = create_cycle(2566, framework.one(), status="open")
        root = UnitFactory(code="ROOT")
        d1 = UnitFactory(code="D1", parent=root)
        d2 = UnitFactory(code="D2", parent=root)
        sa = UnitFactory(code="S-A", parent=d1)
        sb = UnitFactory(code="S-B", parent=d1)
        p = {}
        p["boss"] = PersonFactory(unit=d1, group="MGMT", roles=(("supervisor", None),))
        p["sup"] = PersonFactory(unit=sa, supervisor=p["boss"], roles=(("supervisor", None),))
        p["lead"] = PersonFactory(unit=sa, supervisor=p["sup"])
        p["junior"] = PersonFactory(unit=sa, supervisor=p["lead"])
        p["staff"] = PersonFactory(unit=sa, supervisor=p["sup"])
        p["colleague"] = PersonFactory(unit=sb)
        p["outsider"] = PersonFactory(unit=d2)
        p["hr"] = PersonFactory(unit=d2, roles=(("hr", sa),))
        p["hr_wide"] = PersonFactory(unit=d2, roles=(("hr", root),))
        p["executive"] = PersonFactory(unit=d1, group="EXEC", roles=(("executive", d1),))
        p["admin"] = PersonFactory(unit=d2, group="TECH", roles=(("admin", None),))
        for name in ("staff", "junior", "colleague", "outsider", "sup"):
            _submitted(p[name], cycle)
        learned = {}
        for name in ("staff", "junior", "colleague", "outsider", "sup", "boss"):
            learned[name] = LearningActivity(
                person_id=p[name].id,
                cycle_id=cycle.id,
                bucket="70",
                title="ทำแดชบอร์ดของหน่วยงาน",
                occurred_on=cycle.starts_on,
                hours=Decimal(2),
            )
            db.session.add(learned[name])
        db.session.commit()
        records = {
            name: SimpleNamespace(
                id=person.id,
                email=person.email,
                employee_no=person.employee_no,
                name_th=person.name_th,
                activity_id=learned[name].id if name in learned else None,
            )
            for name, person in p.items()
        }
        db.session.remove()
    yield records
    with app.app_context():
        empty_database(app)


def _submitted(person, cycle):
    assessment = start_assessment(person, cycle, by=person)
    for area in cycle_areas(cycle):
        save_area(assessment, area, level=2, justification=None, by=person)
    submit_assessment(assessment, by=person)


VISIBILITY = [
    ("staff", "staff", True),
    ("staff", "colleague", False),
    ("staff", "sup", False),
    ("sup", "staff", True),
    ("sup", "junior", True),  # indirect report
    ("sup", "colleague", False),
    ("sup", "boss", False),
    ("boss", "junior", True),
    ("hr", "staff", True),
    ("hr", "colleague", False),  # outside the HR officer's subtree
    ("hr_wide", "outsider", True),
    ("executive", "colleague", True),
    ("executive", "outsider", False),
    ("admin", "outsider", True),
    ("admin", "junior", True),
    ("colleague", "junior", False),
]
PERSON_URLS = [
    "/people/{no}",
    "/people/{no}/assessments/2566",
    "/people/{no}/assessments/2566/radar.png",
]


@pytest.mark.parametrize("url", PERSON_URLS)
@pytest.mark.parametrize(("viewer", "target", "visible"), VISIBILITY)
def test_who_sees_whose_data(client, org, viewer, target, visible, url):
    login(client, org[viewer])
    response = client.get(url.format(no=org[target].employee_no))
    assert response.status_code == (200 if visible else 404)
    if not visible:
        assert org[target].name_th not in response.get_data(as_text=True)


@pytest.mark.parametrize(("viewer", "target", "visible"), VISIBILITY)
def test_the_api_and_xapi_answer_the_same_matrix(client, org, viewer, target, visible):
    """A token carries its owner's rights, no more: someone's learning log through API v1 and
    one of their activities as an xAPI statement, seen exactly where the pages show them."""
    _token, plain = create_token(db.session.get(Person, org[viewer].id), "matrix")
    db.session.commit()
    bearer = {"Authorization": f"Bearer {plain}", "X-Experience-API-Version": "1.0.3"}
    log = client.get(
        f"/api/v1/people/{org[target].employee_no}/activities?cycle=2566", headers=bearer
    )
    assert log.status_code == (200 if visible else 404)
    statement = statement_id_of(org[target].activity_id)
    out = client.get(f"/xapi/statements?statementId={statement}", headers=bearer)
    assert out.status_code == (200 if visible else 404)
    if not visible:
        assert org[target].name_th not in log.get_data(as_text=True) + out.get_data(as_text=True)


@pytest.mark.parametrize("url", [*PERSON_URLS, "/", "/team", "/people", "/assessment/"])
def test_anonymous_visitors_are_sent_to_log_in(client, org, url):
    response = client.get(url.format(no=org["staff"].employee_no))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize(
    ("viewer", "status"),
    [("staff", 403), ("sup", 403), ("hr", 200), ("executive", 200), ("admin", 200)],
)
def test_people_list_is_for_hr_executives_and_admins(client, org, viewer, status):
    login(client, org[viewer])
    assert client.get("/people").status_code == status


def test_hr_people_list_shows_only_their_subtree(client, org):
    login(client, org["hr"])
    page = client.get("/people").get_data(as_text=True)
    assert org["staff"].employee_no in page and org["junior"].employee_no in page
    assert org["colleague"].employee_no not in page
    assert org["outsider"].employee_no not in page
    assert client.get("/people?unit=D2").status_code == 404


def test_people_list_search_and_unit_filter(client, org):
    login(client, org["admin"])
    page = client.get("/people?q=" + org["outsider"].employee_no).get_data(as_text=True)
    assert org["outsider"].employee_no in page and org["staff"].employee_no not in page
    page = client.get("/people?unit=S-B").get_data(as_text=True)
    assert org["colleague"].employee_no in page and org["staff"].employee_no not in page


def test_team_lists_direct_and_indirect_reports_only(client, org):
    login(client, org["sup"])
    page = client.get("/team").get_data(as_text=True)
    for name in ("staff", "lead", "junior"):
        assert org[name].employee_no in page
    for name in ("boss", "colleague", "sup"):
        assert org[name].employee_no not in page


def test_team_page_without_reports_is_a_helpful_empty_state(client, org):
    login(client, org["staff"])
    response = client.get("/team")
    assert response.status_code == 200
    assert "ยังไม่มีผู้ใต้บังคับบัญชา" in response.get_data(as_text=True)


def test_navigation_shows_only_what_the_role_may_open(client, org):
    login(client, org["staff"])
    page = client.get("/").get_data(as_text=True)
    assert 'href="/team"' not in page and 'href="/people"' not in page
    client.post("/logout")
    login(client, org["sup"])
    page = client.get("/").get_data(as_text=True)
    assert 'href="/team"' in page and 'href="/people"' not in page
    client.post("/logout")
    login(client, org["hr"])
    assert 'href="/people"' in client.get("/").get_data(as_text=True)


def test_a_circle_in_the_reporting_line_is_refused(org):
    boss = db.session.get(Person, org["boss"].id)
    boss.supervisor_id = org["junior"].id
    with pytest.raises(CircleInLine):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(Person, org["boss"].id).supervisor_id is None


def test_supervisor_cycle_in_data_does_not_loop_forever(client, org):
    # a data error written around the app: a circle in the reporting line
    people = Person.__table__
    circle = people.update().where(people.c.id == org["boss"].id)
    db.session.execute(circle.values(supervisor_id=org["junior"].id))
    db.session.commit()
    try:
        _check_circle_is_harmless(client, org)
    finally:
        db.session.execute(circle.values(supervisor_id=None))
        db.session.commit()


def _check_circle_is_harmless(client, org):
    login(client, org["colleague"])
    assert client.get("/people/" + org["boss"].employee_no).status_code == 404
    client.post("/logout")
    login(client, org["sup"])
    assert client.get("/team").status_code == 200
