"""Reports by track of the BMA plan (issue 21, part 2): a track's report is the sum of its role
groups' people, every figure weighted over people (never an average of averages), the same from
the summary and from the base tables; on the page, the API and the exports; readiness per track
on the HR and executive home page."""

import random

import pytest
from sqlalchemy import select

from lms.extensions import db
from lms.models import RoleGroup, Track
from lms.reports import summary
from lms.reports.figures import Figures
from lms.reports.queries import HEADLINE, live_figures, readiness_by_track, unit_report
from lms.reports.rows import HOURS_COLUMNS, PEOPLE_COLUMNS
from tests.conftest import login
from tests.factories import PersonFactory
from tests.report_world import comparable, random_world
from tests.test_report_pages import bearer

# the people counts a report shows (the summary also keeps sums it shows none of)
ADDITIVE = [
    name
    for name in PEOPLE_COLUMNS
    if name not in HOURS_COLUMNS and name in Figures.__dataclass_fields__
]


@pytest.fixture
def world(cycle):
    summary.bring_up_to_date(cycle)
    db.session.commit()
    root = random_world(random.Random(21), cycle, 60)
    db.session.commit()
    return cycle, root


def _groups_of(track: Track) -> list[RoleGroup]:
    return list(db.session.scalars(select(RoleGroup).where(RoleGroup.track_id == track.id)))


def test_a_track_is_the_sum_of_its_role_groups_weighted_over_people(world):
    cycle, root = world
    tracks = db.session.scalars(select(Track).order_by(Track.code)).all()
    whole = unit_report(root, cycle).figures
    seen = 0
    for track in tracks:
        report = unit_report(root, cycle, track=track)
        parts = [unit_report(root, cycle, group).figures for group in _groups_of(track)]
        for name in ADDITIVE:
            assert getattr(report.figures, name) == sum(getattr(p, name) for p in parts), name
        assert report.figures.hours == pytest.approx(sum(p.hours for p in parts))
        assert report.figures.verified_hours == pytest.approx(sum(p.verified_hours for p in parts))
        for band, people in report.figures.hours_bands.items():  # people by hours add up too
            assert people == sum(p.hours_bands[band] for p in parts), band
        meeting = sum(s.meeting_target for p in parts for s in p.skills.values())
        assessed = sum(s.assessed for p in parts for s in p.skills.values())
        assert report.figures.readiness == (meeting / assessed if assessed else None)
        for code, area in report.figures.skills.items():
            rated = [p.skills[code] for p in parts if p.skills[code].assessed]
            if rated:  # the mean over people, not the mean of the groups' means
                levels = sum(a.avg_level * a.assessed for a in rated)
                assert area.avg_level == pytest.approx(levels / area.assessed)
        # the summary's answer is the base tables' answer
        live = live_figures(root, cycle, track=track)[HEADLINE]
        assert comparable(report.figures.as_dict()) == comparable(live.as_dict())
        seen += report.figures.headcount
    assert seen == whole.headcount  # every role group is in exactly one track
    by_track = {t.code: (readiness, n) for t, readiness, n in readiness_by_track(root, cycle)}
    for track in tracks:
        assert by_track[track.code][0] == unit_report(root, cycle, track=track).figures.readiness


def test_the_page_the_api_and_the_exports_take_a_track(client, world):
    cycle, root = world
    reader = PersonFactory(unit=root, roles=(("hr", root),), locale="en")
    db.session.commit()
    login(client, reader)
    url = f"/reports/units/{root.code}?cycle={cycle.be_year}"
    page = client.get(f"{url}&track=T2").get_data(as_text=True)
    assert '<option value="T2" selected>' in page
    t2 = unit_report(
        root, cycle, track=db.session.scalars(select(Track).where(Track.code == "T2")).one()
    )
    api = client.get(
        f"/api/v1/reports/units/{root.code}?cycle={cycle.be_year}&track=T2", headers=bearer(reader)
    ).get_json()
    assert api["track"] == "T2" and api["headcount"] == t2.figures.headcount
    assert client.get(f"{url}&track=T9").status_code == 400
    outside = client.get(f"{url}&track=T2&role_group=SERV")  # SERV is in track 3
    assert outside.status_code == 400
    assert client.get(f"{url}&track=T2&role_group=ACAD").status_code == 200
    csv_body = client.get(
        f"/reports/units/{root.code}/export/csv?cycle={cycle.be_year}&track=T2"
    ).get_data(as_text=True)
    assert "T2" in csv_body
    home = client.get("/").get_data(as_text=True)
    assert "Readiness by development track" in home and "track=T4" in home
