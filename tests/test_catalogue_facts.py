"""Catalogue facts (issue 9): no invented codes or titles reach people, every row keeps its
source, cyber-security courses are found in Thai, and the BMA plan's tracks filter the list."""

import csv

from sqlalchemy import select

from lms.content import CONTENT_DIR
from lms.courses.services import search_courses
from lms.extensions import db
from lms.models import Course, CourseArea, Provider
from tests.conftest import login
from tests.factories import PersonFactory


def course(code: str) -> Course:
    return db.session.scalars(select(Course).where(Course.code == code)).one()


def titles(**query) -> set[str]:
    return {c.title_th for c in search_courses(**query).courses}


def all_codes(**query) -> set[str]:
    pages = search_courses(**query).pages
    return {c.code for n in range(1, pages + 1) for c in search_courses(page=n, **query).courses}


def test_every_starter_row_keeps_its_source_and_confidence():
    with (CONTENT_DIR / "courses.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert rows and all(r["source"].strip() for r in rows)
    assert {r["confidence"] for r in rows} <= {"high", "medium", "low"}
    assert not [r["title_th"] for r in rows if "uncertain" in r["title_th"].lower()]
    stored = db.session.scalars(select(Course)).all()
    assert all(c.source and c.confidence for c in stored)


def test_codes_a_provider_does_not_use_are_neither_shown_nor_searched(client, cycle):
    tdga = course("TDGA-006")
    assert tdga.shown_code is None and course("DS13").shown_code == "DS13"
    assert search_courses(text="TDGA-006").total == 0
    login(client, PersonFactory())
    listing = client.get("/courses/?provider=TDGA").get_data(as_text=True)
    assert "TDGA-0" not in listing and "Digital Literacy: ความฉลาดทางดิจิทัล" in listing
    page = client.get(f"/courses/{tdga.id}").get_data(as_text=True)
    assert "TDGA-006" not in page and "รหัสหลักสูตร" not in page
    assert "(องค์การมหาชน)" in page  # TDGA's full Thai name
    assert "ยังไม่ได้รับการยืนยันจากผู้จัด" in page  # medium confidence says so
    ocsc = client.get(f"/courses/{course('DS13').id}").get_data(as_text=True)
    assert "DS13" in ocsc and "ยังไม่ได้รับการยืนยันจากผู้จัด" not in ocsc


def test_cyber_security_courses_are_found_in_thai_and_are_digital_literacy():
    found = titles(text="ไซเบอร์")
    assert {"Cyber Security Awareness", "Basic Cybersecurity Series"} <= found
    assert all(a.area_code == "DLIT" for a in course("TDGA-009").areas)


def test_coaching_is_not_digital_leadership():
    assert course("SL12").areas == []
    assert "SL12" not in all_codes(area="DLEAD")


def test_the_bma_institute_and_wego_are_providers_with_courses(client, cycle):
    codes = {p.code for p in db.session.scalars(select(Provider))}
    assert {"HRDI", "WEGO"} <= codes
    assert search_courses(provider="HRDI").total == 4  # one classroom course per plan track
    assert search_courses(text="wego").total == 1
    login(client, PersonFactory())
    hrdi = course("HRDI-T3")
    page = client.get(f"/courses/{hrdi.id}").get_data(as_text=True)
    assert "สถาบันพัฒนาข้าราชการกรุงเทพมหานคร" in page
    assert "ไม่มีเว็บไซต์รายชื่อหลักสูตร" in page  # no link to invent: whom to ask instead


def test_the_certification_flag_shows_only_where_known(client, cycle):
    ds13 = course("DS13")
    login(client, PersonFactory())
    assert "ว 6/2561" not in client.get(f"/courses/{ds13.id}").get_data(as_text=True)
    ds13.certified_w6 = True
    db.session.commit()
    try:
        assert "ว 6/2561" in client.get(f"/courses/{ds13.id}").get_data(as_text=True)
        assert "ว 6/2561" in client.get("/courses/?q=digital+literacy").get_data(as_text=True)
    finally:
        ds13.certified_w6 = None
        db.session.commit()


def test_the_track_filter_lists_the_courses_of_a_track(client, cycle):
    service = all_codes(track="T3")
    assert "SL20" in service and "DS11" not in service  # e-service yes, PHP no
    tech = search_courses(track="T4")
    assert all(any(t.track_code == "T4" for t in c.tracks) for c in tech.courses)
    login(client, PersonFactory(group="SERV"))
    page = client.get("/courses/").get_data(as_text=True)
    assert "แสดงหลักสูตรสำหรับแนวทางการพัฒนาของฉัน" in page and "track=T3" in page
    filtered = client.get("/courses/?track=T3").get_data(as_text=True)
    assert 'value="T3" selected' in filtered


def test_hours_are_kept_where_the_provider_states_them():
    assert course("251").hours is not None and course("TDGA-006").hours is not None
    unknown = db.session.scalars(
        select(Course).join(CourseArea).where(Course.hours.is_(None))
    ).all()
    assert all(c.provider.code in {"OCSC", "TDGA", "HRDI", "WEGO"} for c in unknown)
