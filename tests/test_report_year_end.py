"""Issue 21, part 1 and 3: the year-end, learning verified and applied at work, and hours per
person in the unit report — by hand on a small organisation, through the services people use,
and the page, XLSX, CSV, PDF and JSON telling the same numbers."""

import csv
import io
import shutil
import subprocess

import pytest
from openpyxl import load_workbook

from lms.cycles import cycle_areas
from lms.evaluations.services import save_self_evaluation, save_supervisor_evaluation
from lms.extensions import db
from lms.people.org import add_unit
from lms.reports import summary
from lms.reports.figures import HoursSpread
from lms.reports.queries import HEADLINE, live_figures, unit_report
from lms.reviews.services import unverify_activity, verify_activity
from tests.conftest import login
from tests.factories import PersonFactory
from tests.report_world import evaluate, goal, learn, person, plan, verify
from tests.test_report_pages import bearer


@pytest.fixture
def year(cycle, closed_cycle):
    """DEPT with its director placed in it, SEC-A (p1, p2) and SEC-B (p3, p4). Hours:
    p1 15.5 (12.0 verified and applied at work + 3.5 verified), p2 0.5, p3 30.0 (verified),
    p4 nothing, the director 11.9 (applied at work). p1's year-end goes through the
    evaluation pages' services (two goals: achieved, partly); p2 only sent their own
    self-evaluation (a goal rated "not achieved" in an unfinished evaluation does not count);
    p3 sent theirs and the plan is completed with goals not achieved and achieved."""
    dept = add_unit("YE", "สำนักปลายปี", "Year-end office")
    a = add_unit("YE-A", "ฝ่ายเอ", "Section A", dept)
    b = add_unit("YE-B", "ฝ่ายบี", "Section B", dept)
    director = person(dept, 10, "MGMT")
    p1, p2, p3 = person(a, 1), person(a, 2, "SERV"), person(b, 3, "TECH")
    person(b, 4)  # logs nothing
    p1.supervisor_id = director.id
    db.session.commit()
    summary.bring_up_to_date(cycle)
    db.session.commit()  # built: everything below reaches it as changes

    first = learn(p1, cycle, "70", "12.0")
    second = learn(p1, cycle, "10", "3.5")
    learn(p2, cycle, "20", "0.5")
    verify(learn(p3, cycle, "70", "30.0"))
    verify(learn(director, cycle, "70", "11.9"), applied=True)
    db.session.commit()
    verify_activity(first, by=director, applied=True, checked=False)
    verify_activity(second, by=director, checked=False)
    db.session.commit()

    mine = plan(p1, cycle, "approved")
    goals = [goal(mine, cycle, "DLIT"), goal(mine, cycle, "DGOV")]
    db.session.commit()
    save_self_evaluation(mine, {g.id: ("achieved", None) for g in goals}, by=p1, finish=True)
    db.session.commit()
    save_supervisor_evaluation(
        mine,
        {area.id: ("2", None) for area in cycle_areas(cycle)},
        {goals[0].id: ("achieved", None), goals[1].id: ("partly", None)},
        by=director,
        complete=True,
        early_reason="ย้ายหน่วยงาน",
    )
    db.session.commit()

    waiting = plan(p2, cycle, "approved")
    goal(waiting, cycle, "DLIT", "not_achieved")
    evaluate(waiting, self_done=True, done=False)
    done = plan(p3, cycle, "completed")
    goal(done, cycle, "DLIT", "not_achieved")
    goal(done, cycle, "SPM", "achieved")
    evaluate(done)
    db.session.commit()
    hr = PersonFactory(unit=add_unit("YE-HR", "ฝ่ายบุคคล"), roles=(("hr", dept),), locale="en")
    db.session.commit()
    return {"dept": dept, "cycle": cycle, "hr": hr, "first": first, "director": director}


