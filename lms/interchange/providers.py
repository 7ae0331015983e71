"""Administrators' page of learning providers' xAPI credentials (made, shown once, revoked,
with what each sent), and HR's page of the statements kept aside, with why and a second try."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from lms import permissions
from lms.extensions import db
from lms.forms import ActionForm, options
from lms.i18n import current_locale
from lms.interchange import pages
from lms.interchange.forms import ClientForm
from lms.interchange.services import REASONS, aside_query, clients, create_client, revoke_client
from lms.interchange.services import try_again as place_again
from lms.models import Person, Provider, XapiClient, XapiStatement
from lms.rules import attempt
from lms.vocab import Role

SHOWN = 200


def _admin() -> None:
    if not permissions.is_admin(current_user):
        abort(404)


@pages.route("/", methods=["GET", "POST"])
@login_required
def index():
    """Make credentials for a provider (KEY:SECRET shown once), see what each sent, revoke."""
    _admin()
    form = ClientForm()
    locale = current_locale()
    providers = db.session.scalars(
        select(Provider).where(Provider.active.is_(True)).order_by(Provider.code)
    )
    choices = options(
        [("", _("None: match courses by their address"))]
        + [(p.id, f"{p.code} · {p.name(locale)}") for p in providers]
    )
    form.provider_id.choices = choices
    made, error = None, None
    if form.validate_on_submit():
        provider = (
            db.session.get(Provider, form.provider_id.data) if form.provider_id.data else None
        )

        def make():
            return create_client(form.name.data, provider=provider, by=current_user)

        done = attempt(make, form)
        error = done.message
        if done.ok:
            _client, made = done.result
            form = ClientForm(formdata=None)
            form.provider_id.choices = choices
    counts = {
        (client_id, status): number
        for client_id, status, number in db.session.execute(
            select(XapiStatement.client_id, XapiStatement.status, func.count()).group_by(
                XapiStatement.client_id, XapiStatement.status
            )
        )
    }
    return render_template(
        "interchange/providers.html",
        form=form,
        error=error,
        made=made,
        clients=clients(),
        counts=counts,
        action=ActionForm(),
    )


@pages.route("/<int:client_id>/revoke", methods=["POST"])
@login_required
def revoke(client_id: int):
    _admin()
    if not ActionForm().validate_on_submit():
        abort(400)
    client = db.session.get(XapiClient, client_id) if client_id < 2**31 else None
    if client is None:
        abort(404)
    if revoke_client(client, by=current_user):
        flash(
            _(
                "The credentials of “%(name)s” are revoked: what it sends now is refused.",
                name=client.name,
            ),
            "success",
        )
    db.session.commit()
    return redirect(url_for(".index"))


def _aside_for_reader():
    """The kept-aside statements the reader may see, and whether that is all of them (404
    for those who see none)."""
    everyone = permissions.runs_the_year(current_user)
    paths = tuple(u.path for u in permissions.scope_units(current_user, roles=(Role.HR,)))
    if not everyone and not paths:
        abort(404)
    return aside_query(everyone, paths), everyone


@pages.route("/kept-aside", methods=["GET", "POST"])
@login_required
def aside():
    """Statements Thaksa could not place (unknown person or course, no open year), newest
    first, with what they say and why; "try again" once the person or course is there."""
    query, everyone = _aside_for_reader()
    action = ActionForm()
    if action.validate_on_submit():
        found = list(db.session.scalars(query.order_by(XapiStatement.id)))
        placed = place_again(found, by=current_user)
        db.session.commit()
        flash(
            _(
                "%(placed)d of %(tried)d statements found their person and course now.",
                placed=placed,
                tried=len(found),
            ),
            "success" if placed else "info",
        )
        return redirect(url_for(".aside"))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    shown = list(
        db.session.scalars(
            query.order_by(XapiStatement.stored.desc(), XapiStatement.id.desc()).limit(SHOWN)
        )
    )
    people = {
        p.id: p
        for p in db.session.scalars(
            select(Person).where(Person.id.in_({s.person_id for s in shown if s.person_id}))
        )
    }
    return render_template(
        "interchange/aside.html",
        statements=shown,
        total=total,
        shown=SHOWN,
        people=people,
        reasons=REASONS,
        action=action,
        everyone=everyone,
    )
