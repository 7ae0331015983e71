"""HR's year (issue 18, part 1): a fiscal year made, dated, opened and closed on the web and by
`flask lms cycle ...`; who may; the home page's "open the year"; carry-over into a new year."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from lms.cycles import close_cycle, new_cycle, open_for_people
from lms.extensions import db
from lms.models import AuditEvent, Cycle, CycleTarget, FrameworkTarget
from lms.plans.carry_over import carry_over
from lms.plans.services import add_planned_activity, build_from_gaps
from tests.conftest import login
from tests.factories import PersonFactory, UnitFactory, submitted_assessment


@pytest.fixture
def people():
    top = UnitFactory(code="BMA")
    dept = UnitFactory(code="DEPT", parent=top)
    return {
        "admin": PersonFactory(unit=top, roles=(("admin", None),)),
        "hr_all": PersonFactory(unit=top, roles=(("hr", top),)),
        "hr_dept": PersonFactory(unit=dept, roles=(("hr", dept),)),
        "staff": PersonFactory(unit=dept),
    }


def _year(be_year: int) -> Cycle | None:
    db.session.expire_all()
    return db.session.scalars(select(Cycle).where(Cycle.be_year == be_year)).first()


def _deadlines(**changes) -> dict:
    form = {
        "assessment_due": "30/11/2569",
        "idp_due": "31/12/2569",
        "review_due": "15/1/2570",
        "evaluation_opens": "",
        "evaluation_due": "15/9/2570",
    }
    return form | changes


def test_the_command_makes_opens_lists_and_closes_a_year(app, ocsc, frozen_clock):
    frozen_clock(date(2026, 9, 1))  # before FY 2570: the usual deadlines
    cli = app.test_cli_runner()
    made = cli.invoke(args=["lms", "cycle", "create", "2570", "--framework", "OCSC-2560"])
    assert made.exit_code == 0, made.output
    assert "(1/10/2569 – 30/9/2570)" in made.output and "30/11/2569" in made.output
    year = _year(2570)
    assert year.status == "planned" and year.assessment_due == date(2026, 11, 30)
    targets = db.session.scalar(
        select(func.count()).select_from(CycleTarget).where(CycleTarget.cycle_id == year.id)
    )
    defaults = select(func.count()).where(FrameworkTarget.framework_id == ocsc.id)
    assert targets == db.session.scalar(defaults.select_from(FrameworkTarget)) > 0
    again = cli.invoke(args=["lms", "cycle", "create", "2570"])
    assert again.exit_code != 0 and "already has a cycle" in again.output
    assert cli.invoke(args=["lms", "cycle", "create", "70"]).exit_code != 0
    assert cli.invoke(args=["lms", "cycle", "create", "2571", "--framework", "NOPE"]).exit_code != 0
    assert cli.invoke(args=["lms", "cycle", "open", "2570"]).exit_code == 0
    assert _year(2570).status == "open"
    assert "already open" in cli.invoke(args=["lms", "cycle", "open", "2570"]).output
    assert "2570\topen" in cli.invoke(args=["lms", "cycle", "list"]).output
    assert cli.invoke(args=["lms", "cycle", "close", "2570"]).exit_code == 0
    assert _year(2570).status == "closed"
    assert cli.invoke(args=["lms", "cycle", "open", "2570"]).exit_code != 0  # never reopened
    assert cli.invoke(args=["lms", "cycle", "close", "2599"]).exit_code != 0


def test_the_administrator_makes_the_year_fixes_a_date_and_opens_it(
    client, people, ocsc, frozen_clock
):
    frozen_clock(date(2026, 9, 1))  # before FY 2570: the usual deadlines
    login(client, people["admin"])
    page = client.get("/").get_data(as_text=True)
    assert "/admin/cycles/new" in page  # the home page says what to do first
    form = client.get("/admin/cycles/new?year=2570").get_data(as_text=True)
    assert 'value="2570"' in form and 'value="30/11/2569"' in form  # the usual deadlines
    bad = client.post(
        "/admin/cycles/new",
        data={"be_year": "2570", "framework_id": str(ocsc.id)} | _deadlines(idp_due="1/11/2569"),
    )
    text = bad.get_data(as_text=True)
    assert bad.status_code == 422 and _year(2570) is None
    assert 'value="1/11/2569"' in text  # what was typed is kept
    outside = client.post(
        "/admin/cycles/new",
        data={"be_year": "2570", "framework_id": str(ocsc.id)} | _deadlines(review_due="15/1/2575"),
    )
    assert outside.status_code == 422 and _year(2570) is None
    made = client.post(
        "/admin/cycles/new", data={"be_year": "2570", "framework_id": str(ocsc.id)} | _deadlines()
    )
    assert made.status_code == 302 and made.headers["Location"].endswith("/admin/cycles/2570")
    assert _year(2570).status == "planned"
    assert "/admin/cycles/2570" in client.get("/").get_data(as_text=True)  # now: open it
    moved = client.post(
        "/admin/cycles/2570",
        data=_deadlines(assessment_due="15/12/2569", idp_due="15/1/2570", review_due="31/1/2570"),
    )
    assert moved.status_code == 302 and _year(2570).assessment_due == date(2026, 12, 15)
    assert client.post("/admin/cycles/2570/open").status_code == 302
    assert _year(2570).status == "open"
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.target_type == "Cycle")
    ).all()
    assert {"cycle_created", "cycle_dates_changed", "cycle_opened"} <= set(actions)


def test_people_see_the_year_once_it_is_open(client, people, ocsc):
    year = new_cycle(2570, ocsc, by=people["admin"])
    db.session.commit()
    login(client, people["staff"])
    assert "/assessment/2570/" not in client.get("/").get_data(as_text=True)  # planned: unseen
    open_for_people(year, by=people["admin"])
    db.session.commit()
    assert "/assessment/2570/" in client.get("/").get_data(as_text=True)


def test_who_may_run_the_year(client, app, people, ocsc):
    new_cycle(2570, ocsc, by=None)
    db.session.commit()
    for who, look, change in (
        ("admin", 200, 302),
        ("hr_all", 200, 302),  # HR of the whole organisation
        ("hr_dept", 200, 403),  # HR of a department sees the dates, changes nothing
        ("staff", 404, 404),
    ):
        other = app.test_client()
        login(other, people[who])
        assert other.get("/admin/cycles").status_code == look, who
        assert other.get("/admin/cycles/2570").status_code == look, who
        assert other.post("/admin/cycles/2570", data=_deadlines()).status_code == change, who
        assert other.get("/admin/cycles/new").status_code in (
            (200,) if change == 302 else (change,)
        ), who
    assert _year(2570).status == "planned"


def test_an_open_year_past_its_end_asks_hr_to_close_it(client, people, ocsc, frozen_clock):
    frozen_clock(date(2026, 10, 20))  # FY 2569 ended on 30 Sep 2026
    year = new_cycle(2569, ocsc, by=None)
    open_for_people(year, by=None)
    db.session.commit()
    login(client, people["hr_all"])
    home = client.get("/").get_data(as_text=True)
    assert "/admin/cycles/2569" in home
    page = client.get("/admin/cycles/2569").get_data(as_text=True)
    assert "/admin/cycles/2569/close" in page
    assert client.post("/admin/cycles/2569/close").status_code == 302
    assert _year(2569).status == "closed"
    assert "/admin/cycles/2569/close" not in client.get("/admin/cycles/2569").get_data(as_text=True)


def test_unfinished_goals_carry_over_into_a_year_made_by_hr(people, cycle, ocsc):
    person = people["staff"]
    submitted_assessment(person, cycle, level=1)
    plan, _ = build_from_gaps(person, cycle, by=person)
    add_planned_activity(
        plan.goals[0], {"bucket": "70", "title": "งานจริง", "hours": Decimal(4)}, by=person
    )
    db.session.commit()
    close_cycle(cycle, by=people["admin"])
    following = new_cycle(2567, ocsc, by=people["admin"])
    open_for_people(following, by=people["admin"])
    db.session.commit()
    new_plan, added = carry_over(person, following, by=person)
    db.session.commit()
    assert added == len(plan.goals) and new_plan.cycle_id == following.id
    assert new_plan.goals[0].activities[0].title == "งานจริง"


def test_a_year_made_late_gets_deadlines_from_today_not_already_past(frozen_clock):
    from lms.cycles import default_deadlines

    frozen_clock(date(2026, 12, 7))  # FY 2570 began on 1 Oct 2026
    due = default_deadlines(2570)
    assert due["assessment_due"] == date(2027, 1, 6)
    assert due["idp_due"] == date(2027, 2, 6) and due["review_due"] == date(2027, 2, 21)
    assert due["evaluation_due"] == date(2027, 9, 15)
    assert default_deadlines(2571)["assessment_due"] == date(2027, 11, 30)  # ahead: the usual
    assert default_deadlines(2569)["assessment_due"] == date(2025, 11, 30)  # past: as it was
