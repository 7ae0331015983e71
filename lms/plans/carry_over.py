"""Carry-over: the unfinished goals of last year's plan, brought into this year's with their
planned activities (periods moved to the same days of the new year)."""

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from lms.cycles import cycle_areas
from lms.extensions import db
from lms.models import Cycle, Goal, Person, Plan, PlannedActivity, SkillArea
from lms.plans.services import (
    PlanError,
    check_editable,
    default_due,
    start_plan,
    touch,
    with_content,
)
from lms.vocab import Outcome


def previous_plan(person: Person, cycle: Cycle) -> Plan | None:
    """The person's plan of the latest earlier cycle, with its content."""
    latest = (
        select(Plan.id)
        .join(Plan.cycle)
        .where(Plan.person_id == person.id, Cycle.be_year < cycle.be_year)
        .order_by(Cycle.be_year.desc())
        .limit(1)
        .scalar_subquery()
    )
    query = select(Plan).where(Plan.id == latest).options(joinedload(Plan.cycle))
    return db.session.scalars(with_content(query)).unique().first()


def unfinished_goals(plan: Plan) -> list[Goal]:
    """Goals not marked achieved (by the supervisor, or by the person when nobody rated)."""
    unfinished = []
    for goal in plan.goals:
        outcome = goal.supervisor_outcome or goal.self_outcome
        if outcome != Outcome.ACHIEVED:
            unfinished.append(goal)
    return unfinished


def carry_over_candidates(
    earlier: Plan | None, plan: Plan | None, areas: list[SkillArea]
) -> list[Goal]:
    """Unfinished goals of the `earlier` plan not yet in `plan` (by link or area) whose area is
    among the cycle's `areas`. Reads only what it is given."""
    if earlier is None:
        return []
    goals = plan.goals if plan else []
    carried = {g.carried_from_id for g in goals if g.carried_from_id}
    present = {g.area.code for g in goals}
    codes = {a.code for a in areas}
    return [
        g
        for g in unfinished_goals(earlier)
        if g.id not in carried and g.area.code not in present and g.area.code in codes
    ]


def _moved(day: date | None, old: Cycle, new: Cycle) -> date | None:
    """A planned day moved to the same point of the new fiscal year (None if it falls out)."""
    if day is None:
        return None
    moved = day + (new.starts_on - old.starts_on)
    return moved if new.starts_on <= moved <= new.ends_on else None


def carry_over(person: Person, cycle: Cycle, *, by: Person) -> tuple[Plan, int]:
    """Copy the unfinished goals of the previous cycle (with their planned activities) into
    this cycle's plan. A goal already carried, or whose area the plan already has, is not
    added again. Returns (plan, added)."""
    earlier = previous_plan(person, cycle)
    if earlier is None:
        raise PlanError(_l("There is no plan from an earlier cycle to carry over."))
    plan = start_plan(person, cycle, by=by)
    check_editable(plan, cycle, person, by)
    cycle_area_list = cycle_areas(cycle)
    candidates = carry_over_candidates(earlier, plan, cycle_area_list)
    areas = {a.code: a for a in cycle_area_list}
    for old in candidates:
        goal = Goal(
            area=areas[old.area.code],
            current_level=old.current_level,
            target_level=old.target_level,
            success_criteria=old.success_criteria,
            support_needed=old.support_needed,
            due_on=default_due(cycle),
            position=len(plan.goals),
            carried_from_id=old.id,
        )
        goal.activities = [
            PlannedActivity(
                bucket=a.bucket,
                kind_id=a.kind_id,
                title=a.title,
                hours=a.hours,
                course_id=a.course_id,
                starts_on=_moved(a.starts_on, earlier.cycle, cycle),
                ends_on=_moved(a.ends_on, earlier.cycle, cycle),
                position=a.position,
            )
            for a in old.activities
        ]
        plan.goals.append(goal)
    touch(plan)
    db.session.flush()
    return plan, len(candidates)
