"""The BMA plan's four development tracks: shown with their goal where a person assesses
themselves and reads their results (issue 9)."""

import pytest

from lms.cycles import area_tracks, cycle_areas
from tests.conftest import login
from tests.factories import PersonFactory, submitted_assessment


def test_each_area_serves_the_tracks_whose_groups_have_a_target(cycle):
    by_code = {a.code: area_tracks(cycle).get(a.id, []) for a in cycle_areas(cycle)}
    assert [t.code for t in by_code["DLIT"]] == ["T1", "T2", "T3", "T4"]
    assert [t.code for t in by_code["DLEAD"]] == ["T1"]  # executives and directors only
    assert [t.code for t in by_code["DTRANS"]] == ["T1"]


@pytest.mark.parametrize(
    ("group", "number", "goal"),
    [
        ("MGMT", "1", "นักบริหารของกรุงเทพมหานคร"),
        ("OTHER", "2", "สามารถวิเคราะห์ใช้ข้อมูลสารสนเทศ"),
        ("SERV", "3", "การให้บริการที่ทันสมัย"),
        ("TECH", "4", "โครงสร้างพื้นฐานและงานด้านเทคโนโลยีดิจิทัลของกรุงเทพมหานคร"),  # completed
    ],
)
def test_my_track_and_its_goal_on_the_overview_and_results(client, cycle, group, number, goal):
    person = PersonFactory(group=group)
    login(client, person)
    overview = client.get("/assessment/2566/").get_data(as_text=True)
    assert "แนวทางการพัฒนาของฉัน" in overview and f"แนวทางที่ {number}:" in overview
    assert goal in overview
    assert "สนับสนุน แนวทางที่ 1" in overview  # digital leadership serves track 1 only
    submitted_assessment(person, cycle, level=1)
    results = client.get(f"/people/{person.employee_no}/assessments/2566").get_data(as_text=True)
    assert f"แนวทางที่ {number}:" in results and goal in results
    assert "สนับสนุน ทุกแนวทาง" in results


def test_the_track_in_english(client, cycle):
    login(client, PersonFactory(group="SERV"))
    client.post("/language", data={"lang": "en"})
    page = client.get("/assessment/2566/").get_data(as_text=True)
    assert "My development track" in page and "Track 3: Digital skills for public service" in page
    assert "ready to move on to modern services" in page
