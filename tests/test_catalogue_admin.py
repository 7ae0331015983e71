"""HR keeps the course catalogue (issue 20, part 2): courses and providers added, changed,
retired and brought back on the web, each audited; courses imported from a file through the
validate-everything-then-write path; the starter loader never overwriting HR's changes;
`flask lms courses check-links` with and without a network; who may."""

import io
import socket
import urllib.error

import pytest
from flask_babel import force_locale
from sqlalchemy import delete, insert, select, update

from lms.content import load_all
from lms.courses import links
from lms.extensions import db
from lms.models import AuditEvent, Course, CourseArea, CourseTrack, Plan, Provider
from lms.plans.services import build_from_gaps
from tests.conftest import login
from tests.factories import PersonFactory, UnitFactory, submitted_assessment

CATALOGUE = (Provider, Course, CourseArea, CourseTrack)


@pytest.fixture(autouse=True)
def _catalogue_put_back():
    """The starter catalogue is content, kept between tests: what a test changes in it is put
    back (rows it adds are removed by conftest)."""
    kept = {
        m: [dict(r._mapping) for r in db.session.execute(select(m.__table__))] for m in CATALOGUE
    }
    yield
    db.session.rollback()
    for model in (CourseArea, CourseTrack):
        db.session.execute(delete(model.__table__))
    for model in (Provider, Course):
        for row in kept[model]:
            db.session.execute(
                update(model.__table__).where(model.__table__.c.id == row["id"]).values(row)
            )
    for model in (CourseArea, CourseTrack):
        if kept[model]:
            db.session.execute(insert(model.__table__), kept[model])
    db.session.commit()


@pytest.fixture
def people():
    top = UnitFactory(code="TOP")
    dept = UnitFactory(code="DEPT", parent=top)
    return {
        "hr": PersonFactory(unit=top, roles=(("hr", top),), locale="en"),
        "hr_dept": PersonFactory(unit=dept, roles=(("hr", dept),), locale="en"),
        "staff": PersonFactory(unit=dept, locale="en"),
    }


def _course(code: str) -> Course | None:
    db.session.expire_all()
    return db.session.scalars(select(Course).where(Course.code == code)).first()


def _new_course(**changes) -> dict:
    form = {
        "provider": "TDGA",
        "code": "DG-900",
        "title_th": "การวิเคราะห์ข้อมูลด้วยตารางคำนวณ",
        "title_en": "Spreadsheet analysis",
        "url": "https://tdga.dga.or.th/course/dg-900",
        "hours": "6",
        "level": "2",
        "language": "th",
        "areas": ["DLIT", "DTECH"],
        "tracks": ["T2"],
        "keywords": "Excel;ตาราง",
        "code_official": "y",
        "certified_w6": "y",
        "source": "TDGA catalogue, 1/12/2569",
        "confidence": "high",
    }
    return form | changes


def test_hr_adds_a_course_and_staff_put_it_in_their_plan(client, people, cycle):
    login(client, people["hr"])
    bad = client.post(
        "/courses/manage/new",
        data=_new_course(title_th="", url="tdga.dga.or.th", hours="abc", level="9", areas=["ZZZ"]),
    )
    text = bad.get_data(as_text=True)
    assert bad.status_code == 422 and _course("DG-900") is None
    for said in ("Required", "https://", "hours as a number", "level from 0 to 4", "Unknown: ZZZ"):
        assert said in text
    assert 'value="Spreadsheet analysis"' in text and 'value="abc"' in text  # nothing lost
    unknown = client.post("/courses/manage/new", data=_new_course(provider="NOPE"))
    assert unknown.status_code == 422 and "No provider has this code" in unknown.get_data(
        as_text=True
    )
    made = client.post("/courses/manage/new", data=_new_course())
    assert made.status_code == 302
    course = _course("DG-900")
    assert course.hours == 6 and sorted(a.area_code for a in course.areas) == ["DLIT", "DTECH"]
    assert course.certified_w6 is True and course.active
    again = client.post("/courses/manage/new", data=_new_course(title_th="ซ้ำ"))
    assert again.status_code == 422 and "already has a course with this code" in again.get_data(
        as_text=True
    )
    # a staff member finds it and puts it in their plan
    staff = people["staff"]
    submitted_assessment(staff, cycle)
    plan, _ = build_from_gaps(staff, cycle, by=staff)
    db.session.commit()
    reader = client.application.test_client()
    login(reader, staff)
    found = reader.get("/courses/?q=spreadsheet").get_data(as_text=True)
    assert f"/courses/{course.id}" in found
    goal = next(g for g in plan.goals if g.area.code == "DLIT")
    added = reader.post(
        f"/courses/{course.id}/add-to-plan", data={"goal": goal.id, "version": plan.version}
    )
    assert added.status_code == 302
    db.session.expire_all()
    assert any(
        a.course_id == course.id for g in db.session.get(Plan, plan.id).goals for a in g.activities
    )
    assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "course_created"))


