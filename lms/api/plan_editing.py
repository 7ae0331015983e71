"""API v1: my plan's goals and planned activities, while the plan may change (issue 22,
part 2) — through the plan's services, so the same rules and limits as the IDP pages. Each
change needs If-Match (the plan's version) and answers with the whole plan and its new ETag."""

from decimal import Decimal

from flask import g
from flask_smorest import abort
from sqlalchemy import select

from lms.api import bp
from lms.api.etags import etag
from lms.api.learning import year_or_404
from lms.api.plans import change_plan, my_plan_or_404, plan_out
from lms.api.schemas.errors import ErrorSchema
from lms.api.schemas.plans import CycleQuery, GoalInSchema, PlannedInSchema, PlanSchema, StartSchema
from lms.extensions import db
from lms.models import ActivityKind, Course, Goal, PlannedActivity, SkillArea
from lms.plans.services import (
    PlanError,
    add_goal,
    add_planned_activity,
    build_from_gaps,
    delete_goal,
    delete_planned_activity,
    find_plan,
    start_plan,
    update_goal,
    update_planned_activity,
)


def _goal_values(plan, data: dict) -> dict:
    area = db.session.scalars(
        select(SkillArea).where(
            SkillArea.framework_id == plan.cycle.framework_id, SkillArea.code == data["area"]
        )
    ).first()
    if area is None:
        abort(422, message="Please check the fields named.", errors={"area": ["no such area"]})
    return {**data, "area": area}


def _planned_values(data: dict) -> dict:
    values = {k: v for k, v in data.items() if k not in ("kind", "course_id")}
    problems = {}
    values["kind"] = values["course"] = None
    if data["kind"] is not None:
        values["kind"] = db.session.scalars(
            select(ActivityKind).where(ActivityKind.code == data["kind"])
        ).first()
        if values["kind"] is None:
            problems["kind"] = [f"There is no kind {data['kind']}."]
    if data["course_id"] is not None:
        course = db.session.get(Course, data["course_id"])
        if course is None or not course.active:
            problems["course_id"] = [f"There is no course {data['course_id']}."]
        values["course"] = course
    if data["hours"] is not None:
        values["hours"] = Decimal(data["hours"])
    if problems:
        abort(422, message="Please check the fields named.", errors=problems)
    return values


def _my_goal(plan, goal_id: int) -> Goal:
    goal = db.session.get(Goal, goal_id) if goal_id < 2**31 else None
    if goal is None or goal.plan_id != plan.id:
        abort(404, message="There is no such goal in your plan.")
    return goal


def _my_planned(plan, activity_id: int) -> PlannedActivity:
    item = db.session.get(PlannedActivity, activity_id) if activity_id < 2**31 else None
    if item is None or item.goal.plan_id != plan.id:
        abort(404, message="There is no such planned activity in your plan.")
    return item


COMMON = (
    (409, "the plan cannot change now (sent, approved, a closed year: why)"),
    (412, "it changed since the ETag sent"),
    (422, "what is wrong, per field"),
    (428, "no If-Match"),
)


def _documented(view):
    for status, description in COMMON:
        view = bp.alt_response(status, schema=ErrorSchema, description=description)(view)
    return view


@bp.route("/me/plan", methods=["POST"], endpoint="start_my_plan")
@bp.arguments(StartSchema)
@bp.arguments(CycleQuery, location="query", as_kwargs=True)
@bp.response(201, PlanSchema)
@bp.alt_response(409, schema=ErrorSchema, description="the year is not open, or a plan exists")
def start_my_plan(data: dict, cycle: int | None = None):
    """Start my plan of the year: empty, or (from_gaps) with a goal for each gap of my
    submitted self-assessment."""
    year = year_or_404(cycle)
    if find_plan(g.api_person, year) is not None:
        abort(409, message="You have a plan for this year already.", error_code="plan_exists")
    try:
        if data["from_gaps"]:
            plan, _added = build_from_gaps(g.api_person, year, by=g.api_person)
        else:
            plan = start_plan(g.api_person, year, by=g.api_person)
    except PlanError as problem:
        abort(409, message=str(problem.message))
    db.session.commit()
    return plan_out(plan), 201, etag(plan.version)


