"""The API's pages for people: its documentation, drawn from the generated document, and one's
own tokens (made, shown once, revoked) on the profile."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from lms.api.forms import TokenForm
from lms.api.tokens import create_token, revoke_token, token_state, tokens_of
from lms.extensions import db
from lms.forms import ActionForm
from lms.models import ApiToken

pages = Blueprint("api_pages", __name__)


@pages.get("/api/v1/docs")
def read_the_docs():
    """The API's documentation for people, drawn from the generated document (no script,
    nothing from a CDN)."""
    spec = current_app.extensions["thaksa_api"].spec.to_dict()
    responses = spec.get("components", {}).get("responses", {})
    return render_template("api/docs.html", spec=spec, responses=responses)


@pages.route("/profile/tokens", methods=["GET", "POST"])
@login_required
def tokens():
    """My API tokens: make one (shown once, on this answer only: never kept in a cookie or
    the session), see when each was last used, revoke one."""
    form = TokenForm()
    made = None
    if form.validate_on_submit():
        _token, made = create_token(
            current_user,
            form.name.data.strip(),
            days=int(form.days.data),
            scope=form.scope.data,
        )
        db.session.commit()
        form = TokenForm(formdata=None)
    # personal pages are never cached ("private, no-store", lms.security): nor the new token
    return render_template(
        "api/tokens.html",
        form=form,
        made=made,
        tokens=[(t, token_state(t)) for t in tokens_of(current_user)],
        revoke_form=ActionForm(),
    )


@pages.route("/profile/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_my_token(token_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    token = db.session.get(ApiToken, token_id)
    if token is None or token.person_id != current_user.id:
        abort(404)
    if revoke_token(token, by=current_user):
        flash(
            _("The token “%(name)s” is revoked: it opens nothing any more.", name=token.name),
            "success",
        )
    db.session.commit()
    return redirect(url_for("api_pages.tokens"))
