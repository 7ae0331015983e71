"""The course catalogue: search (Thai and English, tone marks ignored), filters, course page."""

import pytest
from sqlalchemy import select

from lms.courses.services import search_courses
from lms.extensions import db
from lms.models import Course, Plan
from lms.plans.services import build_from_gaps
from tests.conftest import login
from tests.factories import PersonFactory, submitted_assessment


def codes(**query):
    return {c.code for c in search_courses(**query).courses}


def test_search_ignores_case_and_thai_tone_marks():
    assert "KD53" in codes(text="คุ้มครองข้อมูล")
    assert "KD53" in codes(text="คุมครองขอมูล")  # typed without the tone marks
    assert "DS06" in codes(text="microsoft EXCEL")
    assert codes(text="excel 2016") == {"DS06"}  # every word must match


def test_filters_by_provider_area_and_level():
    assert codes(provider="CHULAMOOC") == {"251", "247", "253"}
    assert all(
        any(a.area_code == "DGOV" for a in c.areas) for c in search_courses(area="DGOV").courses
    )
    assert all(c.level == 3 for c in search_courses(level=3).courses)
    assert codes(provider="OCSC", area="SPM", level=3) == {"KD11", "SL38"}


def test_retired_courses_are_not_listed():
    course = db.session.scalars(select(Course).where(Course.code == "DS13")).one()
    course.active = False
    db.session.commit()
    assert "DS13" not in codes(text="digital literacy")
    course.active = True
    db.session.commit()


def test_the_catalogue_pages(client, cycle):
    login(client, PersonFactory())
    page = client.get("/courses/").get_data(as_text=True)
    assert "54 หลักสูตร" in page and "หน้า 1 จาก 3" in page
    page = client.get("/courses/?page=3").get_data(as_text=True)
    assert "หน้า 3 จาก 3" in page
    page = client.get("/courses/?q=ไม่มีหลักสูตรนี้แน่นอน").get_data(as_text=True)
    assert "ไม่พบหลักสูตรที่ตรงกัน" in page
    page = client.get("/courses/?provider=THAIMOOC&area=DTECH").get_data(as_text=True)
    assert "พื้นฐาน Internet of Things" in page


def test_a_course_page_links_out_or_to_the_provider_catalogue(client, cycle):
    login(client, PersonFactory())
    known = db.session.scalars(select(Course).where(Course.code == "251")).one()
    page = client.get(f"/courses/{known.id}").get_data(as_text=True)
    assert "https://mooc.chula.ac.th/course-detail/251" in page and "ไปที่หลักสูตร" in page
    unknown = db.session.scalars(select(Course).where(Course.code == "DS13")).one()
    page = client.get(f"/courses/{unknown.id}").get_data(as_text=True)
    assert "https://learningportal.ocsc.go.th/learningspace/" in page
    assert "ค้นหาด้วยชื่อหลักสูตร" in page  # not by a code the provider may not use
    assert client.get("/courses/99999").status_code == 404


def test_add_a_course_to_my_idp_from_the_catalogue(client, cycle):
    person = PersonFactory()
    submitted_assessment(person, cycle)
    plan, _ = build_from_gaps(person, cycle, by=person)
    db.session.commit()
    login(client, person)
    course = db.session.scalars(select(Course).where(Course.code == "KD53")).one()
    page = client.get(f"/courses/{course.id}").get_data(as_text=True)
    assert "สำหรับเป้าหมายใด" in page
    goal = next(g for g in plan.goals if g.area.code == "DGOV")
    response = client.post(
        f"/courses/{course.id}/add-to-plan", data={"goal": goal.id, "version": plan.version}
    )
    assert response.headers["Location"] == f"/plan/2566/#goal-{goal.id}"
    db.session.expire_all()
    [activity] = db.session.get(Plan, plan.id).goals[1].activities
    assert activity.course_id == course.id and activity.bucket == "10"


def test_someone_elses_goal_cannot_receive_my_course(client, cycle):
    owner = PersonFactory()
    submitted_assessment(owner, cycle)
    plan, _ = build_from_gaps(owner, cycle, by=owner)
    db.session.commit()
    login(client, PersonFactory())
    course = db.session.scalars(select(Course)).first()
    response = client.post(f"/courses/{course.id}/add-to-plan", data={"goal": plan.goals[0].id})
    assert response.status_code == 404


@pytest.mark.parametrize("lang", ["th", "en"])
def test_catalogue_in_both_languages(client, cycle, lang):
    login(client, PersonFactory())
    client.post("/language", data={"lang": lang})
    page = client.get("/courses/").get_data(as_text=True)
    assert ("Course catalogue" in page) == (lang == "en")


def test_course_levels_read_as_the_self_rating_they_help_reach(client, cycle):
    from tests.conftest import login
    from tests.factories import PersonFactory

    login(client, PersonFactory())
    page = client.get("/courses/").get_data(as_text=True)
    assert "ช่วยให้ถึงระดับ" in page and '<span class="badge">ระดับ 1</span>' not in page
    overview = client.get("/assessment/2566/").get_data(as_text=True)
    assert "ระดับการประเมินของระบบ (ไม่ใช่เกณฑ์ของสำนักงาน ก.พ.)" in overview
