"""Self-assessment: rate each area, autosave, resume, submit, results, radar, history."""

import pytest
from sqlalchemy import select

from lms.assessments.services import (
    AssessmentError,
    find_assessment,
    save_area,
    start_assessment,
    submit_assessment,
)
from lms.cycles import create_cycle, cycle_areas
from lms.extensions import db
from lms.models import Rating, SelfAssessment, SubSkillRating
from tests.conftest import login
from tests.factories import PersonFactory

AREAS = ["DLIT", "DGOV", "DTECH", "DPSD", "SPM", "DLEAD", "DTRANS"]


@pytest.fixture
def person(client, cycle):
    someone = PersonFactory()
    login(client, someone)
    return someone


def rate(client, code, level, justification="", action="next", **extra):
    data = {"level": str(level) if level is not None else "", "justification": justification}
    data.update(extra, action=action)
    return client.post(f"/assessment/2566/areas/{code}", data=data)


def stored(person, cycle):
    db.session.expire_all()
    return find_assessment(person, cycle)


def test_the_whole_journey_from_start_to_results(client, person, cycle):
    overview = client.get("/assessment/2566/")
    assert overview.status_code == 200
    assert "เริ่มทำ" in overview.get_data(as_text=True)
    for i, code in enumerate(AREAS):
        response = rate(client, code, i % 5, justification=f"ตัวอย่างงาน {code}")
        assert response.status_code == 302
        expected = (
            f"/assessment/2566/areas/{AREAS[i + 1]}"
            if i + 1 < len(AREAS)
            else "/assessment/2566/review"
        )
        assert response.headers["Location"] == expected
    review = client.get("/assessment/2566/review").get_data(as_text=True)
    assert "ตัวอย่างงาน DTRANS" in review
    response = client.post("/assessment/2566/review")
    assert response.headers["Location"] == f"/people/{person.employee_no}/assessments/2566"
    results = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "radar.png" in results and "ตัวอย่างงาน DLIT" in results
    assessment = stored(person, cycle)
    assert assessment.status == "submitted" and assessment.submitted_at is not None
    assert sorted(r.level for r in assessment.ratings) == sorted(i % 5 for i in range(7))


def test_the_area_page_shows_description_scale_and_target(client, person):
    page = client.get("/assessment/2566/areas/DLIT").get_data(as_text=True)
    assert "ความเข้าใจและใช้เทคโนโลยีดิจิทัล" in page
    assert "ทำได้ด้วยตนเอง" in page  # a level descriptor
    assert "ระดับเป้าหมายของกลุ่มภารกิจของท่าน (" in page and "): 3" in page  # ACAD, DLIT
    assert "ค่าเริ่มต้นที่ฝ่ายบุคคลปรับได้" in page
    assert "การใช้งานคอมพิวเตอร์" in page  # a sub-skill


def test_sub_skills_are_saved_with_the_area(client, person, cycle):
    area = next(a for a in cycle_areas(cycle) if a.code == "DLIT")
    sub = area.sub_skills[0]
    rate(client, "DLIT", 2, **{f"sub_{sub.id}": "3"})
    ratings = stored(person, cycle).sub_ratings
    assert [(r.sub_skill_id, r.level) for r in ratings] == [(sub.id, 3)]


