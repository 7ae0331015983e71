"""Rules of the IDP's content: goals from gaps, goals and planned activities while the plan is
editable, carry-over of last year's unfinished goals. Status changes live in `workflow.py`."""

from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import flag_modified

from lms import permissions
from lms.assessments.services import find_assessment, results, submitted_history
from lms.clock import utcnow
from lms.cycles import cycle_areas
from lms.extensions import db
from lms.i18n import format_be_date
from lms.learning import MAX_HOURS, check_learning_item, kind_by_code
from lms.models import Course, Cycle, Goal, Person, Plan, PlannedActivity
from lms.models.common import LEVEL_MAX, LEVEL_MIN
from lms.rules import RuleError
from lms.vocab import Bucket


class PlanError(RuleError):
    """The plan cannot be changed as asked."""


class PlanConflict(PlanError):
    """Someone (another window) changed the plan since this page was loaded."""


def with_content(query):
    """Load a plan with its goals, their areas, planned activities and courses in one query."""
    goals = joinedload(Plan.goals)
    return query.options(
        goals.joinedload(Goal.area),
        goals.joinedload(Goal.activities).joinedload(PlannedActivity.course),
    )


def find_plan(person: Person, cycle: Cycle) -> Plan | None:
    query = select(Plan).where(Plan.person_id == person.id, Plan.cycle_id == cycle.id)
    return db.session.scalars(with_content(query)).unique().first()


def check_editable(plan: Plan | None, cycle: Cycle, owner: Person, by: Person) -> None:
    """Refuse, with the reason, what `permissions.can_edit_plan` does not allow."""
    if not permissions.is_owner(by, owner.id):
        raise PlanError(_l("Only the person themselves can change their development plan."))
    if not permissions.cycle_accepts_changes(cycle):
        raise PlanError(_l("This cycle is not open, so the plan cannot change."))
    if not permissions.plan_accepts_edits(plan):
        raise PlanError(
            _l("This plan is already submitted; it can change again if your supervisor returns it.")
        )


def check_version(plan: Plan, version: int | None) -> None:
    """Refuse a change made from a page that shows an older version of the plan."""
    if version is not None and version != plan.version:
        raise PlanConflict(
            _l(
                "The plan was changed in another window or by someone else since you opened "
                "this page. Nothing was saved: please look at the latest plan and try again."
            )
        )


def touch(plan: Plan) -> None:
    """Mark the plan changed, so that its version moves on (optimistic locking), also for
    two changes within the same instant."""
    plan.updated_at = utcnow()
    flag_modified(plan, "updated_at")


def start_plan(person: Person, cycle: Cycle, *, by: Person) -> Plan:
    plan = find_plan(person, cycle)
    if plan is not None:
        return plan
    check_editable(None, cycle, person, by)
    plan = Plan(person=person, cycle=cycle)
    db.session.add(plan)
    db.session.flush()
    return plan


def default_due(cycle: Cycle) -> date:
    return cycle.evaluation_due


def build_from_gaps(person: Person, cycle: Cycle, *, by: Person) -> tuple[Plan, int]:
    """Create one goal per skill area below target, largest gap first; returns (plan, added).

    Uses the self-assessment of this cycle, or the latest submitted one before it. Areas that
    already have a goal are left alone, so pressing the button twice adds nothing twice.
    """
    assessment = find_assessment(person, cycle)
    if assessment is None or not assessment.is_submitted:
        history = submitted_history(person)
        assessment = history[0] if history else None
    if assessment is None:
        raise PlanError(_l("Submit your self-assessment first: the plan is built from its gaps."))
    plan = start_plan(person, cycle, by=by)
    check_editable(plan, cycle, person, by)
    areas = {a.code: a for a in cycle_areas(cycle)}
    have = {g.area.code for g in plan.goals}
    gaps = sorted((r for r in results(assessment) if r.gap), key=lambda r: -r.gap)
    added = 0
    for row in gaps:
        area = areas.get(row.area.code)
        if area is None or area.code in have:
            continue
        plan.goals.append(
            Goal(
                area=area,
                current_level=row.level,
                target_level=row.target,
                due_on=default_due(cycle),
                position=len(plan.goals),
            )
        )
        added += 1
    touch(plan)
    db.session.flush()
    return plan, added


def _clean_goal(cycle: Cycle, values: dict) -> dict:
    errors = {}
    area = values.get("area")
    if area is None:
        errors["area_id"] = _l("Choose the skill area this goal develops.")
    elif area.framework_id != cycle.framework_id:
        errors["area_id"] = _l("This skill area is not part of the cycle's framework.")
    current, target = values.get("current_level"), values.get("target_level")
    for name, level in (("current_level", current), ("target_level", target)):
        if level is not None and not LEVEL_MIN <= level <= LEVEL_MAX:
            errors[name] = _l(
                "Choose a level from %(low)d to %(high)d.", low=LEVEL_MIN, high=LEVEL_MAX
            )
    if target is None:
        errors["target_level"] = _l("Choose the level you want to reach.")
    elif current is not None and "current_level" not in errors and target < current:
        errors["target_level"] = _l("The target cannot be below the current level.")
    due = values.get("due_on")
    if due is not None and not cycle.starts_on <= due <= cycle.ends_on:
        errors["due_on"] = _within_the_year(cycle)
    criteria = (values.get("success_criteria") or "").strip()
    if len(criteria) > 2000:
        errors["success_criteria"] = _l("At most 2,000 characters.")
    support = (values.get("support_needed") or "").strip()
    if len(support) > 2000:
        errors["support_needed"] = _l("At most 2,000 characters.")
    if errors:
        raise PlanError(_l("Please check the highlighted answers. Nothing was saved yet."), errors)
    return {
        "area": area,
        "current_level": current,
        "target_level": target,
        "due_on": due,
        "success_criteria": criteria or None,
        "support_needed": support or None,
    }


