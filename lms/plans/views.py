"""The IDP pages: my plan, goals and planned activities, submit, carry-over, PDF."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from lms import permissions
from lms.assessments.services import latest_submitted
from lms.cycles import cycle_areas, cycle_or_404, open_cycle
from lms.extensions import db
from lms.feedback.services import counts_by_target
from lms.forms import options
from lms.i18n import current_locale
from lms.learning import actual_balance, goal_progress, kind_names, kinds_in_order, planned_balance
from lms.models import ActivityKind, Course, Goal, PlannedActivity, SkillArea
from lms.plans import bp
from lms.plans.actions import available_actions
from lms.plans.forms import GoalForm, PlanActionForm, PlannedActivityForm
from lms.plans.pdf import pdf_rate_limit, plan_pdf_response
from lms.plans.services import (
    PlanError,
    add_course_to_goal,
    add_goal,
    add_planned_activity,
    build_from_gaps,
    carry_over,
    carry_over_candidates,
    delete_goal,
    delete_planned_activity,
    find_plan,
    move_goal,
    previous_plan,
    start_plan,
    update_goal,
    update_planned_activity,
)
from lms.plans.suggestions import suggest_courses, suggestions_for_plan
from lms.plans.workflow import reopen_plan, submit_plan, versions_of, withdraw_plan
from lms.requests import whole_number
from lms.rules import show_on_form


def _my_goal_or_404(cycle, goal_id: int) -> Goal:
    goal = db.session.get(Goal, goal_id)
    if goal is None or goal.plan.person_id != current_user.id or goal.plan.cycle_id != cycle.id:
        abort(404)
    return goal


def _plan_url(cycle, anchor: str | None = None) -> str:
    return url_for(".show", be_year=cycle.be_year, _anchor=anchor)


def _version(form=None) -> int | None:
    raw = (form.version.data if form is not None else request.form.get("version")) or ""
    return whole_number(raw)


@bp.route("/")
@login_required
def index():
    cycle = open_cycle()
    if cycle is None:
        return render_template("plans/no_cycle.html")
    return redirect(url_for(".show", be_year=cycle.be_year))


@bp.route("/<int:be_year>/")
@login_required
def show(be_year: int):
    cycle = cycle_or_404(be_year)
    plan = find_plan(current_user, cycle)
    earlier = previous_plan(current_user, cycle)
    locale = current_locale()
    route = permissions.review_route(current_user)
    actions = available_actions(plan, current_user, route=route)
    editable = actions["edit"].allowed
    latest = latest_submitted(current_user)
    suggestions = {}
    if plan is not None and editable:
        suggestions = suggestions_for_plan(plan, current_user)
    return render_template(
        "plans/show.html",
        cycle=cycle,
        plan=plan,
        editable=editable,
        has_assessment=latest is not None,
        latest=latest,
        latest_levels={r.area_id: r.level for r in latest.ratings} if latest else {},
        carry_candidates=len(
            carry_over_candidates(earlier, plan, cycle_areas(cycle)) if earlier else ()
        ),
        earlier=earlier,
        planned=planned_balance(plan),
        actual=actual_balance(current_user, cycle),
        progress={p.goal.id: p for p in goal_progress(plan)},
        suggestions=suggestions,
        kinds=kind_names(locale),
        form=PlanActionForm(version=plan.version if plan else None),
        route=route,
        actions=actions,
        feedback=counts_by_target(current_user, current_user, cycle.id) if plan else {},
        versions=versions_of(plan) if plan else [],
    )


def _plan_action(cycle, action, success_message):
    form = PlanActionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        result = action(form.version_number())
        db.session.commit()
    except PlanError as exc:
        db.session.rollback()
        flash(str(exc.message), "error")
    else:
        flash(success_message(result), "success")
    return redirect(_plan_url(cycle))


@bp.route("/<int:be_year>/build", methods=["POST"])
@login_required
def build(be_year: int):
    cycle = cycle_or_404(be_year)
    return _plan_action(
        cycle,
        lambda _v: build_from_gaps(current_user, cycle, by=current_user)[1],
        lambda added: (
            ngettext(
                "%(num)d goal was added from your gaps. Now plan how you will reach it.",
                "%(num)d goals were added from your gaps. Now plan how you will reach them.",
                added,
            )
            if added
            else _("Every gap already has a goal in your plan.")
        ),
    )


@bp.route("/<int:be_year>/carry-over", methods=["POST"])
@login_required
def carry(be_year: int):
    cycle = cycle_or_404(be_year)
    return _plan_action(
        cycle,
        lambda _v: carry_over(current_user, cycle, by=current_user)[1],
        lambda added: (
            ngettext(
                "%(num)d unfinished goal was carried over from last year.",
                "%(num)d unfinished goals were carried over from last year.",
                added,
            )
            if added
            else _("The unfinished goals of last year are already in your plan.")
        ),
    )


def _my_plan_step(be_year: int, step, success_message):
    """One step of my plan's life (send, take back, reopen) from a button on its page."""
    cycle = cycle_or_404(be_year)
    plan = find_plan(current_user, cycle)
    if plan is None:
        abort(404)
    return _plan_action(
        cycle, lambda version: step(plan, by=current_user, version=version), success_message
    )


