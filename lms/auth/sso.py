"""Sign-in through OpenID Connect (a government single sign-on service, Azure AD): the
authorisation-code flow with PKCE (S256) through Authlib, the provider found by discovery, the ID
token's signature, issuer, audience, expiry and nonce checked by Authlib, and the claim that names
the person (OIDC_CLAIM) matched like a directory entry (lms.auth.directory.match_person).
Log-out ends the local session and, where the provider offers it, the provider's."""

import logging

from authlib.integrations.flask_client import OAuth
from flask import current_app
from flask_babel import gettext as _

from lms.auth.directory import Answer, match_person

log = logging.getLogger(__name__)
NAME = "sso"
EXTENSION = "thaksa_sso"  # app.extensions: (the settings it was made for, the client)


def client():
    """The OpenID Connect client for the current settings (made once; again if they change)."""
    config = current_app.config
    settings = (
        config["OIDC_DISCOVERY_URL"],
        config["OIDC_CLIENT_ID"],
        config["OIDC_CLIENT_SECRET"],
    )
    made = current_app.extensions.get(EXTENSION)
    if made is None or made[0] != settings:
        made = (
            settings,
            OAuth(current_app._get_current_object()).register(
                NAME,
                client_id=settings[1],
                client_secret=settings[2],
                server_metadata_url=settings[0],
                client_kwargs={
                    "scope": "openid email profile",
                    "code_challenge_method": "S256",  # PKCE
                    "timeout": max(2.0, float(config.get("LDAP_TIMEOUT", 3)) * 2),
                },
            ),
        )
        current_app.extensions[EXTENSION] = made
    return made[1]


def configured() -> bool:
    return bool(current_app.config.get("OIDC_DISCOVERY_URL"))


def button() -> str | None:
    """The words of the log-in page's single sign-on button (None: no button)."""
    if not configured():
        return None
    return current_app.config.get("OIDC_NAME") or _("Sign in with the organisation's account")


def redirect_uri(path: str) -> str:
    return current_app.config["BASE_URL"].rstrip("/") + path


def person_from(token: dict) -> Answer:
    """The person the ID token's claim names, or why not."""
    claims = token.get("userinfo") or {}
    value = str(claims.get(current_app.config["OIDC_CLAIM"]) or "").strip()
    answer = Answer(username=str(claims.get("sub", ""))[:200])
    if not value:
        answer.refusal = "no_person"
        return answer
    return match_person(value, current_app.config["OIDC_MATCH_FIELD"], answer, method="sso")


def end_session_url(id_token: str | None, after: str) -> str | None:
    """Where the provider ends its own session (RP-initiated log-out), if it offers it."""
    if not configured() or not id_token:
        return None
    try:
        if not client().load_server_metadata().get("end_session_endpoint"):
            return None
        return client().create_logout_url(post_logout_redirect_uri=after, id_token_hint=id_token)[
            "url"
        ]
    except Exception:  # the provider is away: the local session is ended all the same
        log.warning("Could not reach the OpenID provider for log-out", exc_info=True)
        return None
