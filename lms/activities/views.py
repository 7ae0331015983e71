"""The learning log pages: my activities, record/edit/delete one, evidence upload and download."""

import uuid

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from lms.activities import bp
from lms.activities.evidence import (
    attach_evidence,
    remove_evidence,
    safe_filename,
    stored_path,
)
from lms.activities.forms import ActivityForm, DeleteForm, EvidenceForm, ReceivedForm
from lms.activities.lookups import my_activity_or_404
from lms.activities.received import (
    completion_of,
    confirm_completion,
    dismiss_completion,
    suggested_hours,
    waiting_for,
)
from lms.activities.services import (
    activities_of,
    default_date,
    delete_activity,
    log_activity,
    update_activity,
)
from lms.cycles import cycle_or_404, open_cycle
from lms.extensions import db
from lms.feedback.services import counts_by_target
from lms.forms import options
from lms.i18n import current_locale
from lms.learning import actual_balance, goal_progress, kind_names, kinds_in_order, planned_balance
from lms.models import ActivityKind, Course, EvidenceFile, Goal
from lms.permissions import can_view_evidence
from lms.plans.services import find_plan
from lms.requests import whole_number
from lms.rules import attempt


@bp.route("/")
@login_required
def index():
    cycle = open_cycle()
    if cycle is None:
        return render_template("activities/no_cycle.html")
    return redirect(url_for(".log", be_year=cycle.be_year))


@bp.route("/<int:be_year>/")
@login_required
def log(be_year: int):
    cycle = cycle_or_404(be_year)
    plan = find_plan(current_user, cycle)
    locale = current_locale()
    return render_template(
        "activities/log.html",
        cycle=cycle,
        plan=plan,
        activities=activities_of(current_user, cycle),
        planned=planned_balance(plan),
        actual=actual_balance(current_user, cycle),
        progress=goal_progress(plan),
        kinds=kind_names(locale),
        waiting=waiting_for(current_user, cycle),
    )


def _form(cycle, activity=None) -> ActivityForm:
    locale = current_locale()
    form = ActivityForm(obj=activity) if request.method == "GET" and activity else ActivityForm()
    kinds = kinds_in_order()
    form.kind_id.choices = options(
        [("", _("Choose…"))] + [(k.id, f"{k.bucket} · {k.name(locale)}") for k in kinds]
    )
    plan = find_plan(current_user, cycle)
    goals = plan.goals if plan else []
    form.goal_id.choices = options(
        [("", _("Not linked to a goal"))] + [(g.id, g.label(locale)) for g in goals]
    )
    courses = db.session.scalars(
        select(Course).where(Course.active.is_(True)).order_by(Course.code)
    )
    form.course_id.choices = options(
        [("", _("No course / not in the catalogue"))]
        + [(c.id, f"{c.provider.code} · {c.title(locale)}") for c in courses]
    )
    return form


def _values(form) -> dict:
    return {
        "bucket": form.bucket.data,
        "kind": db.session.get(ActivityKind, form.kind_id.data) if form.kind_id.data else None,
        "title": form.title.data,
        "goal": db.session.get(Goal, form.goal_id.data) if form.goal_id.data else None,
        "occurred_on": form.occurred_on.data,
        "ended_on": form.ended_on.data,
        "hours": form.hours.data,
        "course": db.session.get(Course, form.course_id.data) if form.course_id.data else None,
        "provider_name": form.provider_name.data,
        "url": form.url.data,
        "pre_score": form.pre_score.data,
        "post_score": form.post_score.data,
        "completed": form.completed.data,
        "learned": form.learned.data,
        "applied": form.applied.data,
    }


@bp.route("/<int:be_year>/new", methods=["GET", "POST"])
@bp.route("/<int:be_year>/<int:activity_id>/edit", methods=["GET", "POST"])
@login_required
def edit(be_year: int, activity_id: int | None = None):
    cycle = cycle_or_404(be_year)
    activity = my_activity_or_404(current_user, cycle, activity_id) if activity_id else None
    if not cycle.is_open:
        flash(_("This cycle is closed, so its learning log cannot change."), "error")
        return redirect(url_for(".log", be_year=be_year))
    form = _form(cycle, activity)
    if request.method == "GET" and activity is None:
        form.submission_key.data = uuid.uuid4().hex
        form.bucket.data = request.args.get("bucket", "70")
        form.occurred_on.data = default_date(cycle)
        form.goal_id.data = whole_number(request.args.get("goal"))
        form.course_id.data = whole_number(request.args.get("course"))
    error = None
    if form.validate_on_submit():

        def save():
            if activity is None:
                return log_activity(
                    current_user,
                    cycle,
                    _values(form),
                    by=current_user,
                    key=form.submission_key.data,
                )
            return update_activity(activity, _values(form), by=current_user)

        done = attempt(save, form)
        error = done.message
        if done.ok:
            activity = done.result
            flash(
                _(
                    "Saved to your learning log. "
                    "Add a certificate or other evidence if you have one."
                ),
                "success",
            )
            return redirect(url_for(".detail", be_year=be_year, activity_id=activity.id))
    elif request.method == "POST":
        error = _("Please check the highlighted answers. Nothing was saved yet.")
    return (
        render_template(
            "activities/form.html", cycle=cycle, form=form, activity=activity, error=error
        ),
        422 if error else 200,
    )


