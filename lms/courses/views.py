"""The course catalogue pages: browse/search/filter, a course page with "add to my IDP"."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from lms.courses import bp
from lms.courses.services import providers, search_courses, tracks
from lms.cycles import cycle_areas, open_cycle
from lms.extensions import db
from lms.models import Course, SkillArea
from lms.permissions import can_edit_plan
from lms.plans.forms import PlanActionForm
from lms.plans.lookups import my_goal_or_404
from lms.plans.services import add_course_to_goal, find_plan
from lms.requests import whole_number
from lms.rules import attempt


def _area_names(cycle) -> dict[str, SkillArea]:
    if cycle is not None:
        return {a.code: a for a in cycle_areas(cycle)}
    return {a.code: a for a in db.session.scalars(select(SkillArea))}


@bp.route("/")
@login_required
def index():
    level = request.args.get("level", "")
    page = search_courses(
        text=request.args.get("q", "")[:100],
        provider=request.args.get("provider", ""),
        area=request.args.get("area", ""),
        track=request.args.get("track", ""),
        level=whole_number(level, maximum=4),
        page=request.args.get("page", 1, type=int),
    )
    return render_template(
        "courses/index.html",
        page=page,
        providers=providers(),
        tracks=tracks(),
        my_track=current_user.role_group.track,
        areas=_area_names(open_cycle()),
        args=request.args,
    )


@bp.route("/<int:course_id>")
@login_required
def detail(course_id: int):
    course = db.session.get(Course, course_id)
    if course is None:
        abort(404)
    cycle = open_cycle()
    plan = find_plan(current_user, cycle) if cycle else None
    codes = {a.area_code for a in course.areas}
    goals = []
    if plan is not None and can_edit_plan(current_user, current_user.id, cycle, plan):
        # goals of the course's areas first; a course can serve any goal of the plan
        goals = sorted(plan.goals, key=lambda g: (g.area.code not in codes, g.position))
    return render_template(
        "courses/detail.html",
        course=course,
        cycle=cycle,
        plan=plan,
        goals=goals,
        areas=_area_names(cycle),
        tracks={t.code: t for t in tracks()},
        form=PlanActionForm(version=plan.version if plan else None),
    )


@bp.route("/<int:course_id>/add-to-plan", methods=["POST"])
@login_required
def add_to_plan(course_id: int):
    """Add the course to one of my goals, then show the goal in my plan."""
    course = db.session.get(Course, course_id)
    cycle = open_cycle()
    if course is None or not course.active or cycle is None:
        abort(404)
    form = PlanActionForm()
    if not form.validate_on_submit():
        abort(400)
    goal = my_goal_or_404(current_user, cycle, whole_number(request.form.get("goal")))
    done = attempt(
        lambda: add_course_to_goal(goal, course, by=current_user, version=form.version_number())
    )
    if not done.ok:
        flash(done.message, "error")
        return redirect(url_for(".detail", course_id=course_id))
    flash(_("The course is added to your plan."), "success")
    return redirect(url_for("plans.show", be_year=cycle.be_year, _anchor=f"goal-{goal.id}"))
