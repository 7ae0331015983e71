"""A supervisor's decisions on a plan (approve, return, approve several), its versions, and
verifying learning."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
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
from lms.requests import ids_at_versions, whole_number
from lms.reviews import bp
from lms.reviews.forms import ReviewForm
from lms.reviews.services import (
    MAX_BULK,
    VerificationConflict,
    unverify_activity,
    verification_now,
    verify_activity,
    verify_many,
)
from lms.reviews.services import approve_many as approve_many_plans
from lms.rules import Attempt, ChangedMeanwhile, attempt
from lms.vocab import PlanStatus

NO_VERSION = _l(
    "This page did not say which version of the plan it showed, so nothing was decided. "
    "Your comment is kept: look at the plan below and decide again."
)


def decided_by_someone_else(plan, by):
    """When another reviewer decided the plan first: what the one who lost the race is told."""
    if plan is None or plan.reviewed_by_id in (None, by.id):
        return None
    if plan.status not in (PlanStatus.APPROVED, PlanStatus.RETURNED, PlanStatus.COMPLETED):
        return None
    who = plan.reviewed_by.name_th if plan.reviewed_by else ""
    if plan.status == PlanStatus.RETURNED:
        return _(
            "%(name)s returned this plan a moment ago. Their decision stands; yours was not "
            "saved. Your comment is kept below.",
            name=who,
        )
    return _(
        "%(name)s approved this plan a moment ago. Their decision stands; yours was not "
        "saved. Your comment is kept below.",
        name=who,
    )


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
    seen = form.version_number()
    if seen is None:  # a page must say which version it showed: no blind decisions
        done = Attempt(refusal=PlanConflict(NO_VERSION), message=str(NO_VERSION))
    else:
        done = attempt(
            lambda: decide(plan, by=current_user, comment=form.comment.data, version=seen),
            form,
            raced=True,
        )
    if not done.ok:
        db.session.expire_all()
        plan = find_plan(person, cycle)
        stands = decided_by_someone_else(plan, current_user)
        if stands or isinstance(done.refusal, (PlanConflict, ChangedMeanwhile)):
            form.version.data = plan.version  # the page now shows the latest plan
            return _review_page(person, cycle, plan, form, error=stands or done.message, status=409)
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
    choices = list(ids_at_versions(request.form.getlist("plan"), MAX_BULK).items())
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
    """Verify, mark or unmark "applied at work", or undo: at the version the page showed."""
    activity = visible_activity_or_404(current_user, activity_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    applied = {"1": True, "0": False}.get(request.form.get("applied", ""))
    version = whole_number(request.form.get("version", ""))
    if request.form.get("undo") == "1":
        done = attempt(
            lambda: unverify_activity(activity, by=current_user, version=version), raced=True
        )
        message = _("The verification is taken back.")
    else:
        done = attempt(
            lambda: verify_activity(activity, by=current_user, applied=applied, version=version),
            raced=True,
        )
        message = (
            _("Verified and recognised as applied at work.")
            if done.ok and activity.applied_at_work
            else _("Verified.")
        )
    if done.ok:
        flash(message, "success")
    elif isinstance(done.refusal, ChangedMeanwhile):  # lost a race at the same instant
        db.session.expire_all()
        flash(str(verification_now(activity, current_user)), "info")
    else:
        flash(done.message, "info" if isinstance(done.refusal, VerificationConflict) else "error")
    return _back_to_log(activity)


@bp.route("/review/<employee_no>/<int:be_year>/verify-all", methods=["POST"])
@login_required
def verify_all(employee_no: str, be_year: int):
    """Verify the ticked activities, each at the version the page showed ("id:version")."""
    person = visible_person_or_404(current_user, employee_no)
    cycle = cycle_or_404(be_year)
    if not ActionForm().validate_on_submit():
        abort(400)
    choices = ids_at_versions(request.form.getlist("activity"), MAX_BULK)
    activities = list(
        db.session.scalars(
            select(LearningActivity)
            .where(
                LearningActivity.id.in_(choices),
                LearningActivity.person_id == person.id,
                LearningActivity.cycle_id == cycle.id,
            )
            .order_by(LearningActivity.id)
        )
    )
    done = attempt(lambda: verify_many(choices, activities, by=current_user), raced=True)
    back = redirect(url_for("people.learning_view", employee_no=employee_no, be_year=be_year))
    if isinstance(done.refusal, ChangedMeanwhile):
        flash(
            _(
                "Someone else verified some of these activities at the same moment. Their "
                "decisions stand and nothing of yours was saved: look at the list again."
            ),
            "info",
        )
        return back
    if not done.ok:
        flash(done.message, "error")
        return back
    result = done.result
    if result.verified:
        flash(
            ngettext("%(num)d activity verified.", "%(num)d activities verified.", result.verified),
            "success",
        )
    if result.left:
        flash(
            ngettext(
                "%(num)d activity was left as it is: it was verified or changed by someone "
                "else since this page showed it.",
                "%(num)d activities were left as they are: they were verified or changed by "
                "someone else since this page showed them.",
                result.left,
            ),
            "info",
        )
    if not result.verified and not result.left:
        flash(_("Tick the activities you want to verify."), "error")
    return back


# -- year-end evaluation -------------------------------------------------------------------------
