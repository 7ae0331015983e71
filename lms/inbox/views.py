"""The inbox page: what waits for me, bulk approve, and my notifications."""

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from lms.extensions import db
from lms.forms import ActionForm
from lms.inbox import bp, services
from lms.inbox.services import inbox
from lms.models import Notification
from lms.notifications import LINKED_ENDPOINTS, mark_read, recent


@bp.route("/")
@login_required
def index():
    return render_template(
        "inbox/index.html",
        box=inbox(current_user, waiting_days=current_app.config["REMIND_WAITING_DAYS"]),
        notifications=recent(current_user),
        form=ActionForm(),
        shown=services.SHOWN,
    )


@bp.route("/notifications/<int:notification_id>")
@login_required
def open_notification(notification_id: int):
    """Follow a notification's link, marking it read."""
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.person_id != current_user.id:
        abort(404)
    mark_read(current_user, ids=[notification.id])
    db.session.commit()
    link = notification.link or ""
    if not link.startswith("/") or link.startswith("//"):
        link = url_for(".index")
    return redirect(link)


@bp.route("/read", methods=["POST"])
@login_required
def read_all():
    if not ActionForm().validate_on_submit():
        abort(400)
    mark_read(current_user)
    db.session.commit()
    return redirect(url_for(".index"))


@bp.before_app_request
def _read_what_is_opened():
    """Opening the page a notification points to reads it, however one got there."""
    if request.method != "GET" or request.endpoint not in LINKED_ENDPOINTS:
        return  # no notification points anywhere else
    if not current_user.is_authenticated:
        return
    if mark_read(current_user, link=request.path):
        db.session.commit()