@pytest.mark.parametrize("bad", ["5", "-1", "abc", "2.5"])
def test_levels_outside_the_scale_are_refused_and_the_text_kept(client, person, cycle, bad):
    response = client.post(
        "/assessment/2566/areas/DLIT",
        data={"level": bad, "justification": "ข้อความที่พิมพ์ไว้", "action": "next"},
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "เลือกระดับ 0 ถึง 4" in page
    assert "ข้อความที่พิมพ์ไว้" in page
    assert stored(person, cycle) is None  # nothing half-saved


def test_bad_sub_skill_level_saves_nothing(client, person, cycle):
    area = next(a for a in cycle_areas(cycle) if a.code == "DLIT")
    response = rate(client, "DLIT", 2, **{f"sub_{area.sub_skills[0].id}": "9"})
    assert response.status_code == 422
    assert stored(person, cycle) is None


def test_overlong_justification_is_refused_and_kept(client, person, cycle):
    text = "ก" * 2001
    response = rate(client, "DLIT", 2, justification=text)
    assert response.status_code == 422
    assert text in response.get_data(as_text=True)
    assert stored(person, cycle) is None


def test_a_draft_can_leave_an_area_unrated_but_submit_cannot(client, person, cycle):
    rate(client, "DLIT", 3)
    rate(client, "DGOV", None, justification="ยังไม่แน่ใจ")
    response = client.post("/assessment/2566/review")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "ยังเหลืออีก 6 ด้าน" in page
    assert "/assessment/2566/areas/DGOV" in page  # a link to each area still to rate
    assert stored(person, cycle).status == "draft"


def test_the_draft_survives_logging_out_and_back_in(client, person, cycle):
    rate(client, "DLIT", 3, justification="ใช้ Excel ทุกวัน", action="stay")
    client.post("/logout")
    login(client, person)
    page = client.get("/assessment/2566/areas/DLIT").get_data(as_text=True)
    assert "ใช้ Excel ทุกวัน" in page
    assert '<input checked id="level-3"' in page
    overview = client.get("/assessment/2566/").get_data(as_text=True)
    assert "ทำต่อ" in overview


def test_an_expired_session_sends_the_post_to_log_in_without_losing_the_draft(
    client, person, cycle
):
    rate(client, "DLIT", 3, justification="บันทึกไว้ก่อน", action="stay")
    with client.session_transaction() as session:
        session.clear()  # the session expired
    response = rate(client, "DGOV", 2, justification="พิมพ์หลังหมดเวลา")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    login(client, person)
    page = client.get("/assessment/2566/areas/DLIT").get_data(as_text=True)
    assert "บันทึกไว้ก่อน" in page


def test_the_page_keeps_a_browser_copy_for_unsaved_typing(client, person):
    page = client.get("/assessment/2566/areas/DLIT").get_data(as_text=True)
    assert "data-autosave" in page and "data-storage-key" in page


def test_autosave_answers_json(client, person, cycle):
    response = client.post(
        "/assessment/2566/areas/DGOV",
        data={"level": "1", "justification": "", "action": "autosave"},
        headers={"X-Autosave": "1"},
    )
    assert response.status_code == 200 and response.json["ok"] is True
    assert response.json["saved_at_iso"]
    bad = client.post(
        "/assessment/2566/areas/DGOV",
        data={"level": "7", "action": "autosave"},
        headers={"X-Autosave": "1"},
    )
    assert bad.status_code == 422 and bad.json["ok"] is False
    assert "level" in bad.json["errors"]
    assert [r.level for r in stored(person, cycle).ratings] == [1]


def test_a_submitted_assessment_is_locked(client, person, cycle):
    for code in AREAS:
        rate(client, code, 2)
    client.post("/assessment/2566/review")
    response = rate(client, "DLIT", 4, justification="เปลี่ยนใจ")
    assert response.status_code == 422
    assert "ส่งแบบประเมินตนเองนี้แล้ว" in response.get_data(as_text=True)
    assert {r.level for r in stored(person, cycle).ratings} == {2}
    # the pages of a submitted assessment lead to the results
    assert client.get("/assessment/2566/areas/DLIT").status_code == 302
    assert client.get("/assessment/2566/").status_code == 302


def test_a_second_window_cannot_change_what_the_first_submitted(app, person, cycle):
    first, second = app.test_client(), app.test_client()
    login(first, person)
    login(second, person)
    for code in AREAS:
        rate(first, code, 2)
    second.get("/assessment/2566/areas/DLIT")  # the second window is open on an area
    first.post("/assessment/2566/review")
    response = rate(second, "DLIT", 0, justification="จากหน้าต่างที่สอง")
    assert response.status_code == 422
    assert "จากหน้าต่างที่สอง" in response.get_data(as_text=True)  # the typing is kept
    assert {r.level for r in stored(person, cycle).ratings} == {2}


def test_a_closed_cycle_refuses_changes_and_keeps_the_typing(client, person, ocsc):
    closed = create_cycle(2565, ocsc, status="closed")
    db.session.commit()
    response = client.post(
        "/assessment/2565/areas/DLIT",
        data={"level": "2", "justification": "พิมพ์ไว้", "action": "next"},
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "รอบการประเมินนี้ปิดแล้ว" in page and "พิมพ์ไว้" in page
    assert stored(person, closed) is None
    assert "รอบนี้ปิดแล้ว" in client.get("/assessment/2565/").get_data(as_text=True)


def test_unknown_cycle_and_area_are_not_found(client, person):
    assert client.get("/assessment/2599/").status_code == 404
    assert client.get("/assessment/2566/areas/NOPE").status_code == 404
    assert client.get("/assessment/2566/areas/DSERV").status_code == 404  # other framework


def test_without_an_open_cycle_the_page_explains_what_comes(client, ocsc):
    someone = PersonFactory()
    login(client, someone)
    response = client.get("/assessment/", follow_redirects=True)
    assert "ยังไม่มีรอบการประเมินตนเองที่เปิดอยู่" in response.get_data(as_text=True)


def test_nobody_can_fill_in_someone_elses_assessment(cycle):
    owner, other = PersonFactory(), PersonFactory()
    with pytest.raises(AssessmentError):
        start_assessment(owner, cycle, by=other)
    assessment = start_assessment(owner, cycle, by=owner)
    area = cycle_areas(cycle)[0]
    with pytest.raises(AssessmentError):
        save_area(assessment, area, level=2, justification=None, by=other)
    with pytest.raises(AssessmentError):
        submit_assessment(assessment, by=other)


def test_the_result_shows_levels_targets_gaps_and_history(client, person, cycle, ocsc):
    previous = create_cycle(2565, ocsc, status="open")
    earlier = start_assessment(person, previous, by=person)
    for area in cycle_areas(previous):
        save_area(earlier, area, level=1, justification=None, by=person)
    submit_assessment(earlier, by=person)
    previous.status = "closed"
    db.session.commit()
    for code in AREAS:
        rate(client, code, 2)
    client.post("/assessment/2566/review")
    page = client.get(f"/people/{person.employee_no}/assessments/2566").get_data(as_text=True)
    assert "ปีงบประมาณ 2565" in page and "ปีงบประมาณ 2566" in page  # history columns
    assert "ต่ำกว่าระดับเป้าหมาย 1 จาก 7 ด้าน" in page  # ACAD target DLIT 3 > level 2
    radar = client.get(f"/people/{person.employee_no}/assessments/2566/radar.png")
    assert radar.status_code == 200 and radar.data[:8] == b"\x89PNG\r\n\x1a\n"
    assert radar.headers["Content-Type"] == "image/png"


def test_results_of_a_draft_are_not_shown_to_others(client, cycle):
    owner = PersonFactory()
    boss = PersonFactory(unit=owner.unit)
    owner.supervisor = boss
    db.session.commit()
    assessment = start_assessment(owner, cycle, by=owner)
    save_area(assessment, cycle_areas(cycle)[0], level=3, justification="ส่วนตัว", by=owner)
    db.session.commit()
    login(client, boss)
    page = client.get(f"/people/{owner.employee_no}/assessments/2566").get_data(as_text=True)
    assert "ส่วนตัว" not in page and "ยังไม่มีแบบประเมินตนเองที่ส่งแล้ว" in page
    radar = client.get(f"/people/{owner.employee_no}/assessments/2566/radar.png")
    assert radar.status_code == 404


def test_the_role_group_at_submission_is_recorded(person, cycle):
    assessment = start_assessment(person, cycle, by=person)
    for area in cycle_areas(cycle):
        save_area(assessment, area, level=1, justification=None, by=person)
    submit_assessment(assessment, by=person)
    db.session.commit()
    row = db.session.scalars(select(SelfAssessment)).one()
    assert row.role_group_id == person.role_group_id
    assert db.session.scalars(select(Rating)).all()
    assert db.session.scalars(select(SubSkillRating)).all() == []


def test_a_planned_cycle_is_not_open_yet(client, person, ocsc):
    planned = create_cycle(2567, ocsc, status="planned")
    db.session.commit()
    assert "รอบนี้ยังไม่เปิด" in client.get("/assessment/2567/").get_data(as_text=True)
    assert client.get("/assessment/2567/areas/DLIT").headers["Location"] == "/assessment/2567/"
    response = rate_in(client, 2567, "DLIT", 2)
    assert response.status_code == 422 and "รอบนี้ยังไม่เปิด" in response.get_data(as_text=True)
    assert stored(person, planned) is None


def rate_in(client, be_year, code, level):
    return client.post(
        f"/assessment/{be_year}/areas/{code}", data={"level": str(level), "action": "next"}
    )
