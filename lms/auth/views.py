"""Log-in, log-out, profile and password pages."""

from authlib.common.errors import AuthlibBaseError as OAuthError
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
from joserfc.errors import JoseError

from lms.audit import audit
from lms.auth import bp, directory, sso
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
from lms.clock import utcnow
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
    if directory.configured():
        form.identifier.label.text = _("Directory user name, e-mail or employee number")
        form.identifier.description = _(
            "You may use the same user name and password as for your organisation's computers."
        )
    if form.validate_on_submit():
        person, via = authenticate(form.identifier.data, form.password.data), "password"
        if person is None and directory.configured():
            answer = directory.check(form.identifier.data, form.password.data)
            person, via = answer.person, "directory"
            if person is None:
                _refused(answer)
                if answer.down:
                    form.password.errors.append(
                        _(
                            "The organisation's directory is not answering, so signing in "
                            "with its password is not possible right now. If you have a "
                            "Thaksa password of your own, use it; otherwise please try again "
                            "in a few minutes."
                        )
                    )
        if person is None:
            current_app.logger.info("Failed log-in for %s", fingerprint(form.identifier.data))
            if not form.password.errors:
                form.password.errors.append(
                    _(
                        "The user name, e-mail, employee number or password is not right. "
                        "Please try again."
                    )
                    if directory.configured()
                    else _(
                        "The e-mail, employee number or password is not right. Please try again."
                    )
                )
        else:
            return signed_in(person, via=via, remember=form.remember.data)
    return render_template("auth/login.html", form=form, sso=sso.button())


def _refused(answer, via: str = "directory") -> None:
    """An audit entry per refusal by the directory or the sign-on, with its reason (never
    shown to the person)."""
    audit(
        "login_refused",
        None,
        None,
        via=via,
        reason=answer.refusal,
        who=fingerprint(answer.username),
    )
    db.session.commit()


def signed_in(person, *, via: str, remember: bool = False, next_url: str | None = None):
    """Start `person`'s session (the same rules whatever the way in) and go on."""
    next_url = next_url or safe_next(request.args.get("next"))
    session.clear()
    person.last_login_at = utcnow()
    login_user(person, remember=remember)
    session.permanent = True
    session["lang"] = person.locale
    audit("login", person, person, via=via)
    db.session.commit()
    response = redirect(next_url or url_for("main.home"))
    response.set_cookie(
        DEVICE_COOKIE,
        device_mark(person),
        max_age=DEVICE_DAYS * 86400,
        secure=current_app.config.get("SESSION_COOKIE_SECURE", True),
        httponly=True,
        samesite="Lax",
    )
    return response


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        current_user.end_sessions()  # this browser's cookies, and any copied elsewhere
        db.session.commit()
    id_token = session.get(SSO_TOKEN)
    logout_user()
    session.clear()
    flash(_("You have logged out. See you again soon."), "info")
    provider = sso.end_session_url(id_token, sso.redirect_uri(url_for("auth.login")))
    return redirect(provider or url_for("auth.login"))


SSO_NEXT = "sso_next"  # where to go after the sign-on
SSO_TOKEN = "sso_id_token"  # noqa: S105 - a session key, not a secret: the ID token of a single sign-on, for the provider's log-out


@bp.route("/login/sso")
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"])
def sso_start():
    """To the organisation's single sign-on (OpenID Connect, with PKCE and a nonce)."""
    if not sso.configured():
        abort(404)
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    session[SSO_NEXT] = safe_next(request.args.get("next"))
    try:
        return sso.client().authorize_redirect(sso.redirect_uri(url_for("auth.sso_callback")))
    except Exception:  # discovery failed: the provider is away
        current_app.logger.warning("The OpenID provider did not answer", exc_info=True)
        flash(_sso_down(), "error")
        return redirect(url_for("auth.login"))


def _sso_down() -> str:
    return _(
        "The organisation's sign-on service is not answering right now. If you have a Thaksa "
        "password of your own, use it; otherwise please try again in a few minutes."
    )


@bp.route("/login/sso/callback")
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"])
def sso_callback():
    """Back from the provider: the code exchanged (with the PKCE verifier), the ID token
    checked, the person matched; any failure refused with one message and an audit entry."""
    if not sso.configured():
        abort(404)
    try:
        token = sso.client().authorize_access_token()
    except (OAuthError, JoseError, KeyError, ValueError) as problem:
        audit("login_refused", None, None, via="sso", reason=type(problem).__name__)
        db.session.commit()
        flash(_("The sign-on could not be completed. Please try again."), "error")
        return redirect(url_for("auth.login"))
    except Exception:  # the provider's token endpoint is away
        current_app.logger.warning("The OpenID provider did not answer", exc_info=True)
        flash(_sso_down(), "error")
        return redirect(url_for("auth.login"))
    answer = sso.person_from(token)
    if answer.person is None:
        _refused(answer, via="sso")
        flash(
            _(
                "Your organisation's account is not linked to anyone in Thaksa. Please ask HR "
                "of your unit."
            ),
            "error",
        )
        return redirect(url_for("auth.login"))
    response = signed_in(answer.person, via="sso", next_url=session.pop(SSO_NEXT, None))
    session[SSO_TOKEN] = token.get("id_token")
    return response


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
