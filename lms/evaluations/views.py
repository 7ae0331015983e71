"""The year-end evaluation pages: the supervisor's, the person's own, and a team side by side."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from lms.cycles import cycle_areas, cycle_or_404
from lms.evaluations import bp
from lms.evaluations.forms import EvaluationForm
from lms.evaluations.services import (
    save_self_evaluation,
    save_supervisor_evaluation,
    side_by_side,
    supervisor_ratings,
    team_side_by_side,
)
from lms.people.lookups import visible_person_or_404, visible_plan_or_404
from lms.plans.actions import available_actions
from lms.plans.services import find_plan
from lms.rules import attempt
from lms.vocab import Outcome, PlanStatus


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
        done = attempt(
            lambda: save_supervisor_evaluation(
                plan,
                ratings,
                outcomes,
                by=current_user,
                complete=complete,
                version=form.version_number(),
                early_reason=request.form.get("early_reason"),
            )
        )
        if not done.ok:
            error, status, errors = done.message, 422, done.refusal.field_errors
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
                return redirect(url_for("reviews.plan", employee_no=employee_no, be_year=be_year))
            flash(_("The evaluation is saved. You can finish it later."), "success")
            return redirect(url_for(".evaluate", employee_no=employee_no, be_year=be_year))
    else:
        errors = {}
    saved = supervisor_ratings(person, cycle)
    typed = request.form if request.method == "POST" else None
    return (
        render_template(
            "evaluations/evaluate.html",
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
        done = attempt(
            lambda: save_self_evaluation(
                plan, answers, by=current_user, finish=finish, version=form.version_number()
            )
        )
        if not done.ok:
            error = done.message
            errors = {k: str(v) for k, v in done.refusal.field_errors.items()}
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
            "evaluations/self_evaluation.html",
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
        "evaluations/team_evaluation.html",
        cycle=cycle,
        table=team_side_by_side(current_user, cycle),
    )


# -- hand-over while on leave --------------------------------------------------------------------