def test_the_year_end_figures_by_hand(year):
    cycle, dept = year["cycle"], year["dept"]
    assert summary.drift(cycle) == []  # every change above moved the summary exactly
    report = unit_report(dept, cycle)
    f = report.figures
    assert f.headcount == 5
    assert (f.self_evaluated, f.evaluated) == (3, 2)  # p1, p2, p3 sent theirs; p1, p3 evaluated
    assert (f.self_evaluated_rate, f.evaluated_rate) == (0.6, 0.4)
    assert (f.goals_evaluated, f.goals_achieved, f.goals_partly, f.goals_not_achieved) == (
        4,
        2,
        1,
        1,
    )
    assert f.goals_achieved_rate == 0.5
    assert (f.verified, f.applied_at_work) == (3, 2)  # p1, p3, the director; p1, the director
    assert (f.verified_rate, f.applied_at_work_rate) == (0.6, 0.4)
    assert f.verified_hours == pytest.approx(15.5 + 30.0 + 11.9)
    assert f.hours_bands == {"0": 1, "1-11": 2, "12-29": 1, "30+": 1}
    assert f.median_hours == pytest.approx(11.9)  # 0, 0.5, 11.9, 15.5, 30.0

    section_a, section_b = report.children
    assert section_a.figures.hours_bands == {"0": 0, "1-11": 1, "12-29": 1, "30+": 0}
    assert section_a.figures.median_hours == pytest.approx(8.0)  # (0.5 + 15.5) / 2
    assert section_b.figures.median_hours == pytest.approx(15.0)  # (0 + 30) / 2
    assert (section_a.figures.applied_at_work, section_b.figures.applied_at_work) == (1, 0)
    assert (section_a.figures.evaluated, section_b.figures.evaluated) == (1, 1)
    assert report.own.figures.median_hours == pytest.approx(11.9)  # the director alone
    assert report.own.figures.applied_at_work == 1
    for name in ("headcount", "verified", "applied_at_work", "evaluated", "goals_evaluated"):
        assert sum(getattr(r.figures, name) for r in report.rows) == getattr(f, name), name
    for band, people in f.hours_bands.items():  # the rows add up to the unit
        assert sum(r.figures.hours_bands[band] for r in report.rows) == people
    # the summary's answer is the base tables' answer, headline and per child
    assert live_figures(dept, cycle)[HEADLINE] == f
    by_child = live_figures(dept, cycle, by_child=True)
    for row in report.rows:
        assert by_child[row.unit.id] == row.figures


def test_taking_a_verification_back_moves_the_figures_back(year):
    cycle, dept, first = year["cycle"], year["dept"], year["first"]
    unverify_activity(first, by=year["director"], version=first.version)
    db.session.commit()
    f = unit_report(dept, cycle).figures
    assert (f.verified, f.applied_at_work) == (3, 1)  # p1's other activity is still verified
    assert f.verified_hours == pytest.approx(3.5 + 30.0 + 11.9)
    assert summary.drift(cycle) == []


def test_the_median_of_no_one_some_and_ties():
    assert HoursSpread.of({}).median is None
    assert HoursSpread.of({0: 3}).median == 0
    assert HoursSpread.of({5: 1, 125: 1}).median == 6.5  # the mean of the two middle values
    assert HoursSpread.of({5: 2, 125: 1}).median == 0.5
    assert HoursSpread.of({1: 1, 119: 1, 120: 1, 299: 1, 300: 1}).bands == {
        "0": 0,
        "1-11": 2,  # 0.1 and 11.9 hours: more than nothing, under 12
        "12-29": 2,
        "30+": 1,
    }


def _rows(table_rows) -> dict:
    return {row[0]: row[1:] for row in table_rows if row and row[0]}


