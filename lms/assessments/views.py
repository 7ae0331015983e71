"""The self-assessment pages: overview, one page per skill area, review and submit."""

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from lms.assessments import bp
from lms.assessments.forms import SubmitForm, area_form_class
from lms.assessments.services import (
    assessment_actions,
    find_assessment,
    missing_areas,
    rated_area_ids,
    results,
    save_area,
    start_assessment,
    submit_assessment,
    submitted_history,
)
from lms.cycles import area_tracks, cycle_areas, cycle_or_404, open_cycle, targets_for
from lms.i18n import format_be_datetime
from lms.rules import attempt


def _results_url(cycle):
    return url_for(
        "people.assessment_results", employee_no=current_user.employee_no, be_year=cycle.be_year
    )


@bp.route("/")
@login_required
def index():
    cycle = open_cycle()
    if cycle is not None:
        return redirect(url_for(".overview", be_year=cycle.be_year))
    return render_template("assessments/no_cycle.html", history=submitted_history(current_user))


@bp.route("/<int:be_year>/")
@login_required
def overview(be_year: int):
    cycle = cycle_or_404(be_year)
    assessment = find_assessment(current_user, cycle)
    if assessment is not None and assessment.is_submitted:
        return redirect(_results_url(cycle))
    areas = cycle_areas(cycle)
    rated = rated_area_ids(assessment)
    next_area = next((a for a in areas if a.id not in rated), None)
    return render_template(
        "assessments/overview.html",
        cycle=cycle,
        assessment=assessment,
        areas=areas,
        rated=rated,
        next_area=next_area,
        targets=targets_for(cycle, current_user.role_group),
        served=area_tracks(cycle),
        scale=cycle.framework.scale,
    )


@bp.route("/<int:be_year>/areas/<code>", methods=["GET", "POST"])
@login_required
def area(be_year: int, code: str):
    cycle = cycle_or_404(be_year)
    areas = cycle_areas(cycle)
    index = next((i for i, a in enumerate(areas) if a.code == code), None)
    if index is None:
        abort(404)
    skill_area = areas[index]
    assessment = find_assessment(current_user, cycle)
    if request.method == "GET" and assessment is not None and assessment.is_submitted:
        return redirect(_results_url(cycle))
    if request.method == "GET" and not cycle.is_open:
        return redirect(url_for(".overview", be_year=be_year))  # it explains why

    form_class = area_form_class(skill_area)
    rating = next(
        (r for r in (assessment.ratings if assessment else []) if r.area_id == skill_area.id), None
    )
    if request.method == "GET":
        data = {
            "level": str(rating.level) if rating and rating.level is not None else None,
            "justification": rating.justification if rating else "",
        }
        if assessment is not None:
            subs = {s.sub_skill_id: s.level for s in assessment.sub_ratings}
            for sub in skill_area.sub_skills:
                if subs.get(sub.id) is not None:
                    data[f"sub_{sub.id}"] = str(subs[sub.id])
        form = form_class(data=data)
    else:
        form = form_class()

    autosave = request.headers.get("X-Autosave") == "1"
    error = None
    if form.validate_on_submit():

        def save():
            mine = start_assessment(current_user, cycle, by=current_user)
            save_area(
                mine,
                skill_area,
                level=form.level.data,
                justification=form.justification.data,
                sub_levels={sub.id: form[f"sub_{sub.id}"].data for sub in skill_area.sub_skills},
                by=current_user,
            )
            return mine

        done = attempt(save, form)
        error = done.message
        if done.ok:
            assessment = done.result
            if autosave:
                return jsonify(
                    ok=True,
                    saved_at=format_be_datetime(assessment.updated_at),
                    saved_at_iso=assessment.updated_at.isoformat(),
                )
            return _after_save(cycle, areas, index)
    elif request.method == "POST":
        error = _("Please check the highlighted answers. Nothing was saved yet.")

    if autosave:
        errors = {name: f.errors for name, f in form._fields.items() if f.errors}
        return jsonify(ok=False, message=error, errors=errors), 422
    status = 422 if request.method == "POST" else 200
    return (
        render_template(
            "assessments/area.html",
            cycle=cycle,
            assessment=assessment,
            area=skill_area,
            areas=areas,
            index=index,
            form=form,
            error=error,
            target=targets_for(cycle, current_user.role_group).get(skill_area.id),
            scale=cycle.framework.scale,
            rated=rated_area_ids(assessment),
        ),
        status,
    )


def _after_save(cycle, areas, index):
    action = request.form.get("action", "next")
    if action == "back" and index > 0:
        return redirect(url_for(".area", be_year=cycle.be_year, code=areas[index - 1].code))
    if action == "stay":
        flash(_("Saved. You can come back and continue at any time."), "success")
        return redirect(url_for(".area", be_year=cycle.be_year, code=areas[index].code))
    if action == "next" and index + 1 < len(areas):
        return redirect(url_for(".area", be_year=cycle.be_year, code=areas[index + 1].code))
    return redirect(url_for(".review", be_year=cycle.be_year))


@bp.route("/<int:be_year>/review", methods=["GET", "POST"])
@login_required
def review(be_year: int):
    cycle = cycle_or_404(be_year)
    assessment = find_assessment(current_user, cycle)
    if assessment is not None and assessment.is_submitted:
        return redirect(_results_url(cycle))
    if assessment is None:
        if request.method == "POST":
            flash(_("Please rate every skill area before you submit."), "error")
        return redirect(url_for(".overview", be_year=be_year))
    form = SubmitForm()
    error = None
    if form.validate_on_submit():
        done = attempt(lambda: submit_assessment(assessment, by=current_user))
        if done.ok:
            flash(_("Thank you! Your self-assessment is submitted."), "success")
            return redirect(_results_url(cycle))
        error = done.message
    return (
        render_template(
            "assessments/review.html",
            cycle=cycle,
            assessment=assessment,
            rows=results(assessment),
            missing=missing_areas(assessment),
            submit=assessment_actions(assessment, cycle, current_user, by=current_user)["submit"],
            form=form,
            error=error,
        ),
        422 if error else 200,
    )
