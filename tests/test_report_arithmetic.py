"""Arithmetic a reader can check (issue 21, part 5): a 70:20:10 mix in whole percentages sums
to 100 (largest remainder); a change in points is the difference of the two percentages as
shown; the child-unit rows add up to the unit (the people placed in the unit itself get a row);
the top gaps name only areas with a gap and say when another ties; the IDP card reads as one
count of another."""

import csv
import io

from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from lms.extensions import db
from lms.i18n import format_mix, format_rate, percent_shown, whole_percentages
from lms.people.org import add_unit
from lms.reports.figures import AreaInfo, AreaTotals, PeopleTotals, build_figures
from lms.reports.queries import ensure_summary, unit_report
from tests.conftest import login
from tests.factories import PersonFactory
from tests.report_world import assess, learn, person, plan
from tests.test_report_pages import bearer


def test_a_mix_in_whole_percentages_sums_to_100_by_largest_remainder():
    assert whole_percentages([0.645, 0.225, 0.13]) == [65, 22, 13]  # each rounded: 65+23+13
    assert whole_percentages([1 / 3, 1 / 3, 1 / 3]) == [34, 33, 33]
    assert whole_percentages([0.665, 0.165, 0.17]) == [67, 16, 17]  # equal remainders: first
    assert format_mix({"70": 0.5, "20": 0.25, "10": 0.25}) == "50:25:25"
    assert format_mix(None) == "–" and whole_percentages(None) is None


@given(st.lists(st.integers(min_value=0, max_value=10_000), min_size=3, max_size=3))
def test_any_mix_sums_to_100(hours):
    total = sum(hours)
    if not total:
        return
    parts = whole_percentages([h / total for h in hours])
    assert sum(parts) == 100
    assert all(abs(p - h * 100 / total) < 1 for p, h in zip(parts, hours, strict=True))


def test_a_change_in_points_is_the_difference_of_the_percentages_shown():
    before, now = 0.1249, 0.1351  # shown 12% and 14%: +2 points, though 1.02 points apart
    assert (format_rate(before), format_rate(now)) == ("12%", "14%")
    assert percent_shown(now) - percent_shown(before) == 2
    assert percent_shown(0.125) == 12 and format_rate(0.125) == "12%"  # half to even, both


def _infos(*codes):
    return [AreaInfo(i, code, code, code, None, None) for i, code in enumerate(codes, start=1)]


def test_top_gaps_name_only_areas_with_a_gap_and_say_when_another_ties():
    infos = _infos("A", "B", "C", "D", "E")
    areas = {
        1: AreaTotals(assessed=3, gap_sum=1),  # 1/3
        2: AreaTotals(assessed=2, gap_sum=2),  # 1
        3: AreaTotals(assessed=6, gap_sum=2),  # 2/6 = 1/3: ties with A
        4: AreaTotals(assessed=4, gap_sum=0),  # no gap: never named
        5: AreaTotals(assessed=3, gap_sum=1),  # 1/3 again: left out, ties with the last shown
    }
    figures = build_figures(PeopleTotals(), areas, infos)
    assert figures.top_gaps == ["B", "A", "C"] and figures.top_gaps_tied is True
    areas[5] = AreaTotals(assessed=3, gap_sum=0)
    figures = build_figures(PeopleTotals(), areas, infos)
    assert figures.top_gaps == ["B", "A", "C"] and figures.top_gaps_tied is False
    only = build_figures(PeopleTotals(), {4: AreaTotals(assessed=4, gap_sum=0)}, infos)
    assert only.top_gaps == [] and only.top_gaps_tied is False


def _office(cycle):
    """An office with a director placed in it, two sections under it."""
    office = add_unit("OFF", "สำนักงาน")
    left, right = (
        add_unit("OFF-L", "ส่วนซ้าย", parent=office),
        add_unit("OFF-R", "ส่วนขวา", parent=office),
    )
    director = person(office, 1, "MGMT")
    people = [person(left, 2), person(left, 3), person(right, 4)]
    assess(director, cycle, {"DLIT": 2})
    for n, who in enumerate(people):
        assess(who, cycle, {"DLIT": n})
    plan(director, cycle, "approved")
    plan(people[0], cycle, "submitted")
    plan(people[1], cycle, "completed")
    learn(director, cycle, "70", "6.45")
    learn(director, cycle, "20", "2.25")
    learn(director, cycle, "10", "1.3")
    learn(people[0], cycle, "70", "3")
    db.session.commit()
    return office


