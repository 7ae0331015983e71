"""Feedback pages: one thread (on a plan, a goal or an activity) and all of mine in one place."""

from flask import abort, flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from lms import permissions
from lms.extensions import db
from lms.feedback import bp
from lms.feedback.forms import MessageForm
from lms.feedback.services import (
    can_take_part,
    mark_thread_read,
    post,
    readable_target,
    thread_on,
    threads_for,
)
from lms.i18n import current_locale
from lms.rules import attempt


@bp.route("/")
@login_required
def index():
    """Everything said about me; for a supervisor, also about the people they review."""
    mine = threads_for(current_user)
    team_ids = permissions.reports_query(current_user, with_delegations=True)
    team = threads_for(current_user, subject_ids=team_ids, limit=50)
    return render_template("feedback/index.html", mine=mine, team=team)


@bp.route("/<kind>/<int:target_id>", methods=["GET", "POST"])
@login_required
def thread(kind: str, target_id: int):
    on = readable_target(current_user, kind, target_id)
    if on is None:
        abort(404)
    form = MessageForm()
    error, status = None, 200
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        done = attempt(lambda: post(on, form.body.data, by=current_user), form)
        if done.ok:
            flash(_("Your message is sent."), "success")
            return redirect(request.path)
        error, status = done.message, 422
    existing = thread_on(on)
    new_ids = set()
    if existing is not None and request.method == "GET":
        new_ids = {
            m.id for m in existing.messages if m.read_at is None and m.author_id != current_user.id
        }
        mark_thread_read(existing, current_user)
        db.session.commit()
    return (
        render_template(
            "feedback/thread.html",
            on=on,
            thread=existing,
            form=form,
            error=error,
            can_write=can_take_part(current_user, on.subject),
            new_ids=new_ids,
            is_self=on.subject.id == current_user.id,
            locale=current_locale(),
        ),
        status,
    )