@bp.route("/<int:be_year>/submit", methods=["POST"])
@login_required
def submit(be_year: int):
    return _my_plan_step(
        be_year,
        submit_plan,
        lambda _p: _(
            "Your plan is sent to %(name)s. You will be told when they have reviewed it.",
            name=permissions.review_route(current_user).reviewer.name_th,
        ),
    )


@bp.route("/<int:be_year>/withdraw", methods=["POST"])
@login_required
def withdraw(be_year: int):
    """Take back a sent plan nobody has reviewed yet, to change it."""
    return _my_plan_step(
        be_year,
        withdraw_plan,
        lambda _p: _("Your plan is back with you as a draft. Send it again when it is ready."),
    )


@bp.route("/<int:be_year>/reopen", methods=["POST"])
@login_required
def reopen(be_year: int):
    """Revise an approved plan (development went off plan); it is sent and approved again."""
    return _my_plan_step(
        be_year,
        reopen_plan,
        lambda _p: _(
            "Your plan is open for revision. The approved version is kept; send the revised "
            "plan for approval when it is ready."
        ),
    )


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
    goal = _my_goal_or_404(cycle, goal_id) if goal_id else None
    plan = goal.plan if goal else find_plan(current_user, cycle)
    form = _goal_form(cycle, goal)
    if request.method == "GET":
        form.version.data = plan.version if plan else ""
        if goal is None:
            form.due_on.data = cycle.evaluation_due
    error = None
    if form.validate_on_submit():
        try:
            if goal is None:
                plan = plan or start_plan(current_user, cycle, by=current_user)
                goal = add_goal(plan, _goal_values(form), by=current_user, version=_version(form))
            else:
                update_goal(goal, _goal_values(form), by=current_user, version=_version(form))
            db.session.commit()
        except PlanError as exc:
            db.session.rollback()
            error = show_on_form(form, exc)
        else:
            flash(_("The goal is saved."), "success")
            return redirect(_plan_url(cycle, f"goal-{goal.id}"))
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
    goal = _my_goal_or_404(cycle, goal_id)
    return _plan_action(
        cycle,
        lambda version: delete_goal(goal, by=current_user, version=version),
        lambda _r: _("The goal is deleted."),
    )


@bp.route("/<int:be_year>/goals/<int:goal_id>/move/<direction>", methods=["POST"])
@login_required
def goal_move(be_year: int, goal_id: int, direction: str):
    cycle = cycle_or_404(be_year)
    goal = _my_goal_or_404(cycle, goal_id)
    step = {"up": -1, "down": 1}.get(direction)
    if step is None:
        abort(404)
    return _plan_action(
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
    goal = _my_goal_or_404(cycle, goal_id)
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
        try:
            values = _activity_values(form)
            if activity is None:
                add_planned_activity(goal, values, by=current_user, version=_version(form))
            else:
                update_planned_activity(activity, values, by=current_user, version=_version(form))
            db.session.commit()
        except PlanError as exc:
            db.session.rollback()
            error = show_on_form(form, exc)
        else:
            flash(_("The planned activity is saved."), "success")
            return redirect(_plan_url(cycle, f"goal-{goal.id}"))
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
    goal = _my_goal_or_404(cycle, goal_id)
    activity = db.session.get(PlannedActivity, activity_id)
    if activity is None or activity.goal_id != goal.id:
        abort(404)
    return _plan_action(
        cycle,
        lambda version: delete_planned_activity(activity, by=current_user, version=version),
        lambda _r: _("The planned activity is deleted."),
    )


@bp.route("/<int:be_year>/goals/<int:goal_id>/courses/<int:course_id>", methods=["POST"])
@login_required
def add_course(be_year: int, goal_id: int, course_id: int):
    """Add a catalogue course to a goal as formal (10) learning."""
    cycle = cycle_or_404(be_year)
    goal = _my_goal_or_404(cycle, goal_id)
    course = db.session.get(Course, course_id)
    if course is None or not course.active:
        abort(404)
    return _plan_action(
        cycle,
        lambda version: add_course_to_goal(goal, course, by=current_user, version=version),
        lambda _r: _("The course is added to your plan."),
    )


@bp.route("/<int:be_year>/plan.pdf")
@login_required
@pdf_rate_limit
def pdf(be_year: int):
    cycle = cycle_or_404(be_year)
    plan = find_plan(current_user, cycle)
    if plan is None:
        abort(404)
    return plan_pdf_response(plan)