def test_the_rows_under_a_unit_add_up_to_it_with_the_people_placed_in_it(cycle):
    office = _office(cycle)
    ensure_summary(cycle)
    db.session.commit()
    report = unit_report(office, cycle)
    assert [r.unit.code for r in report.children] == ["OFF-L", "OFF-R"]
    assert report.own is not None and report.own.figures.headcount == 1
    assert [r.own for r in report.rows] == [False, False, True]
    for name in ("headcount", "self_assessed", "idp_submitted", "idp_approved", "developing"):
        assert sum(getattr(r.figures, name) for r in report.rows) == getattr(report.figures, name)
    assert sum(r.figures.hours for r in report.rows) == report.figures.hours
    leaf = unit_report(db.session.get(type(office), report.children[0].unit.id), cycle)
    assert leaf.children == [] and leaf.rows == []


def test_the_page_the_exports_and_the_api_show_the_same_arithmetic(client, cycle):
    office = _office(cycle)
    reader = PersonFactory(unit=add_unit("HRU", "ฝ่ายบุคคล"), roles=(("hr", office),), locale="en")
    db.session.commit()
    login(client, reader)
    page = client.get(f"/reports/units/OFF?cycle={cycle.be_year}").get_data(as_text=True)
    assert "In สำนักงาน itself" in page  # the director's own row
    assert "approved 2 of 3 sent; 1 of the approved completed" in page
    report = client.get(
        f"/api/v1/reports/units/OFF?cycle={cycle.be_year}", headers=bearer(reader)
    ).get_json()
    shown = format_mix(report["mix"])
    assert sum(int(p) for p in shown.split(":")) == 100 and shown in page
    assert report["own"]["headcount"] == 1
    assert (
        sum(c["headcount"] for c in report["children"]) + report["own"]["headcount"]
        == report["headcount"]
    )
    assert report["top_gaps_tied"] in (True, False)
    body = client.get(f"/reports/units/OFF/export/csv?cycle={cycle.be_year}").get_data(as_text=True)
    units = [
        row
        for row in csv.reader(io.StringIO(body.removeprefix("\ufeff")))
        if "In สำนักงาน itself" in row
    ]
    assert units and units[0][2] == "1"
    workbook = load_workbook(
        io.BytesIO(client.get(f"/reports/units/OFF/export/xlsx?cycle={cycle.be_year}").data)
    )
    names = [row[1] for row in workbook["Units"].iter_rows(min_row=2, values_only=True)]
    assert names[-1] == "In สำนักงาน itself"


def test_the_spreadsheet_holds_every_table_of_the_page_with_exact_values_shown_rounded(
    client, cycle
):
    office = _office(cycle)
    reader = PersonFactory(unit=add_unit("HRU", "ฝ่ายบุคคล"), roles=(("hr", office),), locale="en")
    db.session.commit()
    login(client, reader)
    book = load_workbook(
        io.BytesIO(client.get(f"/reports/units/OFF/export/xlsx?cycle={cycle.be_year}").data)
    )
    assert {"Meeting the target by unit", "Self − supervisor by unit"} <= set(book.sheetnames)
    heat = book["Meeting the target by unit"]
    assert [c.value for c in heat[1]][1:] == [
        a.short_name("en") for a in unit_report(office, cycle).areas
    ]
    assert heat.cell(row=2, column=2).number_format == "0%"  # a rate: shown as the page does
    skills = book["Skill areas"]
    level = skills.cell(row=2, column=4)
    assert level.number_format == "0.00" and level.value == 1.25  # (2+0+1+2)/4, exact
    units = book["Units"]
    longest = max(len(str(row[1].value)) for row in units.iter_rows(min_row=1))
    assert units.column_dimensions["B"].width >= min(60, longest)  # Thai names fit
    body = client.get(f"/reports/units/OFF/export/csv?cycle={cycle.be_year}").get_data(as_text=True)
    assert "Self-assessed (fraction from 0 to 1)" in body  # says what the number is
