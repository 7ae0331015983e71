"""API v1: plans (IDPs) and reviews (issue 22, part 2) — one's own plan (read, send, withdraw),
a reviewer's plans waiting, a plan of someone they review (read, approve, return), and the
verification of an activity. Every step goes through the workflow (`available_actions` and
its services), so the API adds no rule of its own; each change needs If-Match."""

from flask import g, url_for
from flask_smorest import abort
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from lms.api import bp
from lms.api.answers import action_out, refuse
from lms.api.etags import check_if_match, etag
from lms.api.learning import activities_page, activity_out, year_or_404
from lms.api.paging import page_of
from lms.api.schemas.errors import ErrorSchema
from lms.api.schemas.learning import ActivityPageSchema, ActivitySchema, PageQuery
from lms.api.schemas.plans import (
    CycleQuery,
    DecisionSchema,
    PlanSchema,
    VerifySchema,
    WaitingPageSchema,
    WaitingQuery,
)
from lms.extensions import db
from lms.inbox.services import plans_waiting
from lms.models import (
    ActivityKind,
    Goal,
    LearningActivity,
    Person,
    Plan,
    PlannedActivity,
    still_here,
)
from lms.permissions import can_view_person, can_view_plan
from lms.plans.actions import ActionRefused, available_actions
from lms.plans.services import PlanConflict, find_plan
from lms.plans.workflow import approve_plan, return_plan, submit_plan, withdraw_plan
from lms.reviews.services import ReviewError, VerificationConflict, verify_activity
from lms.rules import RuleError

SHOWN_ACTIONS = ("edit", "submit", "withdraw", "approve", "return", "reopen", "evaluation")


def plan_out(plan: Plan) -> dict:
    actions = available_actions(plan, g.api_person)
    kinds = dict(db.session.execute(select(ActivityKind.id, ActivityKind.code)).all())
    return {
        "id": plan.id,
        "employee_no": plan.person.employee_no,
        "name_th": plan.person.name_th,
        "cycle": plan.cycle.be_year,
        "status": str(plan.status),
        "submitted_at": plan.submitted_at,
        "reviewed_at": plan.reviewed_at,
        "review_comment": plan.review_comment,
        "version": plan.version,
        "goals": [_goal(goal, kinds) for goal in plan.goals],
        "actions": {name: action_out(actions[name]) for name in SHOWN_ACTIONS if name in actions},
    }


def _goal(goal: Goal, kinds: dict[int, str]) -> dict:
    return {
        "id": goal.id,
        "area": goal.area.code,
        "current_level": goal.current_level,
        "target_level": goal.target_level,
        "success_criteria": goal.success_criteria,
        "support_needed": goal.support_needed,
        "due_on": goal.due_on,
        "activities": [_planned(item, kinds) for item in goal.activities],
    }


def _planned(item: PlannedActivity, kinds: dict[int, str]) -> dict:
    return {
        "id": item.id,
        "bucket": item.bucket,
        "kind": kinds.get(item.kind_id),
        "title": item.title,
        "hours": float(item.hours) if item.hours is not None else None,
        "course_id": item.course_id,
        "starts_on": item.starts_on,
        "ends_on": item.ends_on,
    }


RENAMED = {"area_id": "area", "kind_id": "kind"}  # the services' form names, the API's names


def change_plan(plan: Plan, change, status: int = 200):
    """Change the plan through a service, `change(version)` (If-Match is the plan's version):
    412 when it changed meanwhile, 409 with the workflow's reason when its state does not
    allow the step, 422 with the fields a rule names. The whole plan and its new ETag."""
    check_if_match(plan.version, "The plan")
    try:
        change(plan.version)
    except PlanConflict as problem:
        abort(412, message=str(problem.message), error_code="version_changed")
    except ActionRefused as problem:
        abort(409, message=str(problem.message), error_code="not_now")
    except RuleError as problem:
        refuse(problem, RENAMED)
    db.session.commit()
    db.session.refresh(plan)
    return plan_out(plan), status, etag(plan.version)


def my_plan_or_404(cycle: int | None) -> Plan:
    year = year_or_404(cycle)
    plan = find_plan(g.api_person, year)
    if plan is None:
        abort(404, message="You have no plan for this year yet.", error_code="plan_not_found")
    return plan