# A plan is a few goals with a handful of activities each; these bounds keep every page and the
# PDF of a plan quick (600 planned activities once took a PDF 25 s).
MAX_GOALS = 10
MAX_PLANNED_PER_GOAL = 15


def add_goal(plan: Plan, values: dict, *, by: Person, version: int | None = None) -> Goal:
    check_editable(plan, plan.cycle, plan.person, by)
    check_version(plan, version)
    if len(plan.goals) >= MAX_GOALS:
        raise PlanError(
            _l(
                "A plan has at most %(num)d goals. Focus on the largest gaps, or remove a goal "
                "first.",
                num=MAX_GOALS,
            )
        )
    clean = _clean_goal(plan.cycle, values)
    goal = Goal(**clean, position=len(plan.goals))
    plan.goals.append(goal)
    touch(plan)
    db.session.flush()
    return goal


def update_goal(goal: Goal, values: dict, *, by: Person, version: int | None = None) -> Goal:
    plan = goal.plan
    check_editable(plan, plan.cycle, plan.person, by)
    check_version(plan, version)
    for name, value in _clean_goal(plan.cycle, values).items():
        setattr(goal, name, value)
    touch(plan)
    db.session.flush()
    return goal


def delete_goal(goal: Goal, *, by: Person, version: int | None = None) -> None:
    plan = goal.plan
    check_editable(plan, plan.cycle, plan.person, by)
    check_version(plan, version)
    plan.goals.remove(goal)
    for position, other in enumerate(plan.goals):
        other.position = position
    touch(plan)
    db.session.flush()


def move_goal(goal: Goal, step: int, *, by: Person, version: int | None = None) -> None:
    """Move a goal up (-1) or down (+1) in the plan."""
    plan = goal.plan
    check_editable(plan, plan.cycle, plan.person, by)
    check_version(plan, version)
    goals = list(plan.goals)
    index = goals.index(goal)
    target = index + step
    if 0 <= target < len(goals):
        goals[index], goals[target] = goals[target], goals[index]
        for position, other in enumerate(goals):
            other.position = position
        touch(plan)
        db.session.flush()


def _clean_activity(cycle: Cycle, values: dict) -> dict:
    errors = {}
    title = check_learning_item(values, errors, _l("Please write what you will do."))
    bucket, kind, course = values.get("bucket"), values.get("kind"), values.get("course")
    hours = values.get("hours")
    if hours is not None and not Decimal(0) < hours <= MAX_HOURS:
        errors["hours"] = _l("Hours must be more than 0 and at most 1,000.")
    starts, ends = values.get("starts_on"), values.get("ends_on")
    for name, day in (("starts_on", starts), ("ends_on", ends)):
        if day is not None and not cycle.starts_on <= day <= cycle.ends_on:
            errors[name] = _within_the_year(cycle)
    if starts and ends and ends < starts and "ends_on" not in errors:
        errors["ends_on"] = _l("The period cannot end before it starts.")
    if errors:
        raise PlanError(_l("Please check the highlighted answers. Nothing was saved yet."), errors)
    return {
        "bucket": bucket,
        "kind_id": kind.id if kind else None,
        "title": title,
        "hours": hours,
        "course": course,
        "starts_on": starts,
        "ends_on": ends,
    }


def _within_the_year(cycle: Cycle):
    return _l(
        "Choose a date within the fiscal year (%(start)s – %(end)s).",
        start=format_be_date(cycle.starts_on),
        end=format_be_date(cycle.ends_on),
    )


def add_planned_activity(goal: Goal, values: dict, *, by: Person, version: int | None = None):
    plan = goal.plan
    check_editable(plan, plan.cycle, plan.person, by)
    check_version(plan, version)
    if len(goal.activities) >= MAX_PLANNED_PER_GOAL:
        raise PlanError(
            _l(
                "A goal has at most %(num)d planned activities. Group small ones together, or "
                "remove one first.",
                num=MAX_PLANNED_PER_GOAL,
            )
        )
    clean = _clean_activity(plan.cycle, values)
    activity = PlannedActivity(**clean, position=len(goal.activities))
    goal.activities.append(activity)
    touch(plan)
    db.session.flush()
    return activity


def add_course_to_goal(goal: Goal, course: Course, *, by: Person, version: int | None = None):
    """Plan a catalogue course as formal (10) e-learning under `goal`."""
    values = {
        "bucket": Bucket.FORMAL,
        "kind": kind_by_code("ELEARNING"),
        "title": course.title_th,
        "hours": course.hours,
        "course": course,
    }
    return add_planned_activity(goal, values, by=by, version=version)


def update_planned_activity(
    activity: PlannedActivity, values: dict, *, by: Person, version: int | None = None
) -> PlannedActivity:
    plan = activity.goal.plan
    check_editable(plan, plan.cycle, plan.person, by)
    check_version(plan, version)
    for name, value in _clean_activity(plan.cycle, values).items():
        setattr(activity, name, value)
    touch(plan)
    db.session.flush()
    return activity


def delete_planned_activity(activity: PlannedActivity, *, by: Person, version: int | None = None):
    goal = activity.goal
    check_editable(goal.plan, goal.plan.cycle, goal.plan.person, by)
    check_version(goal.plan, version)
    goal.activities.remove(activity)
    touch(goal.plan)
    db.session.flush()
