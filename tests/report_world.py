"""Small organisations for the report tests: built straight through the models (fast), and a
plain-Python oracle that computes section 5's figures by walking the same rows one by one."""

import random
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from lms.extensions import db
from lms.models import (
    Course,
    Cycle,
    CycleTarget,
    Goal,
    LearningActivity,
    Person,
    Plan,
    Rating,
    RoleGroup,
    SelfAssessment,
    SkillArea,
    SupervisorRating,
    Unit,
    UnitMembership,
)
from lms.people.org import add_person, add_unit, move_person
from lms.reports.population import reference_day
from lms.vocab import PLAN_REVIEWED, PLAN_SENT, PlanStatus

GROUPS = ("EXEC", "MGMT", "ACAD", "SERV", "TECH", "OTHER")
STATUSES = ("none", "draft", "submitted", "returned", "approved", "completed")


def group_ids() -> dict[str, int]:
    return dict(db.session.execute(select(RoleGroup.code, RoleGroup.id)).all())


def areas_of(cycle: Cycle) -> list[SkillArea]:
    return list(
        db.session.scalars(
            select(SkillArea)
            .where(SkillArea.framework_id == cycle.framework_id)
            .order_by(SkillArea.position)
        )
    )


def person(unit: Unit, n: int, group: str = "ACAD", since: date = date(2018, 1, 1)) -> Person:
    return add_person(
        unit=unit,
        since=since,
        employee_no=f"W{n:05d}",
        email=f"w{n}@world.test",
        name_th=f"คนที่ {n}",
        role_group_id=group_ids()[group],
    )


def assess(who: Person, cycle: Cycle, levels: dict[str, int | None], submitted: bool = True):
    assessment = SelfAssessment(
        person_id=who.id,
        cycle_id=cycle.id,
        role_group_id=who.role_group_id,
        status="submitted" if submitted else "draft",
    )
    db.session.add(assessment)
    db.session.flush()
    codes = {a.code: a.id for a in areas_of(cycle)}
    for code, level in levels.items():
        db.session.add(Rating(assessment_id=assessment.id, area_id=codes[code], level=level))
    db.session.flush()
    return assessment


def plan(who: Person, cycle: Cycle, status: str) -> Plan:
    row = Plan(person_id=who.id, cycle_id=cycle.id, status=status)
    db.session.add(row)
    db.session.flush()
    return row


OUTCOMES = (None, "achieved", "partly", "not_achieved")


def goal(row: Plan, cycle: Cycle, code: str = "DLIT", outcome: str | None = None) -> Goal:
    area = next(a for a in areas_of(cycle) if a.code == code)
    made = Goal(plan_id=row.id, area_id=area.id, target_level=3, supervisor_outcome=outcome)
    db.session.add(made)
    db.session.flush()
    return made


def evaluate(row: Plan, *, self_done: bool = True, done: bool = True) -> Plan:
    """The year-end marks as the evaluation pages set them (outcomes are set on the goals)."""
    when = datetime(2026, 9, 20, 9, 0)
    row.self_evaluated_at = when if self_done else None
    row.evaluated_at = when if done else None
    db.session.flush()
    return row


def verify(activity: LearningActivity, applied: bool = False, by: Person | None = None):
    activity.verified_at = datetime(2026, 6, 1, 9, 0)
    activity.verified_by_id = by.id if by else None
    activity.applied_at_work = applied
    db.session.flush()
    return activity


def learn(
    who: Person,
    cycle: Cycle,
    bucket: str,
    hours: str,
    course: Course | None = None,
    completed: bool = False,
) -> LearningActivity:
    row = LearningActivity(
        person_id=who.id,
        cycle_id=cycle.id,
        bucket=bucket,
        title="เรียนรู้",
        occurred_on=cycle.starts_on + timedelta(days=30),
        hours=Decimal(hours),
        course_id=course.id if course else None,
        completed=completed,
    )
    db.session.add(row)
    db.session.flush()
    return row


def rate_as_supervisor(who: Person, cycle: Cycle, code: str, level: int, rater: Person):
    area = next(a for a in areas_of(cycle) if a.code == code)
    db.session.add(
        SupervisorRating(
            person_id=who.id, cycle_id=cycle.id, area_id=area.id, rater_id=rater.id, level=level
        )
    )
    db.session.flush()


def drop_target(cycle: Cycle, group: str, code: str) -> None:
    """Make `code` not applicable to `group` in `cycle`."""
    area = next(a for a in areas_of(cycle) if a.code == code)
    target = db.session.scalars(
        select(CycleTarget).where(
            CycleTarget.cycle_id == cycle.id,
            CycleTarget.role_group_id == group_ids()[group],
            CycleTarget.area_id == area.id,
        )
    ).first()
    if target is not None:
        db.session.delete(target)
    db.session.flush()


# -- a random organisation ---------------------------------------------------------------------


