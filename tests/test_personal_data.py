"""Personal data (issue 20, part 6): each person downloads everything held about them (a ZIP
made by the task queue); an administrator anonymises a departed person, by the web or by
`flask lms person anonymise`, and every unit figure of every cycle stays exactly the same."""

import io
import json
import random
import zipfile
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from lms.activities.evidence import attach_evidence, stored_path
from lms.activities.services import log_activity
from lms.extensions import db
from lms.feedback.services import post, target
from lms.models import (
    AuditEvent,
    EvidenceFile,
    FeedbackMessage,
    LearningActivity,
    Person,
    Unit,
)
from lms.people.personal_data import AnonymiseRefused, anonymise
from lms.plans.services import build_from_gaps
from lms.reports import summary
from lms.reports.queries import unit_report
from tests.conftest import login
from tests.factories import PersonFactory, UnitFactory, submitted_assessment
from tests.report_world import comparable, random_world

PDF = b"%PDF-1.4 evidence of a finished course"


@pytest.fixture
def someone(cycle):
    unit = UnitFactory(code="UNIT")
    boss = PersonFactory(unit=unit, roles=(("supervisor", None),))
    person = PersonFactory(
        unit=unit, supervisor=boss, email="somsri@bma.test", name_th="นางสมศรี ตัวอย่าง"
    )
    submitted_assessment(person, cycle)
    build_from_gaps(person, cycle, by=person)
    activity = log_activity(
        person,
        cycle,
        {
            "bucket": "10",
            "title": "หลักสูตรข้อมูลของสมศรี",
            "occurred_on": cycle.starts_on + timedelta(days=20),
            "hours": Decimal(6),
            "learned": "ได้เรียนรู้เรื่องข้อมูล",
        },
        by=person,
    )
    attach_evidence(activity, PDF, "certificate.pdf", "certificate", by=person)
    db.session.commit()
    return person


def test_a_person_downloads_everything_held_about_them(client, someone):
    login(client, someone)
    assert "/my-data" in client.get("/profile").get_data(as_text=True)
    started = client.post("/my-data")
    assert started.status_code == 302
    job_url = started.headers["Location"]
    assert "/file" in client.get(job_url).get_data(as_text=True)  # immediate queue: ready
    download = client.get(job_url + "/file")
    assert download.status_code == 200 and download.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(download.data))
    data = json.loads(archive.read("data.json"))
    assert data["person"]["email"] == "somsri@bma.test"
    assert "password_hash" not in data["person"] and "session_token" not in data["person"]
    assert [a["title"] for a in data["learning_activities"]] == ["หลักสูตรข้อมูลของสมศรี"]
    assert data["ratings"] and data["goals"] and data["evidence_files"]
    [evidence] = [n for n in archive.namelist() if n.startswith("evidence/")]
    assert archive.read(evidence) == PDF
    assert db.session.scalar(
        select(AuditEvent.id).where(AuditEvent.action == "personal_data_exported")
    )
    other = client.application.test_client()
    login(other, PersonFactory(unit=someone.unit))
    assert other.get(job_url).status_code == 404 and other.get(job_url + "/file").status_code == 404


def _every_figure(cycles) -> dict:
    units = db.session.scalars(select(Unit).order_by(Unit.id)).all()
    return {
        (cycle.id, unit.code): comparable(unit_report(unit, cycle).figures.as_dict())
        for cycle in cycles
        for unit in units
    }


def test_anonymising_leaves_every_unit_figure_of_every_cycle_exactly_the_same(
    app, cycle, closed_cycle, frozen_clock
):
    summary.bring_up_to_date(cycle)
    summary.bring_up_to_date(closed_cycle)
    db.session.commit()
    random_world(random.Random(6), cycle, 40)
    db.session.commit()
    # the person with the most learning leaves; the figures are read after they left
    who = db.session.scalars(
        select(Person)
        .join(LearningActivity, LearningActivity.person_id == Person.id)
        .group_by(Person.id)
        .order_by(db.func.count(LearningActivity.id).desc(), Person.id)
    ).first()
    old = (who.employee_no, who.name_th, who.email)
    who.deactivated_on = date.today() - timedelta(days=1)
    db.session.commit()
    for c in (cycle, closed_cycle):
        summary.bring_up_to_date(c)
    db.session.commit()
    before = _every_figure([cycle, closed_cycle])
    admin = PersonFactory(unit=UnitFactory(code="IT"), roles=(("admin", None),))  # elsewhere
    db.session.commit()
    before |= {k: v for k, v in _every_figure([cycle, closed_cycle]).items() if k[1] == "IT"}
    with pytest.raises(AnonymiseRefused):
        anonymise(admin, by=admin)  # still active
    db.session.rollback()
    files = anonymise(who, by=admin)
    db.session.commit()
    assert isinstance(files, list)
    assert _every_figure([cycle, closed_cycle]) == before
    assert summary.drift(cycle) == [] and summary.drift(closed_cycle) == []
    db.session.expire_all()
    gone = db.session.get(Person, who.id)
    assert gone.employee_no == f"ANON-{who.id}" and gone.email is None
    assert all(
        a.title == "—" and a.learned is None
        for a in db.session.scalars(
            select(LearningActivity).where(LearningActivity.person_id == who.id)
        )
    )
    logged = json.dumps(
        [e.details for e in db.session.scalars(select(AuditEvent))], ensure_ascii=False
    )
    for word in old:
        if word:
            assert word not in logged
    with pytest.raises(AnonymiseRefused):
        anonymise(gone, by=admin)  # once
    db.session.rollback()


