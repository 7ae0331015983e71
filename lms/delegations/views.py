"""Handing review over while on leave."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from lms import permissions
from lms.clock import today
from lms.delegations import bp
from lms.delegations.forms import DelegationForm
from lms.delegations.services import cancel_delegation, delegate_review, delegations_of
from lms.extensions import db
from lms.forms import ActionForm
from lms.models import Delegation
from lms.people.directory import chosen
from lms.rules import attempt


@bp.route("/review/delegation", methods=["GET", "POST"])
@login_required
def delegation():
    """Hand-overs I made or received; a new one for those who review anyone."""
    if request.method == "POST" and not permissions.reviews_anyone(current_user):
        abort(403)
    form = DelegationForm()
    error, status = None, 200
    if form.validate_on_submit():
        delegate = chosen(form.delegate.data or "")
        done = attempt(
            lambda: delegate_review(
                current_user,
                delegate,
                form.starts_on.data,
                form.ends_on.data,
                by=current_user,
                note=form.note.data,
            ),
            form,
        )
        if done.ok:
            flash(
                _("Your review is handed over. %(name)s is told.", name=delegate.name_th), "success"
            )
            return redirect(url_for(".delegation"))
        error, status = done.message, 422
    elif request.method == "POST":
        error, status = _("Please check the highlighted answers. Nothing was saved yet."), 422
    return (
        render_template(
            "delegations/delegation.html",
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
