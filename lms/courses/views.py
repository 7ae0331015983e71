"""The course catalogue pages: browse/search/filter, a course page with "add to my IDP"; for
HR keeping the catalogue, every course and provider to add, change, retire and bring back."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from lms.courses import bp
from lms.courses.catalogue import (
    COURSE_COLUMNS,
    course_cells,
    provider_cells,
    save_course,
    save_provider,
    set_course_active,
    set_provider_active,
)
from lms.courses.services import providers, search_courses, tracks
from lms.cycles import cycle_areas, open_cycle
from lms.extensions import db
from lms.forms import ActionForm
from lms.i18n import current_locale
from lms.models import Course, Framework, Provider, ScaleLevel, SkillArea
from lms.permissions import can_edit_plan, keeps_the_catalogue
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
        keeper=keeps_the_catalogue(current_user),
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
        keeper=keeps_the_catalogue(current_user),
        action=ActionForm(),
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


# -- HR keeps the catalogue -------------------------------------------------------------------


def _keeper() -> None:
    if not keeps_the_catalogue(current_user):
        abort(404)


def _area_choices() -> list[tuple[str, str]]:
    """Every skill-area code of every framework, named from the newest framework that has it."""
    names: dict[str, str] = {}
    locale = current_locale()
    for area in db.session.scalars(select(SkillArea).order_by(SkillArea.framework_id.desc())):
        names.setdefault(area.code, area.name(locale))
    return sorted(names.items())


@bp.route("/manage")
@login_required
def manage():
    """The whole catalogue for HR: every course with its state, search, and the ways to add
    one, import a file, and keep the providers."""
    _keeper()
    status = request.args.get("status", "active")
    page = search_courses(
        text=request.args.get("q", "")[:100],
        provider=request.args.get("provider", ""),
        status=status if status in ("active", "retired", "all") else "active",
        page=request.args.get("page", 1, type=int),
    )
    return render_template(
        "courses/manage.html",
        page=page,
        providers=db.session.scalars(select(Provider).order_by(Provider.code)).all(),
        args=request.args,
        status=status,
    )


def _posted_cells() -> dict[str, str]:
    cells = {c: request.form.get(c, "") for c in COURSE_COLUMNS}
    cells["areas"] = ";".join(request.form.getlist("areas"))
    cells["tracks"] = ";".join(request.form.getlist("tracks"))
    return cells


def _course_form(course: Course | None):
    """Add (None) or change a course: one page, every column, re-shown with what was typed."""
    _keeper()
    form = ActionForm()
    cells = course_cells(course) if course else {c: "" for c in COURSE_COLUMNS}
    if course is None:
        cells |= {"language": "th", "code_official": "y", "confidence": "high"}
    error, problems, status = None, {}, 200
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        cells = _posted_cells()
        done = attempt(lambda: save_course(course, cells, by=current_user))
        if done.ok:
            flash(
                _("The course is saved: staff find it in the catalogue.")
                if done.result.active
                else _("The course is saved (it is retired: staff do not see it)."),
                "success",
            )
            return redirect(url_for(".detail", course_id=done.result.id))
        error, problems, status = done.message, done.refusal.field_errors, 422
    return (
        render_template(
            "courses/course_form.html",
            course=course,
            cells=cells,
            form=form,
            error=error,
            problems={k: str(v) for k, v in problems.items()},
            provider_options=[
                (p.code, f"{p.code} – {p.name(current_locale())}")
                for p in db.session.scalars(select(Provider).order_by(Provider.code))
            ],
            level_options=[
                (str(s.level), f"{s.level} – {s.name(current_locale())}")
                for s in db.session.scalars(
                    select(ScaleLevel)
                    .join(Framework, Framework.id == ScaleLevel.framework_id)
                    .where(Framework.is_default.is_(True))
                    .order_by(ScaleLevel.level)
                )
            ],
            area_choices=_area_choices(),
            tracks=tracks(),
            chosen_areas=set(filter(None, cells["areas"].split(";"))),
            chosen_tracks=set(filter(None, cells["tracks"].split(";"))),
        ),
        status,
    )


@bp.route("/manage/new", methods=["GET", "POST"])
@login_required
def new_course():
    return _course_form(None)


@bp.route("/<int:course_id>/edit", methods=["GET", "POST"])
@login_required
def edit_course(course_id: int):
    course = db.session.get(Course, course_id)
    if course is None:
        abort(404)
    return _course_form(course)


@bp.route("/<int:course_id>/<any(retire, restore):step>", methods=["POST"])
@login_required
def course_step(course_id: int, step: str):
    """Retire a course (it leaves the catalogue; plans and learning keep it) or bring it back."""
    _keeper()
    course = db.session.get(Course, course_id)
    if course is None:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    attempt(lambda: set_course_active(course, step == "restore", by=current_user))
    flash(
        _("The course is back in the catalogue.")
        if step == "restore"
        else _("The course is retired: staff no longer find it. Plans that name it keep it."),
        "success",
    )
    return redirect(url_for(".detail", course_id=course_id))


@bp.route("/providers")
@login_required
def providers_page():
    """Every provider with its courses in the catalogue, to add, change or retire."""
    _keeper()
    counts = dict(
        db.session.execute(
            select(Course.provider_id, func.count())
            .where(Course.active.is_(True))
            .group_by(Course.provider_id)
        ).all()
    )
    return render_template(
        "courses/providers.html",
        providers=db.session.scalars(select(Provider).order_by(Provider.code)).all(),
        counts=counts,
        form=ActionForm(),
    )


def _provider_form(provider: Provider | None):
    _keeper()
    form = ActionForm()
    cells = (
        provider_cells(provider)
        if provider
        else {"code": "", "name_th": "", "name_en": "", "url": ""}
    )
    error, problems, status = None, {}, 200
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        cells = {k: request.form.get(k, "") for k in cells}
        done = attempt(lambda: save_provider(provider, cells, by=current_user))
        if done.ok:
            flash(_("The provider is saved."), "success")
            return redirect(url_for(".providers_page"))
        error, problems, status = done.message, done.refusal.field_errors, 422
    return (
        render_template(
            "courses/provider_form.html",
            provider=provider,
            cells=cells,
            form=form,
            error=error,
            problems={k: str(v) for k, v in problems.items()},
        ),
        status,
    )


@bp.route("/providers/new", methods=["GET", "POST"])
@login_required
def new_provider():
    return _provider_form(None)


@bp.route("/providers/<code>/edit", methods=["GET", "POST"])
@login_required
def edit_provider(code: str):
    provider = db.first_or_404(select(Provider).where(Provider.code == code))
    return _provider_form(provider)


@bp.route("/providers/<code>/<any(retire, restore):step>", methods=["POST"])
@login_required
def provider_step(code: str, step: str):
    """Retire a provider (its courses leave the catalogue with it) or bring it back."""
    _keeper()
    provider = db.first_or_404(select(Provider).where(Provider.code == code))
    if not ActionForm().validate_on_submit():
        abort(400)
    attempt(lambda: set_provider_active(provider, step == "restore", by=current_user))
    flash(
        _("The provider and its courses are back in the catalogue.")
        if step == "restore"
        else _("The provider is retired: its courses no longer show in the catalogue."),
        "success",
    )
    return redirect(url_for(".providers_page"))
