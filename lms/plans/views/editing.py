"""Editing my plan: goals (add, edit, delete, order) and their planned activities and courses."""

from flask import abort, flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from lms.cycles import cycle_areas, cycle_or_404
from lms.extensions import db
from lms.forms import options
from lms.i18n import current_locale
from lms.learning import kinds_in_order
from lms.models import ActivityKind, Course, PlannedActivity, SkillArea
from lms.plans import bp
from lms.plans.forms import GoalForm, PlannedActivityForm
from lms.plans.lookups import my_goal_or_404
from lms.plans.services import (
    add_course_to_goal,
    add_goal,
    add_planned_activity,
    delete_goal,
    delete_planned_activity,
    find_plan,
    move_goal,
    start_plan,
    update_goal,
    update_planned_activity,
)
from lms.plans.suggestions import suggest_courses
from lms.plans.views.common import plan_action, plan_url, version_of
from lms.rules import attempt


def _goal_form(cycle, goal=None) -> GoalForm:
    locale = current_locale()
    form = GoalForm(obj=goal) if request.method == "GET" and goal is not None else GoalForm()
    form.area_id.choices = options(
        [("", _("Choose…"))] + [(a.id, a.name(locale)) for a in cycle_areas(cycle)]
    )
    return form


def _goal_values(form) -> dict:
    return {
        "area": db.session.get(SkillArea, form.area_id.data) if form.area_id.data else None,
        "current_level": form.current_level.data,
        "target_level": form.target_level.data,
        "success_criteria": form.success_criteria.data,
        "support_needed": form.support_needed.data,
        "due_on": form.due_on.data,
    }


@bp.route("/<int:be_year>/goals/new", methods=["GET", "POST"])
@bp.route("/<int:be_year>/goals/<int:goal_id>/edit", methods=["GET", "POST"])
@login_required
def goal_form(be_year: int, goal_id: int | None = None):
    cycle = cycle_or_404(be_year)
    goal = my_goal_or_404(current_user, cycle, goal_id) if goal_id else None
    plan = goal.plan if goal else find_plan(current_user, cycle)
    form = _goal_form(cycle, goal)
    if request.method == "GET":
        form.version.data = plan.version if plan else ""
        if goal is None:
            form.due_on.data = cycle.evaluation_due
    error = None
    if form.validate_on_submit():

        def save():
            if goal is None:
                mine = plan or start_plan(current_user, cycle, by=current_user)
                return add_goal(mine, _goal_values(form), by=current_user, version=version_of(form))
            update_goal(goal, _goal_values(form), by=current_user, version=version_of(form))
            return goal

        done = attempt(save, form)
        if done.ok:
            flash(_("The goal is saved."), "success")
            return redirect(plan_url(cycle, f"goal-{done.result.id}"))
        error = done.message
    elif request.method == "POST":
        error = _("Please check the highlighted answers. Nothing was saved yet.")
    status = 422 if error else 200
    return render_template(
        "plans/goal_form.html", cycle=cycle, form=form, goal=goal, error=error
    ), status


@bp.route("/<int:be_year>/goals/<int:goal_id>/delete", methods=["POST"])
@login_required
def goal_delete(be_year: int, goal_id: int):
    cycle = cycle_or_404(be_year)
    goal = my_goal_or_404(current_user, cycle, goal_id)
    return plan_action(
        cycle,
        lambda version: delete_goal(goal, by=current_user, version=version),
        lambda _r: _("The goal is deleted."),
    )


@bp.route("/<int:be_year>/goals/<int:goal_id>/move/<direction>", methods=["POST"])
@login_required
def goal_move(be_year: int, goal_id: int, direction: str):
    cycle = cycle_or_404(be_year)
    goal = my_goal_or_404(current_user, cycle, goal_id)
    step = {"up": -1, "down": 1}.get(direction)
    if step is None:
        abort(404)
    return plan_action(
        cycle,
        lambda version: move_goal(goal, step, by=current_user, version=version),
        lambda _r: _("The order of the goals is saved."),
    )