def test_page_xlsx_csv_pdf_and_json_agree_on_the_year_end(client, year):
    data = client.get("/api/v1/reports/units/YE?cycle=2566", headers=bearer(year["hr"])).get_json()
    assert data["evaluated"] == 2 and data["self_evaluated"] == 3
    assert data["goals_achieved_rate"] == 0.5 and data["goals_partly"] == 1
    assert data["applied_at_work"] == 2 and data["verified"] == 3
    assert data["verified_hours"] == 57.4
    assert data["hours_bands"] == {"0": 1, "1-11": 2, "12-29": 1, "30+": 1}
    assert data["median_hours"] == 11.9
    assert [c["median_hours"] for c in data["children"]] == [8.0, 15.0]
    assert data["own"]["applied_at_work"] == 1

    login(client, year["hr"])
    book = load_workbook(io.BytesIO(client.get("/reports/units/YE/export/xlsx?cycle=2566").data))
    indicators = _rows(book["Indicators"].iter_rows(min_row=2, values_only=True))
    assert indicators["Applied at work"] == (2, 0.4)
    assert indicators["Evaluated by the supervisor"] == (2, 0.4)
    assert indicators["Self-evaluated"] == (3, 0.6)
    assert indicators["Goals achieved"] == (2, 0.5)
    assert indicators["Goals partly achieved"] == (1, 0.25)
    assert indicators["Goals not achieved"] == (1, 0.25)
    assert indicators["Learning verified by a supervisor"] == (3, 0.6)
    assert indicators["Verified hours"][0] == pytest.approx(57.4)
    assert indicators["Under 12 hours"] == (2, 0.4)
    assert indicators["30 hours or more"] == (1, 0.2)
    assert indicators["Median hours per person"][0] == pytest.approx(11.9)
    hours_sheet = book["Hours per person by unit"]
    assert [c.value for c in hours_sheet[1]] == [
        "Unit",
        "No hours",
        "Under 12 hours",
        "12 to under 30 hours",
        "30 hours or more",
        "Median hours per person",
    ]
    by_unit = _rows(hours_sheet.iter_rows(min_row=2, values_only=True))
    assert by_unit["Section A"] == (0, 1, 1, 0, 8.0)
    assert by_unit["In Year-end office itself"] == (0, 1, 0, 0, 11.9)
    units = _rows(book["Units"].iter_rows(min_row=2, values_only=True))
    assert units["YE-A"][-4:] == (0.5, 0.5, 0.5, 8.0)  # applied, evaluated, goals, median
    assert book["Units"]["N2"].number_format == "0%"  # a rate, shown as the page shows it
    assert book["Units"]["Q2"].number_format == "#,##0.0#"  # a median: one or two decimals

    text = client.get("/reports/units/YE/export/csv?cycle=2566").data.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert ["Applied at work", "2", "0.4"] in lines
    assert ["Goals achieved", "2", "0.5"] in lines
    assert ["Median hours per person", "11.9", ""] in lines
    assert ["Section B", "1", "0", "0", "1", "15.0"] in lines

    page = client.get("/reports/units/YE?cycle=2566").get_data(as_text=True)
    assert (
        "the supervisor finished it for 2 of 5 people; 3 people sent their own year-end "
        "self-evaluation" in page
    )
    assert "of 4 goals the supervisor evaluated: 2 achieved, 1 partly, 1 not achieved" in page
    assert "57.4 hours" in page and ">11.9<" in page
    assert (
        '<tr><th scope="row">Under 12 hours</th><td class="num">2</td>'
        '<td class="num">40%</td></tr>' in page
    )
    assert "/charts/hours.png" in page
    home = client.get("/").get_data(as_text=True)  # the executive's glance: applied at work
    assert '<h3>Applied at work</h3><p class="big-number">40%</p>' in home
    assert "2 of 5 people" in home
    chart = client.get("/reports/units/YE/charts/hours.png?cycle=2566")
    assert chart.headers["Content-Type"] == "image/png" and chart.data.startswith(b"\x89PNG")

    job_url = client.post("/reports/units/YE/export/pdf?cycle=2566").headers["Location"]
    pdf = client.get(job_url + "/file")
    assert pdf.data.startswith(b"%PDF")
    pdftotext = shutil.which("pdftotext")
    if pdftotext:
        words = subprocess.run(
            [pdftotext, "-", "-"], input=pdf.data, capture_output=True, check=True
        ).stdout.decode()
        assert "57.4" in words and "11.9" in words and "Hours per person by unit" in words
        assert "Applied at work" in words and "Evaluated by the supervisor" in words