def random_world(rng: random.Random, cycle: Cycle, size: int) -> Unit:
    """A random organisation of `size` people under a new root unit, with every kind of row."""
    root = add_unit(f"R{rng.randrange(10**6)}", "รากทดสอบ")
    units = [root]
    for i in range(rng.randint(1, 4)):
        child = add_unit(f"{root.code}-{i}", f"กอง {i}", parent=root)
        units.append(child)
        for j in range(rng.randint(0, 2)):
            units.append(add_unit(f"{child.code}-{j}", f"ฝ่าย {j}", parent=child))
    courses = list(db.session.scalars(select(Course).limit(3)))
    areas = areas_of(cycle)
    people = []
    for n in range(size):
        since = cycle.starts_on + timedelta(days=rng.randint(-400, 420))
        who = person(rng.choice(units), rng.randrange(10**5) * 100 + n, rng.choice(GROUPS), since)
        people.append(who)
        if rng.random() < 0.25:  # moved, during the year or after it
            when = max(
                since + timedelta(days=1), cycle.starts_on + timedelta(days=rng.randint(1, 500))
            )
            move_person(who, rng.choice(units), when, rng.choice(list(group_ids().values())))
        if rng.random() < 0.15:
            who.deactivated_on = cycle.starts_on + timedelta(days=rng.randint(0, 500))
        if rng.random() < 0.7:
            levels = {
                a.code: rng.choice([None, 0, 1, 2, 3, 4, 2]) for a in areas if rng.random() < 0.9
            }
            assess(who, cycle, levels, submitted=rng.random() < 0.8)
        status = rng.choice(STATUSES)
        if status != "none":
            made = plan(who, cycle, status)
            for _ in range(rng.choice([0, 1, 2, 3])):
                goal(made, cycle, rng.choice(areas).code, rng.choice(OUTCOMES))
            if status in ("approved", "completed"):
                evaluate(made, self_done=rng.random() < 0.6, done=status == "completed")
        for _ in range(rng.choice([0, 0, 1, 2, 4])):
            bucket = rng.choice(["70", "20", "10"])
            course = rng.choice(courses) if bucket == "10" and rng.random() < 0.6 else None
            activity = learn(
                who,
                cycle,
                bucket,
                rng.choice(["0.5", "1.0", "11.9", "12.0", "29.9", "30.0"])
                if rng.random() < 0.3  # on the bands' edges
                else f"{rng.randint(1, 80)}.{rng.randint(0, 9)}",
                course,
                rng.random() < 0.5,
            )
            if rng.random() < 0.4:
                verify(activity, applied=rng.random() < 0.5, by=people[0])
        for area in areas:
            if rng.random() < 0.3:
                rate_as_supervisor(who, cycle, area.code, rng.randint(0, 4), people[0])
    for _ in range(rng.randint(0, 3)):
        drop_target(cycle, rng.choice(GROUPS), rng.choice(areas).code)
    db.session.flush()
    return root


# -- the oracle --------------------------------------------------------------------------------