def test_hr_changes_and_retires_a_course_and_the_loader_keeps_it(client, people, cycle):
    login(client, people["hr"])
    course = _course("KD53")
    page = client.get(f"/courses/{course.id}/edit").get_data(as_text=True)
    assert f'value="{course.title_th}"' in page
    form = {k: v for k, v in _new_course().items()}
    form |= {
        "provider": "OCSC",
        "code": "KD53",
        "title_th": "ชื่อใหม่ที่ฝ่ายบุคคลตั้ง",
        "url": "",
        "areas": ["DGOV"],
        "tracks": [],
    }
    assert client.post(f"/courses/{course.id}/edit", data=form).status_code == 302
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "course_changed")
    ).one()
    assert event.details["changed"]["title_th"][1] == "ชื่อใหม่ที่ฝ่ายบุคคลตั้ง"
    load_all()  # the starter loader, as `flask lms init` runs it
    db.session.commit()
    assert _course("KD53").title_th == "ชื่อใหม่ที่ฝ่ายบุคคลตั้ง"  # HR's change stays
    assert client.post(f"/courses/{course.id}/retire").status_code == 302
    assert not _course("KD53").active
    staff = client.application.test_client()
    login(staff, people["staff"])
    assert f"/courses/{course.id}" not in staff.get("/courses/?q=ชื่อใหม่").get_data(as_text=True)
    assert "is retired" in staff.get(f"/courses/{course.id}").get_data(as_text=True)
    assert client.post(f"/courses/{course.id}/restore").status_code == 302
    assert _course("KD53").active
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"course_retired", "course_restored"} <= actions


def test_hr_keeps_the_providers(client, people, cycle):
    login(client, people["hr"])
    assert client.get("/courses/providers").status_code == 200
    bad = client.post("/courses/providers/new", data={"code": "TDGA", "name_th": "", "url": "x"})
    text = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "exists already" in text and "https://" in text
    made = client.post(
        "/courses/providers/new",
        data={"code": "nida", "name_th": "สถาบันบัณฑิตพัฒนบริหารศาสตร์", "url": "https://nida.ac.th/"},
    )
    assert made.status_code == 302
    assert db.session.scalar(select(Provider.name_th).where(Provider.code == "NIDA"))
    tdga = db.session.scalars(select(Provider).where(Provider.code == "TDGA")).one()
    changed = client.post(
        "/courses/providers/TDGA/edit", data={"name_th": "TDGA ชื่อใหม่", "url": tdga.url}
    )
    assert changed.status_code == 302
    load_all()
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Provider, tdga.id).name_th == "TDGA ชื่อใหม่"  # the loader keeps it
    assert client.post("/courses/providers/TDGA/retire").status_code == 302
    staff = client.application.test_client()
    login(staff, people["staff"])
    listing = staff.get("/courses/?provider=TDGA").get_data(as_text=True)
    assert "No course matches" in listing  # its courses left with it
    assert client.post("/courses/providers/TDGA/restore").status_code == 302
    assert "No course matches" not in staff.get("/courses/?provider=TDGA").get_data(as_text=True)


def _import(client, body: str):
    return client.post(
        "/admin/imports",
        data={"what": "courses", "file": (io.BytesIO(body.encode("utf-8")), "courses.csv")},
        content_type="multipart/form-data",
    )


HEADER = "provider,code,title_th,title_en,url,areas,level,hours,language\n"


