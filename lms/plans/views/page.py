"""My plan: the page, building it from gaps, carrying over, sending, taking back, reopening,
and its printed form."""

from flask import abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from lms import permissions
from lms.assessments.services import latest_submitted
from lms.cycles import cycle_areas, cycle_or_404, open_cycle
from lms.extensions import db
from lms.feedback.services import counts_by_target
from lms.i18n import current_locale
from lms.jobs import job_of
from lms.learning import actual_balance, goal_progress, kind_names, planned_balance
from lms.plans import bp
from lms.plans import tasks as _tasks  # noqa: F401 - registers the PDF task with lms.jobs
from lms.plans.actions import available_actions
from lms.plans.carry_over import carry_over, carry_over_candidates, previous_plan
from lms.plans.forms import PlanActionForm
from lms.plans.pdf import pdf_rate_limit, plan_of_job, plan_pdf_response
from lms.plans.services import (
    build_from_gaps,
    find_plan,
)
from lms.plans.suggestions import suggestions_for_plan
from lms.plans.views.common import plan_action
from lms.plans.workflow import reopen_plan, submit_plan, versions_of, withdraw_plan


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
    actions = available_actions(plan, current_user, route=route, cycle=cycle)
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


@bp.route("/<int:be_year>/build", methods=["POST"])
@login_required
def build(be_year: int):
    cycle = cycle_or_404(be_year)
    return plan_action(
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
    return plan_action(
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
    return plan_action(
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


@bp.route("/<int:be_year>/plan.pdf")
@login_required
@pdf_rate_limit
def pdf(be_year: int):
    cycle = cycle_or_404(be_year)
    plan = find_plan(current_user, cycle)
    if plan is None:
        abort(404)
    return plan_pdf_response(plan)


@bp.route("/files/<job_id>")
@login_required
def pdf_job(job_id: str):
    """The page of a large plan's PDF being made by the task queue (the reader's own job, on a
    plan they may still see)."""
    job = job_of(current_user, job_id, ("plan_pdf",))
    plan = plan_of_job(job) if job is not None else None
    if plan is None or not permissions.can_view_plan(current_user, plan):
        abort(404)
    db.session.refresh(job)
    if permissions.is_owner(current_user, plan.person_id):
        download_url = url_for("plans.pdf", be_year=plan.cycle.be_year)
        back_url = url_for("plans.show", be_year=plan.cycle.be_year)
    else:
        person, year = plan.person.employee_no, plan.cycle.be_year
        download_url = url_for("people.plan_pdf", employee_no=person, be_year=year)
        back_url = url_for("people.plan_view", employee_no=person, be_year=year)
    return render_template(
        "plans/pdf_job.html",
        job=job,
        plan=plan,
        download_url=download_url,
        back_url=back_url,
    )
