"""Supervisor pages: review a plan (approve, return, approve several), compare its versions,
verify learning, evaluate the year, hand review over, and HR changing a supervisor."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import select

from lms import permissions
from lms.auth.services import find_by_login
from lms.clock import today
from lms.cycles import cycle_areas, cycle_or_404
from lms.extensions import db
from lms.feedback.services import counts_by_target
from lms.forms import ActionForm
from lms.i18n import current_locale
from lms.learning import actual_balance, goal_progress, kind_names, planned_balance
from lms.models import Delegation, LearningActivity, Plan
from lms.people.lookups import visible_person_or_404, visible_plan_or_404
from lms.plans.actions import available_actions
from lms.plans.services import PlanConflict, PlanError, find_plan
from lms.plans.versions import compare, version_pair
from lms.plans.workflow import approve_plan, return_plan, versions_of
from lms.requests import whole_number
from lms.review import bp
from lms.review.forms import DelegationForm, EvaluationForm, ReviewForm, SupervisorForm
from lms.review.services import (
    ReviewError,
    cancel_delegation,
    delegate_review,
    delegations_of,
    reassign_supervisor,
    save_self_evaluation,
    save_supervisor_evaluation,
    side_by_side,
    supervisor_ratings,
    team_side_by_side,
    unverify_activity,
    verify_activity,
    verify_many,
)
from lms.rules import show_on_form
from lms.vocab import Outcome, PlanStatus


def _review_page(person, cycle, plan, form, error=None, status=200):
    locale = current_locale()
    return (
        render_template(
            "review/plan.html",
            person=person,
            cycle=cycle,
            plan=plan,
            form=form,
            error=error,
            can_review=permissions.can_review_plan(current_user, plan),
            planned=planned_balance(plan),
            actual=actual_balance(person, cycle),
            progress={p.goal.id: p for p in goal_progress(plan)},
            kinds=kind_names(locale),
            versions=versions_of(plan),
            feedback=counts_by_target(person, current_user, cycle.id),
            route=permissions.review_route(person),
        ),
        status,
    )


@bp.route("/review/<employee_no>/<int:be_year>", methods=["GET", "POST"])
@login_required
def plan(employee_no: str, be_year: int):
    """The plan with what the reviewer can do: approve, or return with a comment."""
    person = visible_person_or_404(current_user, employee_no)
    cycle, plan = visible_plan_or_404(current_user, person, be_year)
    if request.method == "GET":
        return _review_page(person, cycle, plan, ReviewForm(version=plan.version))
    form = ReviewForm()
    if not form.validate_on_submit():
        abort(400)
    decision = form.decision.data
    if decision not in ("approve", "return"):
        abort(400)
    try:
        if decision == "approve":
            approve_plan(
                plan, by=current_user, comment=form.comment.data, version=form.version_number()
            )
        else:
            return_plan(
                plan, by=current_user, comment=form.comment.data, version=form.version_number()
            )
        db.session.commit()
    except PlanError as exc:
        db.session.rollback()
        plan = find_plan(person, cycle)
        error = show_on_form(form, exc)
        if isinstance(exc, PlanConflict):
            form.version.data = plan.version  # the page now shows the latest plan: decide again
            return _review_page(person, cycle, plan, form, error=error, status=409)
        return _review_page(person, cycle, plan, form, error=error, status=422)
    if decision == "approve":
        flash(_("The plan of %(name)s is approved. They are told.", name=person.name_th), "success")
    else:
        flash(
            _("The plan is returned to %(name)s with your comment.", name=person.name_th), "success"
        )
    return redirect(url_for("inbox.index"))


@bp.route("/review/approve-many", methods=["POST"])
@login_required
def approve_many():
    """Bulk approve from the inbox: each ticked plan at the version the inbox showed."""
    if not ActionForm().validate_on_submit():
        abort(400)
    done, refused = 0, []
    for raw in request.form.getlist("plan"):
        plan_id, _sep, version = raw.partition(":")
        plan_id, version = whole_number(plan_id), whole_number(version)
        if plan_id is None or version is None:
            continue
        plan = db.session.get(Plan, plan_id)
        if plan is None:
            continue
        try:
            approve_plan(plan, by=current_user, version=version)
            db.session.commit()
            done += 1
        except PlanError as exc:
            db.session.rollback()
            refused.append(f"{plan.person.name_th}: {exc.message}")
    if done:
        flash(ngettext("%(num)d plan approved.", "%(num)d plans approved.", done), "success")
    for message in refused:
        flash(message, "error")
    if not done and not refused:
        flash(_("Tick the plans you want to approve."), "error")
    return redirect(url_for("inbox.index"))


@bp.route("/review/<employee_no>/<int:be_year>/versions")
@login_required
def versions(employee_no: str, be_year: int):
    """What changed between two kept versions of a plan (the latest two by default)."""
    person = visible_person_or_404(current_user, employee_no)
    cycle, plan = visible_plan_or_404(current_user, person, be_year)
    kept = versions_of(plan)
    older, newer = version_pair(
        kept, request.args.get("a", type=int), request.args.get("b", type=int)
    )
    locale = current_locale()
    areas = {a.code: a.name(locale) for a in cycle_areas(cycle)}
    return render_template(
        "review/versions.html",
        person=person,
        cycle=cycle,
        plan=plan,
        kept=kept,
        older=older,
        newer=newer,
        changes=compare(older, newer, areas) if older and newer else None,
        is_self=person.id == current_user.id,
    )


# -- verification --------------------------------------------------------------------------------


def _activity_or_404(activity_id: int) -> LearningActivity:
    activity = db.session.get(LearningActivity, activity_id)
    if activity is None or not permissions.can_view_person(current_user, activity.person):
        abort(404)
    return activity


def _back_to_log(activity):
    return redirect(
        url_for(
            "people.learning_view",
            employee_no=activity.person.employee_no,
            be_year=activity.cycle.be_year,
            _anchor=f"activity-{activity.id}",
        )
    )


@bp.route("/review/activities/<int:activity_id>/verify", methods=["POST"])
@login_required
def verify(activity_id: int):
    activity = _activity_or_404(activity_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    applied = {"1": True, "0": False}.get(request.form.get("applied", ""))
    try:
        if request.form.get("undo") == "1":
            unverify_activity(activity, by=current_user)
            message = _("The verification is taken back.")
        else:
            verify_activity(activity, by=current_user, applied=applied)
            message = (
                _("Verified and recognised as applied at work.")
                if activity.applied_at_work
                else _("Verified.")
            )
        db.session.commit()
    except ReviewError as exc:
        db.session.rollback()
        flash(str(exc.message), "error")
    else:
        flash(message, "success")
    return _back_to_log(activity)


@bp.route("/review/<employee_no>/<int:be_year>/verify-all", methods=["POST"])
@login_required
def verify_all(employee_no: str, be_year: int):
    person = visible_person_or_404(current_user, employee_no)
    cycle = cycle_or_404(be_year)
    if not ActionForm().validate_on_submit():
        abort(400)
    ids = [n for n in map(whole_number, request.form.getlist("activity")) if n is not None]
    activities = list(
        db.session.scalars(
            select(LearningActivity).where(
                LearningActivity.id.in_(ids),
                LearningActivity.person_id == person.id,
                LearningActivity.cycle_id == cycle.id,
            )
        )
    )
    try:
        done = verify_many(activities, by=current_user)
        db.session.commit()
    except ReviewError as exc:
        db.session.rollback()
        flash(str(exc.message), "error")
    else:
        if done:
            flash(
                ngettext("%(num)d activity verified.", "%(num)d activities verified.", done),
                "success",
            )
        else:
            flash(_("Tick the activities you want to verify."), "error")
    return redirect(url_for("people.learning_view", employee_no=employee_no, be_year=be_year))


# -- year-end evaluation -------------------------------------------------------------------------


def _typed_pairs(items, first: str, second: str) -> dict:
    """id -> (the `first-<id>` answer, the `second-<id>` note) typed on an evaluation form."""
    form = request.form
    return {i.id: (form.get(f"{first}-{i.id}"), form.get(f"{second}-{i.id}")) for i in items}


@bp.route("/review/<employee_no>/<int:be_year>/evaluate", methods=["GET", "POST"])
@login_required
def evaluate(employee_no: str, be_year: int):
    person = visible_person_or_404(current_user, employee_no)
    cycle, plan = visible_plan_or_404(current_user, person, be_year)
    form = EvaluationForm(version=plan.version) if request.method == "GET" else EvaluationForm()
    error, status = None, 200
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        ratings = _typed_pairs(cycle_areas(cycle), "level", "comment")
        outcomes = _typed_pairs(plan.goals, "goal", "goal-note")
        complete = request.form.get("complete") == "1"
        try:
            save_supervisor_evaluation(
                plan,
                ratings,
                outcomes,
                by=current_user,
                complete=complete,
                version=form.version_number(),
                early_reason=request.form.get("early_reason"),
            )
            db.session.commit()
        except (ReviewError, PlanError) as exc:
            db.session.rollback()
            error, status = str(exc.message), 422
            errors = exc.field_errors
            plan = find_plan(person, cycle)
        else:
            if complete:
                flash(
                    _(
                        "The evaluation is done and the plan is completed. %(name)s is told.",
                        name=person.name_th,
                    ),
                    "success",
                )
                return redirect(url_for(".plan", employee_no=employee_no, be_year=be_year))
            flash(_("The evaluation is saved. You can finish it later."), "success")
            return redirect(url_for(".evaluate", employee_no=employee_no, be_year=be_year))
    else:
        errors = {}
    saved = supervisor_ratings(person, cycle)
    typed = request.form if request.method == "POST" else None
    return (
        render_template(
            "review/evaluate.html",
            person=person,
            cycle=cycle,
            plan=plan,
            form=form,
            error=error,
            errors={k: str(v) for k, v in errors.items()},
            typed=typed,
            saved=saved,
            rows=side_by_side(plan),
            outcomes=list(Outcome),
        ),
        status,
    )


@bp.route("/plan/<int:be_year>/evaluation", methods=["GET", "POST"])
@login_required
def self_evaluation(be_year: int):
    """My year-end self-evaluation of each goal, and the supervisor's beside it."""
    cycle = cycle_or_404(be_year)
    plan = find_plan(current_user, cycle)
    if plan is None:
        return redirect(url_for("plans.show", be_year=be_year))
    form = EvaluationForm(version=plan.version) if request.method == "GET" else EvaluationForm()
    error, errors = None, {}
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        answers = _typed_pairs(plan.goals, "outcome", "note")
        finish = request.form.get("finish") == "1"
        try:
            save_self_evaluation(
                plan, answers, by=current_user, finish=finish, version=form.version_number()
            )
            db.session.commit()
        except (ReviewError, PlanError) as exc:
            db.session.rollback()
            error, errors = str(exc.message), {k: str(v) for k, v in exc.field_errors.items()}
            plan = find_plan(current_user, cycle)
        else:
            flash(
                _("Your self-evaluation is sent to your supervisor.")
                if finish
                else _("Your answers are saved. You can finish later."),
                "success",
            )
            return redirect(url_for(".self_evaluation", be_year=be_year))
    editable = available_actions(plan, current_user)["self_evaluate"].allowed
    return (
        render_template(
            "review/self_evaluation.html",
            cycle=cycle,
            plan=plan,
            form=form,
            error=error,
            errors=errors,
            typed=request.form if request.method == "POST" else None,
            editable=editable,
            outcomes=list(Outcome),
            rows=side_by_side(plan) if plan.status == PlanStatus.COMPLETED else [],
        ),
        422 if error else 200,
    )