def test_the_administrator_anonymises_on_the_web_and_the_files_go(client, someone):
    evidence = db.session.scalars(select(EvidenceFile)).one()
    path = stored_path(evidence)
    assert path.exists()
    admin = PersonFactory(unit=someone.unit, roles=(("admin", None),), locale="en")
    login(client, admin)
    url = f"/admin/people/{someone.employee_no}"
    assert "Anonymise" not in client.get(f"{url}/edit").get_data(as_text=True)  # still active
    assert client.post(f"{url}/anonymise", data={"confirm": someone.employee_no}).status_code == 302
    db.session.expire_all()
    assert not db.session.get(Person, someone.id).employee_no.startswith("ANON-")  # refused
    someone.deactivated_on = date.today()
    db.session.commit()
    assert "Anonymise" in client.get(f"{url}/edit").get_data(as_text=True)
    client.post(f"{url}/anonymise", data={"confirm": "wrong"})
    db.session.expire_all()
    assert not db.session.get(Person, someone.id).employee_no.startswith("ANON-")
    done = client.post(f"{url}/anonymise", data={"confirm": someone.employee_no})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Person, someone.id).employee_no == f"ANON-{someone.id}"
    assert not path.exists() and db.session.scalars(select(EvidenceFile)).first() is None
    hr = client.application.test_client()
    login(hr, PersonFactory(unit=someone.unit, roles=(("hr", someone.unit),)))
    assert (
        hr.post(f"/admin/people/ANON-{someone.id}/anonymise", data={"confirm": "x"}).status_code
        == 404
    )


def test_the_command_refuses_an_active_person_and_anonymises_one_who_left(app, someone):
    cli = app.test_cli_runner()
    refused = cli.invoke(args=["lms", "person", "anonymise", someone.employee_no, "--yes"])
    assert refused.exit_code != 0 and "still active" in refused.output
    someone.deactivated_on = date.today()
    db.session.commit()
    number = someone.employee_no
    done = cli.invoke(args=["lms", "person", "anonymise", number, "--yes"])
    assert done.exit_code == 0 and "1 evidence files removed" in done.output
    assert cli.invoke(args=["lms", "person", "anonymise", "NOPE", "--yes"]).exit_code != 0


def test_feedback_words_by_and_about_them_go_too(app, someone):
    activity = db.session.scalars(select(LearningActivity)).one()
    boss = someone.supervisor
    post(target("activity", activity.id), "ดีมาก สมศรีทำได้ดี", by=boss)
    post(target("activity", activity.id), "ขอบคุณค่ะ", by=someone)
    db.session.commit()
    someone.deactivated_on = date.today()
    db.session.commit()
    anonymise(someone, by=None)
    db.session.commit()
    bodies = set(db.session.scalars(select(FeedbackMessage.body)))
    assert bodies == {"—"}


def test_events_about_others_that_name_them_lose_their_name_too(app, someone):
    from lms.audit import audit

    colleague = PersonFactory(unit=someone.unit)
    audit(
        "supervisor_changed",
        None,
        colleague,
        before=f"{someone.employee_no} {someone.name_th}",
        email=someone.email,
    )
    someone.deactivated_on = date.today()
    db.session.commit()
    old = (someone.employee_no, someone.name_th, someone.email)
    anonymise(someone, by=None)
    db.session.commit()
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "supervisor_changed")
    ).one()
    assert event.subject_id == colleague.id  # who did what to whom stays
    text = json.dumps(event.details, ensure_ascii=False)
    assert all(word not in text for word in old) and f"ANON-{someone.id}" in text