@bp.route("/me/plan", endpoint="my_plan")
@bp.arguments(CycleQuery, location="query", as_kwargs=True)
@bp.response(200, PlanSchema)
@bp.alt_response(404, schema=ErrorSchema, description="no plan, or no such year")
def my_plan(cycle: int | None = None):
    """My plan of a fiscal year: its goals and planned activities, and the steps I may take
    now (each allowed, or why not)."""
    plan = my_plan_or_404(cycle)
    return plan_out(plan), 200, etag(plan.version)


@bp.route("/me/plan/submit", methods=["POST"], endpoint="submit_my_plan")
@bp.arguments(CycleQuery, location="query", as_kwargs=True)
@bp.response(200, PlanSchema)
@bp.alt_response(409, schema=ErrorSchema, description="the plan cannot be sent now (why)")
@bp.alt_response(412, schema=ErrorSchema, description="it changed since the ETag sent")
@bp.alt_response(428, schema=ErrorSchema, description="no If-Match")
def submit_my_plan(cycle: int | None = None):
    """Send my plan to my supervisor (a draft or a returned one)."""
    plan = my_plan_or_404(cycle)
    return change_plan(plan, lambda v: submit_plan(plan, by=g.api_person, version=v))


@bp.route("/me/plan/withdraw", methods=["POST"], endpoint="withdraw_my_plan")
@bp.arguments(CycleQuery, location="query", as_kwargs=True)
@bp.response(200, PlanSchema)
@bp.alt_response(409, schema=ErrorSchema, description="it cannot be withdrawn now (why)")
@bp.alt_response(412, schema=ErrorSchema, description="it changed since the ETag sent")
@bp.alt_response(428, schema=ErrorSchema, description="no If-Match")
def withdraw_my_plan(cycle: int | None = None):
    """Take back my sent plan before anyone reviewed it, to change it."""
    plan = my_plan_or_404(cycle)
    return change_plan(plan, lambda v: withdraw_plan(plan, by=g.api_person, version=v))


# -- reviewers ---------------------------------------------------------------------------------