@bp.route("/team/evaluation/<int:be_year>")
@login_required
def team_evaluation(be_year: int):
    """Self-ratings beside supervisor ratings, per person and area, for my direct reports."""
    cycle = cycle_or_404(be_year)
    return render_template(
        "review/team_evaluation.html", cycle=cycle, table=team_side_by_side(current_user, cycle)
    )


# -- hand-over while on leave --------------------------------------------------------------------


@bp.route("/review/delegation", methods=["GET", "POST"])
@login_required
def delegation():
    """Hand-overs I made or received; a new one for those who review anyone."""
    if request.method == "POST" and not permissions.reviews_anyone(current_user):
        abort(403)
    form = DelegationForm()
    error, status = None, 200
    if form.validate_on_submit():
        delegate = find_by_login(form.delegate.data)
        try:
            delegate_review(
                current_user,
                delegate,
                form.starts_on.data,
                form.ends_on.data,
                by=current_user,
                note=form.note.data,
            )
            db.session.commit()
        except ReviewError as exc:
            db.session.rollback()
            error, status = show_on_form(form, exc), 422
        else:
            flash(
                _("Your review is handed over. %(name)s is told.", name=delegate.name_th), "success"
            )
            return redirect(url_for(".delegation"))
    elif request.method == "POST":
        error, status = _("Please check the highlighted answers. Nothing was saved yet."), 422
    return (
        render_template(
            "review/delegation.html",
            form=form,
            error=error,
            delegations=delegations_of(current_user),
            cancel_form=ActionForm(),
            today=today(),
            can_hand_over=permissions.reviews_anyone(current_user),
        ),
        status,
    )


