"""Reminding everyone behind (issue 20, part 4): HR from the unit report, a supervisor from the
team page; a count before sending; each person reminded once per step (learning: once a
quarter); the right people only; who may."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from lms.activities.services import log_activity
from lms.extensions import db
from lms.inbox.reminders import quarter_start
from lms.models import AuditEvent, Notification
from lms.plans.services import add_planned_activity, build_from_gaps
from lms.plans.workflow import submit_plan
from tests.conftest import login
from tests.factories import PersonFactory, UnitFactory, ready_to_send, submitted_assessment


@pytest.mark.parametrize(
    ("day", "start"),
    [
        (date(2026, 10, 1), date(2026, 10, 1)),
        (date(2026, 12, 31), date(2026, 10, 1)),
        (date(2027, 1, 1), date(2027, 1, 1)),
        (date(2027, 3, 31), date(2027, 1, 1)),
        (date(2027, 5, 15), date(2027, 4, 1)),
        (date(2027, 9, 30), date(2027, 7, 1)),
    ],
)
def test_the_fiscal_quarter_starts_in_october_january_april_and_july(day, start):
    assert quarter_start(day) == start


@pytest.fixture
def org(cycle, frozen_clock):
    frozen_clock(date(2023, 2, 10))  # FY 2566, its second quarter (from 1 January)
    top = UnitFactory(code="TOP")
    dept = UnitFactory(code="DEPT", parent=top)
    other = UnitFactory(code="ELSE", parent=top)
    boss = PersonFactory(unit=dept, roles=(("supervisor", None),), locale="en")
    people = {
        "hr": PersonFactory(unit=top, roles=(("hr", dept),), locale="en"),
        "boss": boss,
        "idle": PersonFactory(unit=dept, supervisor=boss),  # nothing done
        "assessed": PersonFactory(unit=dept, supervisor=boss),  # assessed, no plan sent
        "done": PersonFactory(unit=dept, supervisor=boss),  # everything, learning this quarter
        "elsewhere": PersonFactory(unit=other),  # outside the unit
    }
    for who in ("assessed", "done"):
        submitted_assessment(people[who], cycle)
    plan, _ = build_from_gaps(people["done"], cycle, by=people["done"])
    for goal in plan.goals:
        add_planned_activity(
            goal, {"bucket": "70", "title": "ทำงานจริง", "hours": Decimal(2)}, by=people["done"]
        )
    ready_to_send(plan)
    submit_plan(plan, by=people["done"])
    log_activity(
        people["done"],
        cycle,
        {
            "bucket": "70",
            "title": "ใช้ระบบใหม่",
            "occurred_on": date(2023, 1, 20),
            "hours": Decimal(3),
        },
        by=people["done"],
    )
    db.session.commit()
    return people


def _reminded(person) -> list[str]:
    return list(
        db.session.scalars(
            select(Notification.dedupe_key)
            .where(Notification.person_id == person.id, Notification.dedupe_key.like("behind:%"))
            .order_by(Notification.dedupe_key)
        )
    )


def test_hr_counts_then_reminds_everyone_behind_once(client, org, cycle):
    login(client, org["hr"])
    url = "/inbox/remind/units/DEPT"
    page = client.get(url).get_data(as_text=True)
    # DEPT holds the boss, idle, assessed, done (and HR of DEPT sits in TOP)
    assert (
        "2 people are behind" in page and "3 people are behind" in page
    )  # the boss, idle (+ assessed)
    sent = client.post(url, data={"kind": ["not_assessed", "no_plan_sent", "no_learning"]})
    assert sent.status_code == 302 and sent.headers["Location"].endswith("/reports/units/DEPT")
    assert [k.split(":")[1] for k in _reminded(org["idle"])] == [
        "no_learning",
        "no_plan_sent",
        "not_assessed",
    ]
    assert [k.split(":")[1] for k in _reminded(org["assessed"])] == ["no_learning", "no_plan_sent"]
    assert _reminded(org["done"]) == [] and _reminded(org["elsewhere"]) == []
    before = db.session.scalar(select(func.count()).select_from(Notification))
    again = client.get(url).get_data(as_text=True)
    assert "all were reminded already" in again and "Nobody is waiting for a reminder now" in again
    client.post(url, data={"kind": ["not_assessed", "no_plan_sent", "no_learning"]})
    assert db.session.scalar(select(func.count()).select_from(Notification)) == before  # once
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "reminders_sent")
    ).first()
    assert event.details["about"] == "unit DEPT" and event.details["sent"]["not_assessed"] == 2


def test_learning_is_reminded_again_the_next_quarter(client, org, cycle, frozen_clock):
    login(client, org["hr"])
    client.post("/inbox/remind/units/DEPT", data={"kind": ["no_learning"]})
    assert len(_reminded(org["idle"])) == 1
    frozen_clock(date(2023, 4, 3))  # the third quarter: "done" learned in the second one
    client.post("/inbox/remind/units/DEPT", data={"kind": ["no_learning", "not_assessed"]})
    assert len([k for k in _reminded(org["idle"]) if "no_learning" in k]) == 2
    assert len([k for k in _reminded(org["done"]) if "no_learning" in k]) == 1


def test_a_supervisor_reminds_their_team_only(client, org, cycle):
    login(client, org["boss"])
    assert "/inbox/remind/team" in client.get("/team").get_data(as_text=True)
    client.post("/inbox/remind/team", data={"kind": ["not_assessed"]})
    assert _reminded(org["idle"]) and not _reminded(org["boss"]) and not _reminded(org["elsewhere"])
    assert client.post("/inbox/remind/team", data={}).status_code == 200  # nothing chosen: said


def test_who_may_remind(client, org, cycle):
    login(client, org["idle"])
    assert client.get("/inbox/remind/team").status_code == 404
    assert client.get("/inbox/remind/units/DEPT").status_code == 404
    hr = client.application.test_client()
    login(hr, org["hr"])
    assert hr.get("/inbox/remind/units/ELSE").status_code == 404  # not their unit
    assert hr.get("/inbox/remind/units/NOPE").status_code == 404
    assert "/inbox/remind/units/DEPT" in hr.get(
        f"/reports/units/DEPT?cycle={cycle.be_year}"
    ).get_data(as_text=True)
