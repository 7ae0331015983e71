"""The inbox page: what waits for me, bulk approve, and my notifications; reminding everyone
behind in a unit (HR) or a team (a supervisor)."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import select

from lms.cycles import open_cycle
from lms.extensions import db
from lms.forms import ActionForm
from lms.i18n import current_locale
from lms.inbox import bp, services
from lms.inbox.reminders import BEHIND, count_behind, remind_behind
from lms.inbox.services import inbox
from lms.models import Notification, Person, Unit
from lms.notifications import LINKED_ENDPOINTS, mark_read, recent
from lms.people.org import unit_by_code
from lms.permissions import delegator_ids, has_reports, is_admin, reports_query, scope_units
from lms.vocab import Role


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


# -- a reminder to everyone behind -----------------------------------------------------------------


def _remind_page(people, about: str, title: str, back: str, back_label: str):
    """Count those behind among `people` in the open year, then (confirmed) remind them once
    each; the same page for HR's unit and a supervisor's team."""
    cycle = open_cycle()
    if cycle is None:
        abort(404)
    form = ActionForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        kinds = [k for k in request.form.getlist("kind") if k in BEHIND]
        if not kinds:
            flash(_("Choose whom to remind."), "error")
        else:
            sent = remind_behind(cycle, people, kinds, by=current_user, about=about)
            db.session.commit()
            flash(
                ngettext(
                    "%(num)d reminder is sent. People see it on their home page now, and by "
                    "e-mail with the next reminders.",
                    "%(num)d reminders are sent. People see them on their home page now, and "
                    "by e-mail with the next reminders.",
                    sum(sent.values()),
                ),
                "success",
            )
            return redirect(back)
    return render_template(
        "inbox/remind_behind.html",
        cycle=cycle,
        counts=count_behind(cycle, people),
        title=title,
        back=back,
        back_label=back_label,
        form=form,
        chosen=set(request.form.getlist("kind")) if request.method == "POST" else set(BEHIND),
    )


@bp.route("/remind/units/<code>", methods=["GET", "POST"])
@login_required
def remind_unit(code: str):
    """HR reminds everyone behind in their unit subtree."""
    unit = unit_by_code(code)
    if unit is None or not (
        is_admin(current_user)
        or any(u.contains(unit) for u in scope_units(current_user, roles=(Role.HR,)))
    ):
        abort(404)
    people = (
        select(Person.id)
        .join(Unit, Unit.id == Person.unit_id)
        .where(Unit.path.startswith(unit.path))
    )
    return _remind_page(
        people,
        f"unit {unit.code}",
        _("Remind everyone behind in %(unit)s", unit=unit.name(current_locale())),
        url_for("reports.unit", code=unit.code),
        _("The report of %(unit)s", unit=unit.name(current_locale())),
    )


@bp.route("/remind/team", methods=["GET", "POST"])
@login_required
def remind_team():
    """A supervisor reminds everyone behind in their team (everyone below them, and below
    those they stand in for today)."""
    if not (has_reports(current_user) or delegator_ids(current_user)):
        abort(404)
    return _remind_page(
        reports_query(current_user, with_delegations=True),
        f"team of {current_user.employee_no}",
        _("Remind everyone behind in my team"),
        url_for("people.my_team"),
        _("My team"),
    )