def _activity_form(goal, activity=None) -> PlannedActivityForm:
    locale = current_locale()
    form = (
        PlannedActivityForm(obj=activity)
        if request.method == "GET" and activity is not None
        else PlannedActivityForm()
    )
    kinds = kinds_in_order()
    form.kind_id.choices = options(
        [("", _("Choose…"))] + [(k.id, f"{k.bucket} · {k.name(locale)}") for k in kinds]
    )
    ranked = suggest_courses(goal.area.code, goal.current_level, current_user, limit=50)
    form.course_id.choices = options(
        [("", _("No course / not in the catalogue"))]
        + [(s.course.id, f"{s.course.provider.code} · {s.course.title(locale)}") for s in ranked]
    )
    if (
        activity is not None
        and activity.course_id
        and activity.course_id not in {s.course.id for s in ranked}
    ):
        course = db.session.get(Course, activity.course_id)
        form.course_id.choices += options(
            [(course.id, f"{course.provider.code} · {course.title(locale)}")]
        )
    return form


def _activity_values(form) -> dict:
    return {
        "bucket": form.bucket.data,
        "kind": db.session.get(ActivityKind, form.kind_id.data) if form.kind_id.data else None,
        "title": form.title.data,
        "hours": form.hours.data,
        "course": db.session.get(Course, form.course_id.data) if form.course_id.data else None,
        "starts_on": form.starts_on.data,
        "ends_on": form.ends_on.data,
    }


@bp.route("/<int:be_year>/goals/<int:goal_id>/activities/new", methods=["GET", "POST"])
@bp.route(
    "/<int:be_year>/goals/<int:goal_id>/activities/<int:activity_id>/edit", methods=["GET", "POST"]
)
@login_required
def activity_form(be_year: int, goal_id: int, activity_id: int | None = None):
    cycle = cycle_or_404(be_year)
    goal = my_goal_or_404(current_user, cycle, goal_id)
    activity = None
    if activity_id is not None:
        activity = db.session.get(PlannedActivity, activity_id)
        if activity is None or activity.goal_id != goal.id:
            abort(404)
    form = _activity_form(goal, activity)
    if request.method == "GET":
        form.version.data = goal.plan.version
        if activity is None:
            form.bucket.data = request.args.get("bucket", "70")
    error = None
    if form.validate_on_submit():

        def save():
            values = _activity_values(form)
            if activity is None:
                return add_planned_activity(goal, values, by=current_user, version=version_of(form))
            return update_planned_activity(
                activity, values, by=current_user, version=version_of(form)
            )

        done = attempt(save, form)
        if done.ok:
            flash(_("The planned activity is saved."), "success")
            return redirect(plan_url(cycle, f"goal-{goal.id}"))
        error = done.message
    elif request.method == "POST":
        error = _("Please check the highlighted answers. Nothing was saved yet.")
    return (
        render_template(
            "plans/activity_form.html",
            cycle=cycle,
            goal=goal,
            activity=activity,
            form=form,
            error=error,
        ),
        422 if error else 200,
    )


@bp.route(
    "/<int:be_year>/goals/<int:goal_id>/activities/<int:activity_id>/delete", methods=["POST"]
)
@login_required
def activity_delete(be_year: int, goal_id: int, activity_id: int):
    cycle = cycle_or_404(be_year)
    goal = my_goal_or_404(current_user, cycle, goal_id)
    activity = db.session.get(PlannedActivity, activity_id)
    if activity is None or activity.goal_id != goal.id:
        abort(404)
    return plan_action(
        cycle,
        lambda version: delete_planned_activity(activity, by=current_user, version=version),
        lambda _r: _("The planned activity is deleted."),
    )


@bp.route("/<int:be_year>/goals/<int:goal_id>/courses/<int:course_id>", methods=["POST"])
@login_required
def add_course(be_year: int, goal_id: int, course_id: int):
    """Add a catalogue course to a goal as formal (10) learning."""
    cycle = cycle_or_404(be_year)
    goal = my_goal_or_404(current_user, cycle, goal_id)
    course = db.session.get(Course, course_id)
    if course is None or not course.active:
        abort(404)
    return plan_action(
        cycle,
        lambda version: add_course_to_goal(goal, course, by=current_user, version=version),
        lambda _r: _("The course is added to your plan."),
    )
