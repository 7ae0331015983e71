"""Log-in, log-out, profile and password pages."""

from flask import (
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from lms.audit import audit
from lms.auth import bp
from lms.auth.forms import LoginForm, PasswordForm, ProfileForm
from lms.auth.services import (
    DEVICE_COOKIE,
    DEVICE_DAYS,
    authenticate,
    check_password,
    device_mark,
    find_by_login,
    fingerprint,
    is_known_device,
    safe_next,
    set_password,
)
from lms.extensions import db, limiter
from lms.forms import ActionForm


def _typed_account():
    """The account typed in the log-in form (looked up once per request for both limits)."""
    if "typed_account" not in g:
        g.typed_account = find_by_login(request.form.get("identifier") or "")
    return g.typed_account


def _owners_device() -> bool:
    """The typed account's owner, on a browser that logged in as them before."""
    return is_known_device(_typed_account(), request.cookies.get(DEVICE_COOKIE))


def _login_account_key() -> str:
    """One counter per account, however it is typed (e-mail in any case, employee number);
    typed names of no account count under a fingerprint of what was typed."""
    person = _typed_account()
    typed = request.form.get("identifier") or ""
    return f"login:person:{person.id}" if person else "login:" + fingerprint(typed)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"],
    methods=["POST"],
    key_func=_login_account_key,
    exempt_when=_owners_device,
)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        person = authenticate(form.identifier.data, form.password.data)
        if person is None:
            current_app.logger.info("Failed log-in for %s", fingerprint(form.identifier.data))
            form.password.errors.append(
                _("The e-mail, employee number or password is not right. Please try again.")
            )
        else:
            session.clear()
            login_user(person, remember=form.remember.data)
            session.permanent = True
            session["lang"] = person.locale
            audit("login", person, person)
            db.session.commit()
            response = redirect(safe_next(request.args.get("next")) or url_for("main.home"))
            response.set_cookie(
                DEVICE_COOKIE,
                device_mark(person),
                max_age=DEVICE_DAYS * 86400,
                secure=current_app.config.get("SESSION_COOKIE_SECURE", True),
                httponly=True,
                samesite="Lax",
            )
            return response
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        current_user.end_sessions()  # this browser's cookies, and any copied elsewhere
        db.session.commit()
    logout_user()
    session.clear()
    flash(_("You have logged out. See you again soon."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        current_user.display_name = (form.display_name.data or "").strip() or None
        current_user.locale = form.locale.data
        session["lang"] = form.locale.data
        db.session.commit()
        flash(_("Your profile is saved."), "success")
        return redirect(url_for("auth.profile"))
    return render_template("auth/profile.html", form=form)


def _own_words(person) -> tuple[str, ...]:
    return (person.email, person.employee_no, person.name_th, person.name_en or "", "thaksa")


def _remembered() -> bool:
    return current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies


@bp.route("/profile/logout-everywhere", methods=["POST"])
@login_required
def logout_everywhere():
    """End every session and remembered log-in of mine, on every computer, this one too."""
    if not ActionForm().validate_on_submit():
        abort(400)
    current_user.end_sessions()
    audit("logout_everywhere", current_user, current_user)
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You are logged out on every computer and phone."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/profile/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordForm()
    form.hints = _own_words(current_user)
    if form.validate_on_submit():
        if not check_password(current_user, form.current.data):
            form.current.errors.append(_("The current password is not right."))
        else:
            set_password(current_user, form.new.data)  # ends every other session
            audit("password_changed", current_user, current_user)
            db.session.commit()
            login_user(current_user._get_current_object(), remember=_remembered())  # goes on
            flash(_("Your password is changed."), "success")
            return redirect(url_for("auth.profile"))
    return render_template("auth/password.html", form=form)


from lms.auth import account_views  # noqa: E402, F401 - links and codes into an account
