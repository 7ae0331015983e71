"""People administration (issue 18, part 4): HR adds and changes a person through the same
checks as a file (their units only, circles, the admin role), moves them from a day with history
kept, deactivates and reactivates them; a person is picked by name, with or without tone marks,
in either form of sara am."""

from datetime import timedelta

from sqlalchemy import func, select

from lms.clock import today
from lms.extensions import db
from lms.models import AuditEvent, Person, UnitMembership
from tests.conftest import login
from tests.factories import PersonFactory, UnitFactory


def world():
    top = UnitFactory(code="BMA")
    iao = UnitFactory(code="IAO", parent=top)
    section = UnitFactory(code="IAO-1", parent=iao)
    other = UnitFactory(code="DIST", parent=top)
    director = PersonFactory(
        unit=iao, name_th="นางน้ำฝน ศรีสุข", employee_no="D1", roles=(("supervisor", None),)
    )
    hr = PersonFactory(unit=iao, supervisor=director, roles=(("hr", iao),))
    return top, iao, section, other, director, hr


FORM = {
    "employee_no": "N1",
    "name_th": "นายวิชัย รักงาน",
    "name_en": "Wichai Rakngan",
    "email": "",
    "position_th": "เจ้าหน้าที่ธุรการ",
    "role_group": "SERV",
    "unit": "IAO-1",
    "supervisor": "",
    "scope": "",
    "effective_on": "",
}


def test_hr_adds_a_person_picking_the_supervisor_by_name_without_tone_marks(client):
    *_units, director, hr = world()
    login(client, hr)
    answer = client.post("/admin/people/new", data={**FORM, "supervisor": "นางนำฝน"})
    assert answer.status_code == 302, answer.get_data(as_text=True)[-2000:]
    added = db.session.scalars(select(Person).where(Person.employee_no == "N1")).one()
    assert added.supervisor_id == director.id and added.email is None
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "person_added")) == 1


def test_bad_answers_come_back_beside_their_fields_with_what_was_typed(client):
    *_units, _director, hr = world()
    login(client, hr)
    answer = client.post(
        "/admin/people/new",
        data={
            **FORM,
            "unit": "DIST",
            "email": "not-mail",
            "roles": ["admin"],
            "name_th": "คนใหม่ ทดสอบ",
        },
    )
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert 'value="คนใหม่ ทดสอบ"' in page and 'value="not-mail"' in page
    for field in ("email", "unit", "roles"):
        assert f'id="{field}-errors"' in page, field
    assert (
        db.session.scalar(
            select(func.count()).select_from(Person).where(Person.employee_no == "N1")
        )
        == 0
    )


def test_hr_moves_a_person_from_a_day_and_the_history_stays(client):
    _top, iao, section, _other, director, hr = world()
    clerk = PersonFactory(unit=iao, supervisor=director, employee_no="C1")
    login(client, hr)
    day = today() + timedelta(days=5)
    answer = client.post(
        "/admin/people/C1/edit",
        data={
            **FORM,
            "employee_no": "ignored",
            "name_th": clerk.name_th,
            "role_group": "ACAD",
            "unit": "IAO-1",
            "supervisor": "D1",
            "effective_on": f"{day.day}/{day.month}/{day.year + 543}",
        },
    )
    assert answer.status_code == 302, answer.get_data(as_text=True)[-1500:]
    db.session.expire_all()
    assert clerk.unit_id == section.id and clerk.employee_no == "C1"
    spans = db.session.execute(
        select(UnitMembership.unit_id, UnitMembership.valid_to)
        .where(UnitMembership.person_id == clerk.id)
        .order_by(UnitMembership.valid_from)
    ).all()
    assert spans == [(iao.id, day), (section.id, None)]
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "person_changed")
    ).one()
    assert event.details["changes"]["unit_code"] == ["IAO", "IAO-1"]