@bp.route("/reviews/plans", endpoint="plans_waiting")
@bp.arguments(WaitingQuery, location="query", as_kwargs=True)
@bp.response(200, WaitingPageSchema)
def waiting(page: int, per_page: int):
    """Plans sent to me for review (as in my inbox), the longest waiting first."""
    query = plans_waiting(g.api_person)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    plans = db.session.scalars(
        query.options(joinedload(Plan.person), joinedload(Plan.cycle))
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    items = [
        {
            "employee_no": plan.person.employee_no,
            "name_th": plan.person.name_th,
            "name_en": plan.person.name_en,
            "cycle": plan.cycle.be_year,
            "status": str(plan.status),
            "submitted_at": plan.submitted_at,
            "url": url_for(
                "api.plan_of", employee_no=plan.person.employee_no, cycle=plan.cycle.be_year
            ),
        }
        for plan in plans
    ]
    return page_of(items, total, page, per_page, "api.plans_waiting")


def _person_seen(employee_no: str) -> Person:
    person = db.session.scalars(
        select(Person).where(Person.employee_no == employee_no[:40], still_here())
    ).first()
    if person is None or not can_view_person(g.api_person, person):
        abort(404, message="There is no such person among those you may see.")
    return person


def _plan_of(employee_no: str, cycle: int | None) -> Plan:
    person = _person_seen(employee_no)
    plan = find_plan(person, year_or_404(cycle))
    if plan is None or not can_view_plan(g.api_person, plan):
        abort(404, message="There is no plan of theirs for you to see this year.")
    return plan


@bp.route("/people/<employee_no>/plan", endpoint="plan_of")
@bp.arguments(CycleQuery, location="query", as_kwargs=True)
@bp.response(200, PlanSchema)
@bp.alt_response(404, schema=ErrorSchema, description="not someone you may see, or no plan")
def plan_of(employee_no: str, cycle: int | None = None):
    """The plan of someone I review (or, for HR, in my units), with what I may do with it."""
    plan = _plan_of(employee_no, cycle)
    return plan_out(plan), 200, etag(plan.version)


@bp.route("/people/<employee_no>/plan/approve", methods=["POST"], endpoint="approve_plan")
@bp.arguments(DecisionSchema)
@bp.arguments(CycleQuery, location="query", as_kwargs=True)
@bp.response(200, PlanSchema)
@bp.alt_response(409, schema=ErrorSchema, description="not yours to approve, or not now (why)")
@bp.alt_response(412, schema=ErrorSchema, description="it changed since the ETag sent")
@bp.alt_response(428, schema=ErrorSchema, description="no If-Match")
def approve(data: dict, employee_no: str, cycle: int | None = None):
    """Approve a plan sent to me, optionally with a comment."""
    plan = _plan_of(employee_no, cycle)
    return change_plan(
        plan, lambda v: approve_plan(plan, by=g.api_person, comment=data["comment"], version=v)
    )


@bp.route("/people/<employee_no>/plan/return", methods=["POST"], endpoint="return_plan")
@bp.arguments(DecisionSchema)
@bp.arguments(CycleQuery, location="query", as_kwargs=True)
@bp.response(200, PlanSchema)
@bp.alt_response(409, schema=ErrorSchema, description="not yours to return, or not now (why)")
@bp.alt_response(412, schema=ErrorSchema, description="it changed since the ETag sent")
@bp.alt_response(422, schema=ErrorSchema, description="a comment is required")
@bp.alt_response(428, schema=ErrorSchema, description="no If-Match")
def send_back(data: dict, employee_no: str, cycle: int | None = None):
    """Return a plan sent to me, with what should change (the comment is required)."""
    plan = _plan_of(employee_no, cycle)
    return change_plan(
        plan,
        lambda v: return_plan(plan, by=g.api_person, comment=data["comment"] or "", version=v),
    )


@bp.route("/people/<employee_no>/activities", endpoint="activities_of")
@bp.arguments(PageQuery, location="query", as_kwargs=True)
@bp.response(200, ActivityPageSchema)
@bp.alt_response(404, schema=ErrorSchema, description="not someone you may see, or no such year")
def activities_of(employee_no: str, page: int, per_page: int, cycle: int | None = None):
    """The learning log of someone I review (or, for HR, in my units): each activity with
    its version, to verify it."""
    person = _person_seen(employee_no)
    return activities_page(
        person, year_or_404(cycle), page, per_page, "api.activities_of", employee_no=employee_no
    )


@bp.route(
    "/people/<employee_no>/activities/<int:activity_id>/verify",
    methods=["POST"],
    endpoint="verify_activity",
)
@bp.arguments(VerifySchema)
@bp.response(200, ActivitySchema)
@bp.alt_response(404, schema=ErrorSchema, description="not an activity of someone you review")
@bp.alt_response(409, schema=ErrorSchema, description="not yours to verify (why)")
@bp.alt_response(412, schema=ErrorSchema, description="it changed since the ETag sent")
@bp.alt_response(428, schema=ErrorSchema, description="no If-Match (the activity's version)")
def verify(data: dict, employee_no: str, activity_id: int):
    """Verify that an activity of someone I review happened (and, optionally, mark it applied
    at work). If-Match is the activity's ETag (GET it from their learning log)."""
    person = _person_seen(employee_no)
    activity = db.session.get(LearningActivity, activity_id) if activity_id < 2**31 else None
    if activity is None or activity.person_id != person.id:
        abort(404, message="There is no such activity of theirs.")
    check_if_match(activity.version, "The activity")
    try:
        verify_activity(
            activity, by=g.api_person, applied=data["applied_at_work"], version=activity.version
        )
    except VerificationConflict as problem:
        abort(412, message=str(problem.message), error_code="version_changed")
    except ReviewError as problem:
        abort(409, message=str(problem.message), error_code="not_yours")
    db.session.commit()
    activity = db.session.scalars(
        select(LearningActivity)
        .where(LearningActivity.id == activity.id)
        .options(selectinload(LearningActivity.evidence))
    ).one()
    return activity_out(activity), 200, etag(activity.version)
