"""Getting into an account without a password: a link or a printed code to set one, and
"forgot my password". Each answers the same whatever was typed, so nobody learns who has an
account; a link or code that no longer works says what to do instead."""

from flask import current_app, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import login_user

from lms.audit import audit
from lms.auth import bp
from lms.auth.accounts import find_code, find_link, forgot, redeem
from lms.auth.forms import CodeForm, ForgotForm, SetPasswordForm
from lms.extensions import db, limiter
from lms.rules import attempt

INVALID = "Please check the highlighted answers. Nothing was saved yet."


def _welcome(person, purpose: str):
    """Log the person in with their new password and send them home."""
    session.clear()
    login_user(person)
    session.permanent = True
    session["lang"] = person.locale
    audit("login", person, person, via=purpose)
    db.session.commit()
    if purpose == "invite":
        flash(
            _("Welcome to Thaksa. Your password is set; your first step is on this page."),
            "success",
        )
    else:
        flash(_("Your new password is set. You are logged in."), "success")
    return redirect(url_for("main.home"))


def _set_with(token, form, template: str, **page):
    done = attempt(lambda: redeem(token, form.new.data, form.confirm.data), form)
    if done.ok:
        return _welcome(done.result, token.purpose)
    return render_template(template, form=form, error=done.message, **page), 422


@bp.route("/account/<secret>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def set_password_from_link(secret: str):
    token, state = find_link(secret)
    if state != "ok":
        return render_template(
            "auth/link_gone.html", state=state
        ), 410 if state != "unknown" else 404
    form = SetPasswordForm()
    page = {"person": token.person, "purpose": token.purpose}
    if form.validate_on_submit():
        return _set_with(token, form, "auth/set_password.html", **page)
    error = _(INVALID) if form.errors else None
    return render_template("auth/set_password.html", form=form, error=error, **page), (
        422 if error else 200
    )


@bp.route("/account/code", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def set_password_from_code():
    form = CodeForm()
    if form.validate_on_submit():
        token, state = find_code(form.identifier.data, form.code.data)
        if state == "ok":
            return _set_with(token, form, "auth/code.html")
        form.code.errors = [
            _(
                "This code does not work for this account: it may be mistyped, used already or "
                "older than 7 days. Ask your HR officer for a new one."
            )
        ]
        return render_template("auth/code.html", form=form, error=_(INVALID)), 422
    error = _(INVALID) if form.errors else None
    return render_template("auth/code.html", form=form, error=error), (422 if error else 200)


@bp.route("/forgot", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def forgot_password():
    form = ForgotForm()
    mail_on = current_app.config.get("MAIL_BACKEND", "none") != "none"
    if form.validate_on_submit():
        forgot(form.identifier.data)
        db.session.commit()
        return render_template("auth/forgot_sent.html")  # the same, whoever was typed
    error = _(INVALID) if form.errors else None
    return render_template("auth/forgot.html", form=form, error=error, mail_on=mail_on), (
        422 if error else 200
    )