@bp.route("/me/plan/goals", methods=["POST"], endpoint="add_my_goal")
@bp.arguments(GoalInSchema)
@bp.arguments(CycleQuery, location="query", as_kwargs=True)
@bp.response(201, PlanSchema)
@_documented
def add_my_goal(data: dict, cycle: int | None = None):
    """Add a goal to my plan."""
    plan = my_plan_or_404(cycle)
    values = _goal_values(plan, data)
    return change_plan(plan, lambda v: add_goal(plan, values, by=g.api_person, version=v), 201)


@bp.route("/me/plan/goals/<int:goal_id>", methods=["PUT"], endpoint="change_my_goal")
@bp.arguments(GoalInSchema)
@bp.arguments(CycleQuery, location="query", as_kwargs=True)
@bp.response(200, PlanSchema)
@_documented
def change_my_goal(data: dict, goal_id: int, cycle: int | None = None):
    """Change a goal of my plan (all of it)."""
    plan = my_plan_or_404(cycle)
    goal = _my_goal(plan, goal_id)
    values = _goal_values(plan, data)
    return change_plan(plan, lambda v: update_goal(goal, values, by=g.api_person, version=v))


@bp.route("/me/plan/goals/<int:goal_id>", methods=["DELETE"], endpoint="delete_my_goal")
@bp.arguments(CycleQuery, location="query", as_kwargs=True)
@bp.response(200, PlanSchema)
@_documented
def delete_my_goal(goal_id: int, cycle: int | None = None):
    """Remove a goal (and its planned activities) from my plan."""
    plan = my_plan_or_404(cycle)
    goal = _my_goal(plan, goal_id)
    return change_plan(plan, lambda v: delete_goal(goal, by=g.api_person, version=v))


@bp.route("/me/plan/goals/<int:goal_id>/activities", methods=["POST"], endpoint="add_my_planned")
@bp.arguments(PlannedInSchema)
@bp.arguments(CycleQuery, location="query", as_kwargs=True)
@bp.response(201, PlanSchema)
@_documented
def add_my_planned(data: dict, goal_id: int, cycle: int | None = None):
    """Plan an activity under a goal of my plan (a course: bucket 10 and its course_id)."""
    plan = my_plan_or_404(cycle)
    goal = _my_goal(plan, goal_id)
    values = _planned_values(data)
    return change_plan(
        plan, lambda v: add_planned_activity(goal, values, by=g.api_person, version=v), 201
    )


@bp.route("/me/plan/activities/<int:activity_id>", methods=["PUT"], endpoint="change_my_planned")
@bp.arguments(PlannedInSchema)
@bp.arguments(CycleQuery, location="query", as_kwargs=True)
@bp.response(200, PlanSchema)
@_documented
def change_my_planned(data: dict, activity_id: int, cycle: int | None = None):
    """Change a planned activity of my plan (all of it)."""
    plan = my_plan_or_404(cycle)
    item = _my_planned(plan, activity_id)
    values = _planned_values(data)
    return change_plan(
        plan, lambda v: update_planned_activity(item, values, by=g.api_person, version=v)
    )


@bp.route("/me/plan/activities/<int:activity_id>", methods=["DELETE"], endpoint="delete_my_planned")
@bp.arguments(CycleQuery, location="query", as_kwargs=True)
@bp.response(200, PlanSchema)
@_documented
def delete_my_planned(activity_id: int, cycle: int | None = None):
    """Remove a planned activity from my plan."""
    plan = my_plan_or_404(cycle)
    item = _my_planned(plan, activity_id)
    return change_plan(plan, lambda v: delete_planned_activity(item, by=g.api_person, version=v))