@bp.route("/review/delegation/<int:delegation_id>/cancel", methods=["POST"])
@login_required
def delegation_cancel(delegation_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    item = db.session.get(Delegation, delegation_id)
    if item is None or item.delegator_id != current_user.id:
        abort(404)
    cancel_delegation(item, by=current_user)
    db.session.commit()
    flash(_("The hand-over has ended: plans come to you again."), "success")
    return redirect(url_for(".delegation"))


# -- HR: reporting lines -------------------------------------------------------------------------


@bp.route("/review/people/<employee_no>/supervisor", methods=["GET", "POST"])
@login_required
def supervisor(employee_no: str):
    person = visible_person_or_404(current_user, employee_no)
    if not permissions.may_change_supervisor(current_user, person):
        abort(403)
    form = SupervisorForm()
    if request.method == "GET":
        form.supervisor.data = person.supervisor.employee_no if person.supervisor else ""
    error, status = None, 200
    if form.validate_on_submit():
        text = (form.supervisor.data or "").strip()
        new = find_by_login(text) if text else None
        if text and new is None:
            form.supervisor.errors = [_("No active person has this employee number or e-mail.")]
            error, status = _("Please check the highlighted answers. Nothing was saved yet."), 422
        else:
            try:
                reassign_supervisor(person, new, by=current_user)
                db.session.commit()
            except ReviewError as exc:
                db.session.rollback()
                error, status = show_on_form(form, exc), 422
            else:
                flash(_("The supervisor is changed. What waited for review follows."), "success")
                return redirect(url_for("people.person_page", employee_no=employee_no))
    return (
        render_template("review/supervisor.html", person=person, form=form, error=error),
        status,
    )
