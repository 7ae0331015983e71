"""The staff home page: where I am in the cycle, what is due and when, my gaps, my team."""

from datetime import date

import pytest

from lms.assessments.services import save_area, start_assessment
from lms.cycles import create_cycle, cycle_areas
from lms.extensions import db
from lms.main.services import home_summary
from tests.conftest import login
from tests.factories import PersonFactory, submitted_assessment


def test_first_visit_invites_to_start_the_self_assessment(client, cycle):
    person = PersonFactory()
    login(client, person)
    page = client.get("/").get_data(as_text=True)
    assert "เริ่มประเมินตนเอง" in page
    assert "ปีงบประมาณ 2566" in page
    assert "30 พ.ย. 2565" in page  # the self-assessment deadline, in BE
    assert "ช่องว่างทักษะของท่านจะแสดงที่นี่" in page


def test_a_draft_shows_progress_and_continue(client, cycle):
    person = PersonFactory()
    assessment = start_assessment(person, cycle, by=person)
    save_area(assessment, cycle_areas(cycle)[0], level=2, justification=None, by=person)
    db.session.commit()
    login(client, person)
    page = client.get("/").get_data(as_text=True)
    assert "ประเมินแล้ว 1 จาก 7 ด้าน" in page
    assert "ทำแบบประเมินตนเองต่อ" in page


def test_after_submitting_the_gaps_are_listed_largest_first(client, cycle):
    person = PersonFactory(group="EXEC")
    submitted_assessment(person, cycle, level=1)
    summary = home_summary(person)
    assert summary.assessment_status == "submitted"
    # EXEC targets: DLEAD 4 and DTRANS 4 give the largest gaps (3)
    assert [g.area.code for g in summary.gaps[:2]] == ["DLEAD", "DTRANS"]
    assert summary.milestones[0].done
    login(client, person)
    page = client.get("/").get_data(as_text=True)
    assert "ดูผลและช่องว่างทักษะของฉัน" in page and "ผู้นำดิจิทัล" in page


def test_meeting_every_target_is_celebrated(client, cycle):
    person = PersonFactory(group="OTHER")
    submitted_assessment(person, cycle, level=4)
    login(client, person)
    assert "ถึงระดับเป้าหมายครบทุกด้านแล้ว" in client.get("/").get_data(as_text=True)


def test_overdue_milestones_are_marked(cycle, monkeypatch):
    person = PersonFactory()
    monkeypatch.setattr("lms.main.services.today", lambda: date(2023, 1, 1))
    summary = home_summary(person)
    assert summary.milestones[0].overdue  # assessment due 30 Nov 2022
    assert not summary.milestones[3].overdue  # evaluation due Sep 2023


def test_supervisors_see_their_team_at_a_glance(client, cycle):
    boss = PersonFactory(group="MGMT")
    done = PersonFactory(supervisor=boss)
    PersonFactory(supervisor=boss)
    submitted_assessment(done, cycle)
    login(client, boss)
    page = client.get("/").get_data(as_text=True)
    assert "1 / 2" in page and 'href="/team"' in page


def test_without_an_open_cycle_home_is_not_a_dead_end(client, ocsc):
    closed = create_cycle(2565, ocsc, status="open")
    person = PersonFactory()
    submitted_assessment(person, closed, level=1)
    closed.status = "closed"
    db.session.commit()
    login(client, person)
    page = client.get("/").get_data(as_text=True)
    assert "ขณะนี้ยังไม่มีรอบการประเมินที่เปิดอยู่" in page
    assert "ปีงบประมาณ 2565" in page  # gaps of the last submitted cycle still show


@pytest.mark.parametrize("lang", ["th", "en"])
def test_home_renders_in_both_languages(client, cycle, lang):
    person = PersonFactory()
    login(client, person)
    client.post("/language", data={"lang": lang})
    page = client.get("/").get_data(as_text=True)
    assert ("What is due and when" in page) == (lang == "en")


def test_a_cycle_kept_open_after_its_year_says_so_once(client, cycle, monkeypatch):
    person = PersonFactory()
    login(client, person)
    monkeypatch.setattr("lms.i18n.today", lambda: date(2026, 11, 23))
    page = client.get("/").get_data(as_text=True)
    assert "ปีงบประมาณ 2566 สิ้นสุดเมื่อ 30 ก.ย. 2566" in page
    assert "เลยกำหนดแล้ว" in page and "เกินกำหนด" not in page
    monkeypatch.setattr("lms.i18n.today", lambda: date(2022, 11, 20))
    page = client.get("/").get_data(as_text=True)
    assert "สิ้นสุดเมื่อ" not in page and "เหลืออีก 10 วัน" in page