def test_courses_come_from_a_file_checked_whole_first(client, people, cycle):
    login(client, people["hr"])
    bad = _import(
        client,
        HEADER
        + "NOPE,X1,หนึ่ง,,,DLIT,1,2,th\n"
        + "TDGA,X2,สอง,,,ZZZ,1,2,th\n"
        + "TDGA,X3,สาม,,,DLIT,7,0,xx\n"
        + "TDGA,X2,ซ้ำ,,,DLIT,1,2,th\n",
    )
    job = client.get(bad.headers["Location"]).get_data(as_text=True)
    for said in (
        "No provider has this code",
        "Unknown: ZZZ",
        "level from 0 to 4",
        "above 0",
        "th or en",
        "also on row 3",
    ):
        assert said in job
    assert _course("X2") is None
    good = _import(
        client,
        HEADER
        + "TDGA,X2,สอง,Two,https://x.test/2,DLIT;DGOV,1,2.5,th\nOCSC,KD53,ชื่อจากไฟล์,,,DGOV,,,th\n",
    )
    url = good.headers["Location"]
    preview = client.get(url).get_data(as_text=True)
    assert "Import these 2 rows" in preview and _course("X2") is None  # nothing before confirming
    assert client.post(url).status_code == 302
    assert _course("X2").hours == 2.5 and _course("KD53").title_th == "ชื่อจากไฟล์"
    assert "import_courses" in set(db.session.scalars(select(AuditEvent.action)))


def test_the_starter_file_imports_unchanged_and_the_command_line_does_the_same(app, cycle):
    result = app.test_cli_runner().invoke(args=["lms", "import", "courses", "content/courses.csv"])
    assert result.exit_code == 0 and "unchanged 54" in result.output


def test_only_those_who_keep_the_catalogue_change_it(client, people, cycle):
    course = _course("KD53")
    for who in ("staff", "hr_dept"):
        browser = client.application.test_client()
        login(browser, people[who])
        assert browser.get("/courses/manage").status_code == 404
        assert browser.get(f"/courses/{course.id}/edit").status_code == 404
        assert browser.post("/courses/manage/new", data=_new_course()).status_code == 404
        assert browser.post(f"/courses/{course.id}/retire").status_code == 404
        assert browser.post("/courses/providers/TDGA/retire").status_code == 404
        assert "/courses/manage" not in browser.get("/courses/").get_data(as_text=True)
    browser = client.application.test_client()
    login(browser, people["hr_dept"])
    assert 'value="courses"' not in browser.get("/admin/imports").get_data(as_text=True)
    refused = _import(browser, HEADER + "TDGA,X9,เก้า,,,DLIT,1,2,th\n")
    assert refused.status_code == 200 and "Location" not in refused.headers  # not a choice
    assert _course("X9") is None and _course("KD53").active


def test_an_import_by_someone_who_does_not_keep_the_catalogue_is_refused(people, cycle):
    from lms.exchange import ImportRefused, import_courses, read_table

    table = read_table((HEADER + "TDGA,X9,เก้า,,,DLIT,1,2,th\n").encode())
    with pytest.raises(ImportRefused) as refused:
        import_courses(table, by=people["hr_dept"])
    with force_locale("en"):
        assert "whole organisation" in str(refused.value.problems[0].message)


def _fake_web(answers: dict):
    def fetch(url, _timeout):
        answer = answers.get(url, 200)
        if isinstance(answer, Exception):
            raise answer
        return answer

    return fetch


def test_check_links_lists_the_dead_and_says_when_there_is_no_network(app, cycle, monkeypatch):
    urls = [link.url for link in links.catalogue_links()]
    assert len(urls) > 3
    gone, no_host, slow = urls[0], urls[1], urls[2]
    monkeypatch.setattr(
        links,
        "fetch_status",
        _fake_web(
            {
                gone: 404,
                no_host: urllib.error.URLError(socket.gaierror(-2, "Name or service not known")),
                slow: urllib.error.URLError(TimeoutError("timed out")),
            }
        ),
    )
    result = app.test_cli_runner().invoke(args=["lms", "courses", "check-links"])
    assert result.exit_code == 1
    dead = result.output.split("Could not check")[0]
    assert gone in dead and no_host in dead and slow not in dead
    assert f"{len(urls) - 3} alive, 2 dead, 1 could not be checked" in result.output
    offline = urllib.error.URLError(socket.gaierror(-3, "Temporary failure in name resolution"))
    monkeypatch.setattr(links, "fetch_status", _fake_web(dict.fromkeys(urls, offline)))
    result = app.test_cli_runner().invoke(args=["lms", "courses", "check-links"])
    assert (
        result.exit_code == 2
        and "no network" in result.output
        and "dead" not in result.output.split("Nothing is called")[0]
    )
