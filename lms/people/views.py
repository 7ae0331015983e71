"""My team, people of my units, a person's page, assessment results with the radar chart, and
my own data to download (PDPA)."""

from flask import (
    abort,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from lms import permissions
from lms.activities.services import activities_of
from lms.assessments.services import (
    find_assessment,
    levels_by_area_code,
    previous_submitted,
    results,
    submitted_history,
    top_gaps,
)
from lms.audit import audit
from lms.charts import radar_png
from lms.cycles import area_tracks, cycle_or_404, open_cycle
from lms.extensions import db
from lms.feedback.services import counts_by_target
from lms.forms import ActionForm
from lms.i18n import current_locale
from lms.jobs import file_path, job_of, queue, start_job
from lms.learning import actual_balance, goal_progress, kind_names, planned_balance
from lms.models import RoleGroup, Unit
from lms.people import bp
from lms.people import tasks as _tasks  # noqa: F401 - registers the export task with lms.jobs
from lms.people.directory import chosen, suggestions
from lms.people.forms import SupervisorForm
from lms.people.lookups import visible_person_or_404, visible_plan_or_404
from lms.people.personal_data import KIND as PERSONAL_DATA
from lms.people.services import (
    TEAM_FILTERS,
    TEAM_SORTS,
    search_people,
    team_page,
    year_by_year,
)
from lms.people.supervisors import reassign_supervisor
from lms.permissions import (
    can_browse_people,
    can_edit_plan,
    can_review_plans_of,
    can_view_evidence,
    can_view_unit,
    delegator_ids,
    has_reports,
    may_change_supervisor,
)
from lms.plans.pdf import pdf_rate_limit, plan_pdf_response
from lms.plans.services import find_plan
from lms.rules import attempt


@bp.route("/team")
@login_required
def my_team():
    cycle = open_cycle()
    if not (has_reports(current_user) or delegator_ids(current_user)):
        return render_template("people/team.html", page=None, cycle=cycle, no_team=True)
    sort = request.args.get("sort", "name")
    show = request.args.get("show", "all")
    if sort not in TEAM_SORTS or show not in TEAM_FILTERS:
        abort(404)
    page = team_page(
        current_user, cycle, sort=sort, show=show, page=request.args.get("page", 1, type=int)
    )
    return render_template("people/team.html", page=page, cycle=cycle, sort=sort, show=show)


@bp.route("/people")
@login_required
def people_list():
    if not can_browse_people(current_user):
        abort(403)
    cycle = open_cycle()
    text = request.args.get("q", "")[:100]
    unit = None
    unit_code = request.args.get("unit", "").strip()
    if unit_code:
        unit = db.session.scalars(select(Unit).where(Unit.code == unit_code)).first()
        if unit is None or not can_view_unit(current_user, unit):
            abort(404)
    page = search_people(
        current_user, cycle, text=text, unit=unit, page=request.args.get("page", 1, type=int)
    )
    return render_template("people/list.html", page=page, cycle=cycle, q=text, unit=unit)


@bp.route("/people/<employee_no>")
@login_required
def person_page(employee_no: str):
    person = visible_person_or_404(current_user, employee_no)
    return render_template(
        "people/person.html",
        person=person,
        cycles=year_by_year(person),
        can_change_supervisor=may_change_supervisor(current_user, person),
        can_review=can_review_plans_of(current_user, person),
        can_manage_account=permissions.manages_account_of(current_user, person),
    )


def _submitted_or_none(person, be_year):
    cycle = cycle_or_404(be_year)
    assessment = find_assessment(person, cycle)
    if assessment is None or not assessment.is_submitted:
        return cycle, None
    return cycle, assessment


@bp.route("/people/<employee_no>/assessments/<int:be_year>")
@login_required
def assessment_results(employee_no: str, be_year: int):
    person = visible_person_or_404(current_user, employee_no)
    cycle, assessment = _submitted_or_none(person, be_year)
    if assessment is None:
        if person.id == current_user.id and cycle.is_open:
            return redirect(url_for("assessments.overview", be_year=be_year))
        return render_template("people/not_submitted.html", person=person, cycle=cycle), 200
    rows = results(assessment, detail=True)
    history = [(a.cycle, levels_by_area_code(a)) for a in submitted_history(person)]
    return render_template(
        "people/results.html",
        person=person,
        cycle=cycle,
        assessment=assessment,
        rows=rows,
        gaps=top_gaps(rows, limit=len(rows)),
        served=area_tracks(cycle),
        role_group=db.session.get(RoleGroup, assessment.role_group_id),
        history=history,
        is_self=person.id == current_user.id,
        can_review=can_review_plans_of(current_user, person),
        plan_editable=can_edit_plan(current_user, person.id, cycle, find_plan(person, cycle)),
    )


@bp.route("/people/<employee_no>/assessments/<int:be_year>/radar.png")
@login_required
def assessment_radar(employee_no: str, be_year: int):
    person = visible_person_or_404(current_user, employee_no)
    _cycle, assessment = _submitted_or_none(person, be_year)
    if assessment is None:
        abort(404)
    locale = current_locale()
    rows = results(assessment)
    labels = tuple(r.area.short_name(locale) for r in rows)
    series = [
        (
            _("My level") if person.id == current_user.id else _("Self-rating"),
            tuple(r.level for r in rows),
            "self",
        ),
        (_("Target"), tuple(r.target for r in rows), "target"),
    ]
    previous = previous_submitted(assessment)
    if previous is not None:
        before = levels_by_area_code(previous)
        series.append(
            (
                _("FY %(year)d", year=previous.cycle.be_year),
                tuple(before.get(r.area.code) for r in rows),
                "previous",
            )
        )
    response = make_response(radar_png(labels, tuple(series)))
    response.headers["Content-Type"] = "image/png"
    return response


@bp.route("/people/<employee_no>/plans/<int:be_year>")
@login_required
def plan_view(employee_no: str, be_year: int):
    person = visible_person_or_404(current_user, employee_no)
    cycle, plan = visible_plan_or_404(current_user, person, be_year)
    locale = current_locale()
    return render_template(
        "people/plan.html",
        person=person,
        cycle=cycle,
        plan=plan,
        can_review=can_review_plans_of(current_user, person),
        planned=planned_balance(plan),
        actual=actual_balance(person, cycle),
        progress={p.goal.id: p for p in goal_progress(plan)},
        kinds=kind_names(locale),
    )


@bp.route("/people/<employee_no>/plans/<int:be_year>/plan.pdf")
@login_required
@pdf_rate_limit
def plan_pdf(employee_no: str, be_year: int):
    person = visible_person_or_404(current_user, employee_no)
    _cycle, plan = visible_plan_or_404(current_user, person, be_year)
    return plan_pdf_response(plan, by=current_user)


@bp.route("/people/<employee_no>/learning/<int:be_year>")
@login_required
def learning_view(employee_no: str, be_year: int):
    person = visible_person_or_404(current_user, employee_no)
    cycle = cycle_or_404(be_year)
    locale = current_locale()
    return render_template(
        "people/learning.html",
        person=person,
        cycle=cycle,
        can_verify=can_review_plans_of(current_user, person) and not cycle.is_closed,
        feedback=counts_by_target(person, current_user, cycle.id),
        form=ActionForm(),
        activities=activities_of(person, cycle),
        actual=actual_balance(person, cycle),
        show_evidence=can_view_evidence(current_user, person),
        kinds=kind_names(locale),
    )


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
        new = chosen(text) if text else None
        if text and new is None:
            form.supervisor.errors = [
                _("No single active person has this name, employee number or e-mail.")
            ]
            error, status = _("Please check the highlighted answers. Nothing was saved yet."), 422
        else:
            done = attempt(lambda: reassign_supervisor(person, new, by=current_user), form)
            if done.ok:
                flash(_("The supervisor is changed. What waited for review follows."), "success")
                return redirect(url_for("people.person_page", employee_no=employee_no))
            error, status = done.message, 422
    return (
        render_template("people/supervisor.html", person=person, form=form, error=error),
        status,
    )


@bp.route("/people/find")
@login_required
def find():
    """Suggestions for a field where a person is chosen (a supervisor, a delegate): active
    people of the reader's organisation whose name, number or e-mail fits what is typed, for
    those who choose people (supervisors, HR, administrators)."""
    if not permissions.may_pick_people(current_user):
        abort(404)
    roots = (
        None if permissions.is_admin(current_user) else permissions.organisation_of(current_user)
    )
    people = suggestions(request.args.get("q", "")[:100], within=roots)
    locale = current_locale()
    return jsonify(
        people=[
            {
                "employee_no": p.employee_no,
                "name": p.official_name(locale),
                "unit": p.unit.name(locale),
            }
            for p in people
        ]
    )


# -- my own data (PDPA) ---------------------------------------------------------------------------


@bp.route("/my-data", methods=["GET", "POST"])
@login_required
def my_data():
    """Everything the system holds about me, as a ZIP made in the background."""
    if request.method == "POST":
        if not ActionForm().validate_on_submit():
            abort(400)
        job = start_job(current_user, PERSONAL_DATA, {}, current_locale())
        db.session.commit()
        queue(job)
        return redirect(url_for(".my_data_job", job_id=job.id))
    return render_template("people/my_data.html", form=ActionForm())


@bp.route("/my-data/<job_id>")
@login_required
def my_data_job(job_id: str):
    job = job_of(current_user, job_id, (PERSONAL_DATA,))
    if job is None:
        abort(404)
    return render_template("people/my_data_job.html", job=job)


@bp.route("/my-data/<job_id>/file")
@login_required
def my_data_file(job_id: str):
    job = job_of(current_user, job_id, (PERSONAL_DATA,))
    if job is None or job.status != "done" or not file_path(job).exists():
        abort(404)
    audit("personal_data_exported", current_user, current_user)
    db.session.commit()
    return send_file(
        file_path(job),
        mimetype="application/zip",
        as_attachment=True,
        download_name=f"thaksa-my-data-{current_user.employee_no}.zip",
    )