@bp.route("/<int:be_year>/<int:activity_id>")
@login_required
def detail(be_year: int, activity_id: int):
    cycle = cycle_or_404(be_year)
    activity = my_activity_or_404(current_user, cycle, activity_id)
    return render_template(
        "activities/detail.html",
        cycle=cycle,
        activity=activity,
        evidence_form=EvidenceForm(),
        delete_form=DeleteForm(),
        error=None,
        feedback=counts_by_target(current_user, current_user, cycle.id),
    )


@bp.route("/<int:be_year>/<int:activity_id>/delete", methods=["POST"])
@login_required
def delete(be_year: int, activity_id: int):
    cycle = cycle_or_404(be_year)
    activity = my_activity_or_404(current_user, cycle, activity_id)
    if not DeleteForm().validate_on_submit():
        abort(400)
    done = attempt(lambda: [stored_path(e) for e in delete_activity(activity, by=current_user)])
    if not done.ok:
        flash(done.message, "error")
        return redirect(url_for(".detail", be_year=be_year, activity_id=activity_id))
    for path in done.result:
        path.unlink(missing_ok=True)
    flash(_("The activity is deleted."), "success")
    return redirect(url_for(".log", be_year=be_year))


@bp.route("/<int:be_year>/<int:activity_id>/evidence", methods=["POST"])
@login_required
def upload(be_year: int, activity_id: int):
    cycle = cycle_or_404(be_year)
    activity = my_activity_or_404(current_user, cycle, activity_id)
    form = EvidenceForm()
    error = None
    if form.validate_on_submit():
        upload_file = form.file.data
        data = upload_file.read() if upload_file else b""
        done = attempt(
            lambda: attach_evidence(
                activity,
                data,
                upload_file.filename if upload_file else "",
                form.kind.data,
                by=current_user,
            ),
            form,
        )
        if done.ok:
            flash(_("The file is attached."), "success")
            return redirect(url_for(".detail", be_year=be_year, activity_id=activity_id))
        error = done.message
    else:
        error = _("Please check the highlighted answers. Nothing was saved yet.")
    return (
        render_template(
            "activities/detail.html",
            cycle=cycle,
            activity=activity,
            evidence_form=form,
            delete_form=DeleteForm(),
            error=error,
            feedback=counts_by_target(current_user, current_user, cycle.id),
        ),
        422,
    )


@bp.route("/evidence/<int:evidence_id>")
@login_required
def evidence(evidence_id: int):
    item = db.session.get(EvidenceFile, evidence_id)
    if item is None or not can_view_evidence(current_user, item.activity.person):
        abort(404)
    path = stored_path(item)
    if not path.is_file():
        current_app.logger.error("Evidence file %s is missing on disk", item.stored_name)
        abort(404)
    response = send_file(
        path,
        mimetype=item.content_type,
        download_name=safe_filename(item.original_name) or "evidence",
        as_attachment=item.content_type == "application/pdf",
        max_age=0,
    )
    return response


@bp.route("/evidence/<int:evidence_id>/delete", methods=["POST"])
@login_required
def evidence_delete(evidence_id: int):
    item = db.session.get(EvidenceFile, evidence_id)
    if item is None or item.activity.person_id != current_user.id:
        abort(404)
    if not DeleteForm().validate_on_submit():
        abort(400)
    activity = item.activity
    done = attempt(lambda: remove_evidence(item, by=current_user))
    if done.ok:
        done.result.unlink(missing_ok=True)
        flash(_("The file is removed."), "success")
    else:
        flash(done.message, "error")
    return redirect(url_for(".detail", be_year=activity.cycle.be_year, activity_id=activity.id))


@bp.route("/<int:be_year>/received/<int:completion_id>", methods=["GET", "POST"])
@login_required
def received(be_year: int, completion_id: int):
    """A course a provider says I completed: confirm it into my log (with its hours) or
    dismiss it. Once decided, the page sends me on to the activity or the log."""
    cycle = cycle_or_404(be_year)
    completion = completion_of(current_user, completion_id)
    if completion is None or completion.cycle_id != cycle.id:
        abort(404)
    if completion.status == "confirmed" and completion.activity_id:
        return redirect(url_for(".detail", be_year=be_year, activity_id=completion.activity_id))
    if completion.status != "pending":
        flash(_("You dismissed this completion; it no longer waits."), "info")
        return redirect(url_for(".log", be_year=be_year))
    form = ReceivedForm()
    if request.method == "GET":
        form.hours.data = suggested_hours(completion)
    error = None
    if form.validate_on_submit():
        if request.form.get("decision") == "dismiss":
            done = attempt(lambda: dismiss_completion(completion, by=current_user), form)
            if done.ok:
                flash(_("Dismissed: it will not be counted."), "success")
                return redirect(url_for(".log", be_year=be_year))
        else:
            done = attempt(
                lambda: confirm_completion(completion, form.hours.data, by=current_user), form
            )
            if done.ok:
                flash(_("Added to your learning log as formal learning (10)."), "success")
                return redirect(url_for(".detail", be_year=be_year, activity_id=done.result.id))
        error = done.message
    elif request.method == "POST" and not form.errors:
        abort(400)
    return render_template(
        "activities/received.html", cycle=cycle, completion=completion, form=form, error=error
    )