def test_a_circle_in_the_reporting_line_is_refused(client):
    _top, iao, _section, _other, director, hr = world()
    PersonFactory(unit=iao, supervisor=director, employee_no="C1")
    login(client, hr)
    answer = client.post(
        "/admin/people/D1/edit",
        data={
            **FORM,
            "name_th": director.name_th,
            "role_group": "MGMT",
            "unit": "IAO",
            "supervisor": "C1",
            "roles": ["supervisor"],
        },
    )
    assert (
        answer.status_code == 422 and "circle" in answer.get_data(as_text=True).lower()
    ) or "วน" in answer.get_data(as_text=True)
    db.session.expire_all()
    assert director.supervisor_id is None


def test_deactivate_from_a_day_then_reactivate_never_delete(client):
    _top, iao, *_rest, director, hr = world()
    clerk = PersonFactory(unit=iao, supervisor=director, employee_no="C1")
    login(client, hr)
    client.post("/admin/people/C1/deactivate", data={"deactivated_on": ""})
    db.session.expire_all()
    assert clerk.deactivated_on == today() and not clerk.is_active
    assert client.get("/admin/people/C1/edit").status_code == 200  # HR still reaches them
    client.post("/admin/people/C1/reactivate")
    db.session.expire_all()
    assert clerk.is_active
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"person_deactivated", "person_reactivated"} <= actions


def test_hr_of_another_unit_staff_and_oneself_get_404(app, client):
    _top, iao, _section, other, director, hr = world()
    outsider = PersonFactory(unit=other, roles=(("hr", other),))
    clerk = PersonFactory(unit=iao, supervisor=director, employee_no="C1")
    login(client, outsider)
    assert client.get("/admin/people/C1/edit").status_code == 404
    assert client.post("/admin/people/C1/deactivate", data={}).status_code == 404
    staff = app.test_client()
    login(staff, clerk)
    assert staff.get("/admin/people/new").status_code == 404
    assert staff.get("/people/find?q=ทดสอบ").status_code == 404
    mine = app.test_client()
    login(mine, hr)
    assert mine.get(f"/admin/people/{hr.employee_no}/edit").status_code == 404


def test_the_picker_finds_names_however_tone_marks_and_sara_am_are_typed(client):
    _top, _iao, _section, other, _director, hr = world()
    PersonFactory(unit=other, name_th="นายน้ำใส ใจดี")  # same organisation, another unit
    elsewhere = UnitFactory(code="OTHER-ORG")
    PersonFactory(unit=elsewhere, name_th="นางน้ำทิพย์ อื่น")  # another organisation
    login(client, hr)
    for typed in ("น้ำ", "นำ", "น\u0e4d\u0e32", "นํ้า"):
        names = [p["name"] for p in client.get(f"/people/find?q={typed}").get_json()["people"]]
        assert "นางน้ำฝน ศรีสุข" in names and "นายน้ำใส ใจดี" in names, typed
        assert "นางน้ำทิพย์ อื่น" not in names
    assert client.get("/people/find?q=D1").get_json()["people"][0]["employee_no"] == "D1"
    assert client.get("/people/find?q=น").get_json()["people"] == []  # too short


def test_the_supervisor_page_takes_a_name(client):
    _top, iao, *_rest, director, hr = world()
    clerk = PersonFactory(unit=iao, employee_no="C1")
    login(client, hr)
    answer = client.post("/review/people/C1/supervisor", data={"supervisor": "น้ำฝน ศรีสุข"})
    assert answer.status_code == 302
    db.session.expire_all()
    assert clerk.supervisor_id == director.id


def test_a_leaving_day_inside_a_closed_year_is_refused(client, closed_cycle):
    _top, iao, *_rest, director, hr = world()
    clerk = PersonFactory(unit=iao, supervisor=director, employee_no="C1")
    login(client, hr)
    page = client.post(
        "/admin/people/C1/deactivate", data={"deactivated_on": "1/1/2565"}, follow_redirects=True
    ).get_data(as_text=True)
    db.session.expire_all()
    assert clerk.deactivated_on is None and "1/10/2565" in page
