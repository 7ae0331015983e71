"""`flask lms init`, `flask lms demo` and `flask lms create-admin`."""

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from lms.cycles import fiscal_be_year
from lms.demo import DEMO_PASSWORD, build_demo
from lms.extensions import db
from lms.inbox.services import inbox
from lms.models import (
    Course,
    Cycle,
    FeedbackMessage,
    Goal,
    LearningActivity,
    Notification,
    Person,
    Plan,
    PlannedActivity,
    Rating,
    RoleAssignment,
    SelfAssessment,
    SkillArea,
    SupervisorRating,
    Unit,
)


def test_init_is_idempotent(app):
    result = app.test_cli_runner().invoke(args=["lms", "init"])
    assert result.exit_code == 0, result.output
    assert "0 changes" in result.output


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


def test_demo_roles_are_scoped_as_promised(demo_world):
    hr = db.session.scalars(select(Person).where(Person.email == "hr@demo.local")).one()
    scopes = {(r.role, r.scope_unit.code if r.scope_unit else None) for r in hr.roles}
    assert scopes == {("hr", "IAO")}
    staff = db.session.scalars(select(Person).where(Person.email == "staff@demo.local")).one()
    assert staff.supervisor.email == "supervisor@demo.local"


def test_create_admin(app):
    runner = app.test_cli_runner()
    args = ["lms", "create-admin", "root@bma.local", "A0001", "ผู้ดูแลระบบ", "--unit", "BMA"]
    result = runner.invoke(args=args, input="a-strong-password\na-strong-password\n")
    assert result.exit_code == 0, result.output
    admin = db.session.scalars(select(Person).where(Person.email == "root@bma.local")).one()
    assert {r.role for r in admin.roles} == {"admin"}
    assert admin.password_hash.startswith("$argon2")
    again = runner.invoke(args=args, input="a-strong-password\na-strong-password\n")
    assert again.exit_code != 0 and "already exists" in again.output
    short = runner.invoke(
        args=["lms", "create-admin", "x@bma.local", "A2", "x", "--unit", "BMA"],
        input="short\nshort\n",
    )
    assert short.exit_code != 0
    assert db.session.scalar(select(func.count()).select_from(RoleAssignment)) == 1


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


def test_demo_has_plans_in_every_state_and_learning_with_evidence(demo_world):
    from lms.activities.evidence import stored_path
    from lms.models import EvidenceFile

    current = db.session.scalars(select(Cycle).where(Cycle.be_year == 2570)).one()
    states = set(db.session.scalars(select(Plan.status).where(Plan.cycle_id == current.id)))
    assert states == {"draft", "submitted", "returned", "approved"}
    closed = db.session.scalars(select(Cycle).where(Cycle.be_year == 2569)).one()
    old = set(db.session.scalars(select(Plan.status).where(Plan.cycle_id == closed.id)))
    assert old == {"completed"}  # each with a year-end evaluation from both sides
    evaluated = db.session.scalars(select(Plan).where(Plan.cycle_id == closed.id)).all()
    assert all(p.self_evaluated_at and p.evaluated_at for p in evaluated)
    assert all(g.self_outcome and g.supervisor_outcome for p in evaluated for g in p.goals)
    assert db.session.scalar(select(func.count()).select_from(SupervisorRating)) > 100
    buckets = set(db.session.scalars(select(LearningActivity.bucket)))
    assert buckets == {"70", "20", "10"}
    files = db.session.scalars(select(EvidenceFile)).all()
    assert files and all(stored_path(f).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for f in files)


def test_demo_gives_every_role_something_real_to_do(demo_world):

    def who(login):
        return db.session.scalars(select(Person).where(Person.email == f"{login}@demo.local")).one()

    supervisor = inbox(who("supervisor"))
    assert supervisor.plans and supervisor.to_verify and supervisor.team_feedback
    staff = inbox(who("staff"))
    assert staff.feedback and staff.deadlines and not staff.empty
    assert db.session.scalar(select(func.count()).select_from(FeedbackMessage)) >= 3
    verified = select(func.count()).where(LearningActivity.verified_at.is_not(None))
    applied = select(func.count()).where(LearningActivity.applied_at_work.is_(True))
    assert db.session.scalar(verified) > db.session.scalar(applied) > 0


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


def test_demo_people_sit_in_the_groups_and_grades_of_the_seed_study(demo_world):
    people = db.session.scalars(select(Person)).all()
    director = next(p for p in people if p.position_th == "ผู้อำนวยการสำนักงาน")
    assert director.role_group.code == "MGMT"  # อำนวยการ, not the executive group
    assert director.supervisor is not None and director.supervisor.role_group.code == "EXEC"
    head = next(p for p in people if p.position_th == "หัวหน้าฝ่ายบริหารงานทั่วไป")
    assert head.role_group.code != "MGMT"
    officers = [p.position_th for p in people if p.position_th.startswith("นักวิเทศสัมพันธ์")]
    assert len(officers) == 13
    assert all(p.endswith(("ปฏิบัติการ", "ชำนาญการ")) for p in officers)


def test_demo_history_reads_true(demo_world):
    """Learning is verified after it ends; completed plans are mostly achieved; a person's
    note on their level is one someone at that level would write."""
    from lms.demo.organisation import justification

    verified = db.session.scalars(
        select(LearningActivity).where(LearningActivity.verified_at.is_not(None))
    ).all()
    assert verified
    for activity in verified:
        assert activity.verified_at.date() > (activity.ended_on or activity.occurred_on)
    closed = db.session.scalars(select(Cycle).where(Cycle.be_year == 2569)).one()
    outcomes = db.session.scalars(
        select(Goal.supervisor_outcome).join(Plan).where(Plan.cycle_id == closed.id)
    ).all()
    assert outcomes.count("achieved") > len(outcomes) / 2
    notes = db.session.execute(
        select(Rating.level, Rating.justification, SkillArea.code)
        .join(SkillArea, SkillArea.id == Rating.area_id)
        .where(Rating.justification.is_not(None))
    ).all()
    assert notes
    assert all(note == justification(code, level) for level, note, code in notes)
    planned = db.session.scalars(select(PlannedActivity)).all()  # the IDP form's columns
    assert planned and all(a.starts_on and a.ends_on and a.starts_on <= a.ends_on for a in planned)
    assert all(g.support_needed for g in db.session.scalars(select(Goal)))


def test_demo_shows_the_seed_studys_own_practices(demo_world):
    titles = " ".join(
        db.session.scalars(select(LearningActivity.title)).all()
        + [t or "" for t in db.session.scalars(select(PlannedActivity.title)).all()]
    )
    for practice in ("Canva", "Trello", "Jamboard", "Innovation-Based KPI", "ที่ประชุมส่วน"):
        assert practice in titles, practice
    courses = db.session.scalars(
        select(Course.code).join(PlannedActivity, PlannedActivity.course_id == Course.id)
    ).all()
    assert "WEGO-TRAINING" in courses


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
