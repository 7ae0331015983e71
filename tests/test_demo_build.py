"""Building the demo: once, on any day of a fiscal year (its history lies in the past), in
FY 2565 before generative AI, and moving a person keeps their history (each builds its own)."""

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from lms.cycles import fiscal_be_year
from lms.demo import DEMO_PASSWORD, build_demo
from lms.extensions import db
from lms.models import (
    Course,
    Cycle,
    Goal,
    LearningActivity,
    Notification,
    Person,
    Plan,
    PlannedActivity,
    SelfAssessment,
    Unit,
)


def test_demo_builds_a_lived_in_organisation_once(app, client, frozen_clock):
    frozen_clock(datetime(2026, 11, 24, 10, 0))
    assert build_demo() is True
    db.session.commit()
    assert (
        db.session.scalar(select(func.count()).select_from(Person)) == 31
    )  # with the deputy above
    codes = set(db.session.scalars(select(Unit.code)))
    assert {"IAO", "IAO-ADM", "IAO-CR", "IAO-PP"} <= codes
    cycles = {c.be_year: c.status for c in db.session.scalars(select(Cycle))}
    assert cycles == {2569: "closed", 2570: "open"}  # the demo lives in the current year
    statuses = set(db.session.scalars(select(SelfAssessment.status)))
    assert statuses == {"draft", "submitted"}
    for login in ("staff", "supervisor", "hr", "executive", "admin"):
        response = client.post(
            "/login", data={"identifier": f"{login}@demo.local", "password": DEMO_PASSWORD}
        )
        assert response.status_code == 302, login
        assert client.get("/").status_code == 200
        client.post("/logout")
    result = app.test_cli_runner().invoke(args=["lms", "demo"])
    assert "already loaded" in result.output
    assert db.session.scalar(select(func.count()).select_from(Person)) == 31


@pytest.mark.parametrize(
    "day", [date(2026, 10, 2), date(2026, 11, 24), date(2027, 2, 14), date(2027, 9, 29)]
)
def test_demo_lives_in_the_current_year_whatever_the_day(app, frozen_clock, day):
    """Built on any day of a fiscal year, the demo's history lies in the past: the current
    cycle is that year's, and nothing happened after today."""
    frozen_clock(datetime.combine(day, time(10)))
    assert build_demo() is True
    db.session.commit()
    year = fiscal_be_year(day)
    assert {c.be_year: c.status for c in db.session.scalars(select(Cycle))} == {
        year - 1: "closed",
        year: "open",
    }
    now = datetime.combine(day, time(10)) - timedelta(hours=7)  # stored as UTC
    assert db.session.scalar(select(func.max(LearningActivity.occurred_on))) <= day
    for column in (Plan.submitted_at, Plan.reviewed_at, Notification.created_at):
        latest = db.session.scalar(select(func.max(column)))
        assert latest is None or latest <= now, column


def test_moving_a_person_keeps_their_unit_history_and_their_development(app):
    from datetime import date

    from lms.cycles import create_cycle
    from lms.models import Framework, UnitMembership
    from lms.people.org import move_person
    from tests.factories import PersonFactory, UnitFactory, submitted_assessment

    framework = db.session.scalars(select(Framework).where(Framework.code == "OCSC-2560")).one()
    cycle = create_cycle(2566, framework, status="open")
    old_unit, new_unit = UnitFactory(), UnitFactory()
    person = PersonFactory(unit=old_unit)
    submitted_assessment(person, cycle)
    move_person(person, new_unit, on=date(2023, 4, 1))
    db.session.commit()
    history = db.session.scalars(
        select(UnitMembership)
        .where(UnitMembership.person_id == person.id)
        .order_by(UnitMembership.valid_from)
    ).all()
    assert [(m.unit_id, m.valid_to) for m in history] == [
        (old_unit.id, date(2023, 4, 1)),
        (new_unit.id, None),
    ]
    assert person.unit_id == new_unit.id
    assert db.session.scalars(
        select(SelfAssessment).where(SelfAssessment.person_id == person.id)
    ).one()


def _demo_on(day: datetime, frozen_clock) -> None:
    frozen_clock(day)
    assert build_demo() is True
    db.session.commit()


def test_no_generative_ai_course_is_planned_before_late_2565(app, frozen_clock):
    """Built in FY 2565 (before ChatGPT), no plan of either year has a generative-AI course."""
    _demo_on(datetime(2022, 3, 1, 10, 0), frozen_clock)
    planned = db.session.execute(
        select(Course.keywords, Cycle.ends_on)
        .join(PlannedActivity, PlannedActivity.course_id == Course.id)
        .join(Goal, Goal.id == PlannedActivity.goal_id)
        .join(Plan, Plan.id == Goal.plan_id)
        .join(Cycle, Cycle.id == Plan.cycle_id)
    ).all()
    assert planned and {ends.year for _keywords, ends in planned} == {2021, 2022}
    assert [k for k, _ends in planned if "generative" in (k or "")] == []