def oracle(unit: Unit, cycle: Cycle, group: str | None = None) -> dict:
    """Section 5's figures for `unit`'s subtree, by walking rows one by one in Python."""
    day = reference_day(cycle)
    units = {u.id: u for u in db.session.scalars(select(Unit))}
    groups = group_ids()
    counted = {}
    for who in db.session.scalars(select(Person)):
        if who.deactivated_on is not None and who.deactivated_on < day:
            continue
        spans = db.session.scalars(
            select(UnitMembership).where(UnitMembership.person_id == who.id)
        ).all()
        spans = [
            m for m in spans if m.valid_from <= day and (m.valid_to is None or m.valid_to > day)
        ]
        if not spans:
            continue
        span = max(spans, key=lambda m: m.valid_from)
        if not units[span.unit_id].path.startswith(unit.path):
            continue
        if group is not None and span.role_group_id != groups[group]:
            continue
        counted[who.id] = span.role_group_id
    targets = {
        (t.role_group_id, t.area_id): t.level
        for t in db.session.scalars(select(CycleTarget).where(CycleTarget.cycle_id == cycle.id))
    }
    head = len(counted)
    figures = {
        "headcount": head,
        "self_assessed": 0,
        "idp_submitted": 0,
        "idp_approved": 0,
        "idp_completed": 0,
        "developing": 0,
        "activities": 0,
        "courses_completed": 0,
    }
    hours = {"70": Decimal(0), "20": Decimal(0), "10": Decimal(0)}
    own: dict[tuple[int, int], int] = {}
    for a in db.session.scalars(select(SelfAssessment).where(SelfAssessment.cycle_id == cycle.id)):
        if a.person_id in counted and a.status == "submitted":
            figures["self_assessed"] += 1
            for r in a.ratings:
                if r.level is not None:
                    own[(a.person_id, r.area_id)] = r.level
    year_end = dict.fromkeys(
        (
            "self_evaluated",
            "evaluated",
            "goals_evaluated",
            "goals_achieved",
            "goals_partly",
            "goals_not_achieved",
        ),
        0,
    )
    for p in db.session.scalars(select(Plan).where(Plan.cycle_id == cycle.id)):
        if p.person_id in counted:
            figures["idp_submitted"] += p.status in PLAN_SENT
            figures["idp_approved"] += p.status in PLAN_REVIEWED
            figures["idp_completed"] += p.status == PlanStatus.COMPLETED
            year_end["self_evaluated"] += p.self_evaluated_at is not None
            year_end["evaluated"] += p.evaluated_at is not None
            if p.evaluated_at is None:
                continue
            for goal in p.goals:
                if goal.supervisor_outcome is not None:
                    year_end["goals_evaluated"] += 1
                    year_end[f"goals_{goal.supervisor_outcome}"] += 1
    learners, verified, applied = set(), set(), set()
    verified_hours = Decimal(0)
    per_person = dict.fromkeys(counted, Decimal(0))
    for act in db.session.scalars(
        select(LearningActivity).where(LearningActivity.cycle_id == cycle.id)
    ):
        if act.person_id in counted:
            learners.add(act.person_id)
            figures["activities"] += 1
            hours[act.bucket] += act.hours
            per_person[act.person_id] += act.hours
            if act.verified_at is not None:
                verified.add(act.person_id)
                verified_hours += act.hours
            if act.applied_at_work:
                applied.add(act.person_id)
            figures["courses_completed"] += (
                act.bucket == "10" and act.course_id is not None and act.completed
            )
    figures["developing"] = len(learners)
    figures.update(year_end)
    figures["verified"] = len(verified)
    figures["applied_at_work"] = len(applied)
    figures["verified_hours"] = float(verified_hours)
    figures["goals_achieved_rate"] = (
        year_end["goals_achieved"] / year_end["goals_evaluated"]
        if year_end["goals_evaluated"]
        else None
    )
    logged = sorted(per_person.values())
    figures["hours_bands"] = {
        "0": sum(1 for h in logged if h == 0),
        "1-11": sum(1 for h in logged if 0 < h < 12),
        "12-29": sum(1 for h in logged if 12 <= h < 30),
        "30+": sum(1 for h in logged if h >= 30),
    }
    middle = len(logged) // 2
    figures["median_hours"] = (
        None
        if not logged
        else float(logged[middle])
        if len(logged) % 2
        else float((logged[middle - 1] + logged[middle]) / 2)
    )
    theirs = {
        (s.person_id, s.area_id): s.level
        for s in db.session.scalars(
            select(SupervisorRating).where(SupervisorRating.cycle_id == cycle.id)
        )
        if s.person_id in counted
    }
    skills = {}
    for area in areas_of(cycle):
        levels, gaps, tlist, meets, sups, diffs = [], [], [], 0, [], []
        for pid, gid in counted.items():
            target = targets.get((gid, area.id))
            if target is None:
                continue
            level = own.get((pid, area.id))
            if level is not None:
                levels.append(level)
                tlist.append(target)
                gaps.append(max(target - level, 0))
                meets += level >= target
            sup = theirs.get((pid, area.id))
            if sup is not None:
                sups.append(sup)
                if level is not None:
                    diffs.append(level - sup)
        skills[area.code] = {
            "assessed": len(levels),
            "avg_level": _mean(levels),
            "avg_target": _mean(tlist),
            "avg_gap": _mean(gaps),
            "meeting_target": meets,
            "meeting_target_rate": meets / len(levels) if levels else None,
            "supervisor_rated": len(sups),
            "supervisor_avg_level": _mean(sups),
            "self_minus_supervisor": _mean(diffs),
        }
    total_hours = sum(hours.values())
    figures["hours"] = float(total_hours)
    figures["hours_by_bucket"] = {k: float(v) for k, v in hours.items()}
    figures["mix"] = (
        {k: float(v) / float(total_hours) for k, v in hours.items()} if total_hours else None
    )
    for name in (
        "self_assessed",
        "idp_submitted",
        "idp_approved",
        "idp_completed",
        "developing",
        "self_evaluated",
        "evaluated",
        "verified",
        "applied_at_work",
    ):
        figures[f"{name}_rate"] = figures[name] / head if head else None
    assessed = sum(s["assessed"] for s in skills.values())
    figures["readiness"] = (
        sum(s["meeting_target"] for s in skills.values()) / assessed if assessed else None
    )
    figures["skills"] = skills
    return figures


def _mean(values):
    return sum(values) / len(values) if values else None


def comparable(figures: dict) -> dict:
    """A report's figures with names and float noise removed, to compare with the oracle."""
    out = {k: v for k, v in figures.items() if k not in ("top_gaps", "top_gaps_tied")}
    out["skills"] = {
        code: {k: v for k, v in area.items() if k not in ("name_th", "name_en")}
        for code, area in figures["skills"].items()
    }
    return _rounded(out)


def _rounded(value):
    if isinstance(value, float):
        return round(value, 9)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    return value
