"""A supervisor's decisions on a plan (approve, return, approve several), its versions, and
verifying learning."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import select

from lms import permissions
from lms.activities.lookups import visible_activity_or_404
from lms.cycles import cycle_areas, cycle_or_404
from lms.extensions import db
from lms.feedback.services import counts_by_target
from lms.forms import ActionForm
from lms.i18n import current_locale
from lms.learning import actual_balance, goal_progress, kind_names, planned_balance
from lms.models import LearningActivity
from lms.people.lookups import visible_person_or_404, visible_plan_or_404
from lms.plans.services import PlanConflict, find_plan
from lms.plans.versions import compare, version_pair
from lms.plans.workflow import approve_plan, return_plan, versions_of
from lms.requests import whole_number
from lms.reviews import bp
from lms.reviews.forms import ReviewForm
from lms.reviews.services import (
    MAX_BULK,
    unverify_activity,
    verify_activity,
    verify_many,
)
from lms.reviews.services import approve_many as approve_many_plans
from lms.rules import attempt


def _review_page(person, cycle, plan, form, error=None, status=200):
    locale = current_locale()
    return (
        render_template(
            "reviews/plan.html",
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
    decide = approve_plan if decision == "approve" else return_plan
    done = attempt(
        lambda: decide(
            plan, by=current_user, comment=form.comment.data, version=form.version_number()
        ),
        form,
    )
    if not done.ok:
        plan = find_plan(person, cycle)
        if isinstance(done.refusal, PlanConflict):
            form.version.data = plan.version  # the page now shows the latest plan: decide again
            return _review_page(person, cycle, plan, form, error=done.message, status=409)
        return _review_page(person, cycle, plan, form, error=done.message, status=422)
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
    choices = []
    for raw in request.form.getlist("plan")[:MAX_BULK]:
        plan_id, _sep, version = raw.partition(":")
        plan_id, version = whole_number(plan_id), whole_number(version)
        if plan_id is not None and version is not None:
            choices.append((plan_id, version))
    done = attempt(lambda: approve_many_plans(choices, by=current_user))
    if not done.ok:
        flash(done.message, "error")
        return redirect(url_for("inbox.index"))
    result = done.result
    if result.approved:
        flash(
            ngettext("%(num)d plan approved.", "%(num)d plans approved.", result.approved),
            "success",
        )
    if result.left:
        flash(
            ngettext(
                "%(num)d plan was not approved: it changed since your inbox showed it. "
                "Open it to decide.",
                "%(num)d plans were not approved: they changed since your inbox showed them. "
                "Open them to decide.",
                result.left,
            ),
            "error",
        )
    if not result.approved and not result.left:
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
        "reviews/versions.html",
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
    activity = visible_activity_or_404(current_user, activity_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    applied = {"1": True, "0": False}.get(request.form.get("applied", ""))
    if request.form.get("undo") == "1":
        done = attempt(lambda: unverify_activity(activity, by=current_user))
        message = _("The verification is taken back.")
    else:
        done = attempt(lambda: verify_activity(activity, by=current_user, applied=applied))
        message = (
            _("Verified and recognised as applied at work.")
            if done.ok and activity.applied_at_work
            else _("Verified.")
        )
    if done.ok:
        flash(message, "success")
    else:
        flash(done.message, "error")
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
    done = attempt(lambda: verify_many(activities, by=current_user))
    if not done.ok:
        flash(done.message, "error")
    elif done.result:
        flash(
            ngettext("%(num)d activity verified.", "%(num)d activities verified.", done.result),
            "success",
        )
    else:
        flash(_("Tick the activities you want to verify."), "error")
    return redirect(url_for("people.learning_view", employee_no=employee_no, be_year=be_year))


# -- year-end evaluation -------------------------------------------------------------------------
