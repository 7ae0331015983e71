"""Sign-in through OpenID Connect (issue 23) against a local provider (tests/oidc_provider.py):
discovery, the authorisation-code flow with PKCE (S256) and a nonce, the person named by a
claim; a forged or expired ID token, a wrong state and a claim that names nobody refused with
one message and an audited reason; log-out ends the provider's session too."""

from urllib.parse import parse_qs, urlparse

import pytest
import requests
from sqlalchemy import select

from lms.extensions import db
from lms.models import AuditEvent
from tests.factories import PersonFactory, UnitFactory
from tests.oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider


@pytest.fixture(scope="module")
def provider():
    started = Provider().start()
    yield started
    started.stop()


@pytest.fixture
def sso_on(app, provider, monkeypatch):
    provider.claims = {"sub": "u-1001", "email": "somchai.j@bma.go.th"}
    provider.forge = provider.expired = False
    for key, value in {
        "OIDC_DISCOVERY_URL": provider.discovery,
        "OIDC_CLIENT_ID": CLIENT_ID,
        "OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_CLAIM": "email",
        "OIDC_MATCH_FIELD": "email",
        "OIDC_NAME": "BMA single sign-on",
        "BASE_URL": "http://localhost",
    }.items():
        monkeypatch.setitem(app.config, key, value)
    return provider


@pytest.fixture
def somchai():
    return PersonFactory(
        unit=UnitFactory(code="IAO"), employee_no="1001", email="somchai.j@bma.go.th"
    )


def through_provider(client, path="/login/sso"):
    """Start at Thaksa, let the provider sign the person in, come back: the final answer."""
    start = client.get(path)
    assert start.status_code == 302, start.get_data(as_text=True)[:300]
    back = requests.get(start.location, allow_redirects=False, timeout=5)
    assert back.status_code == 302
    callback = urlparse(back.headers["Location"])
    return client.get(f"{callback.path}?{callback.query}")


def refusals() -> list[str]:
    db.session.expire_all()
    return [
        e.details["reason"]
        for e in db.session.scalars(select(AuditEvent).where(AuditEvent.action == "login_refused"))
    ]


def test_the_log_in_page_offers_the_sign_on_and_it_signs_the_person_in(client, sso_on, somchai):
    assert "BMA single sign-on" in client.get("/login").get_data(as_text=True)
    done = through_provider(client, "/login/sso?next=/assessment/")
    assert done.status_code == 302 and done.location.endswith("/assessment/")
    asked = sso_on.seen[-1]
    assert asked["code_challenge_method"] == "S256" and len(asked["code_challenge"]) >= 43
    assert asked["nonce"] and asked["state"] and "openid" in asked["scope"]
    assert client.get("/").status_code == 200
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "login")).one()
    assert event.details == {"via": "sso"} and event.actor_id == somchai.id


def test_log_out_ends_the_providers_session_too(client, sso_on, somchai):
    through_provider(client)
    out = client.post("/logout")
    assert out.location.startswith(sso_on.url + "/logout?")
    query = parse_qs(urlparse(out.location).query)
    assert (
        query["post_logout_redirect_uri"] == ["http://localhost/login"] and query["id_token_hint"]
    )
    assert client.get("/").status_code == 302  # the local session is over


@pytest.mark.parametrize("spoil", ["forge", "expired", "nobody", "state"])
def test_a_forged_or_expired_token_a_wrong_state_or_nobody_is_refused(
    client, sso_on, somchai, spoil
):
    if spoil == "forge":
        sso_on.forge = True
    elif spoil == "expired":
        sso_on.expired = True
    elif spoil == "nobody":
        sso_on.claims = {"sub": "u-9", "email": "stranger@bma.go.th"}
    if spoil == "state":
        start = client.get("/login/sso")
        back = requests.get(start.location, allow_redirects=False, timeout=5)
        callback = urlparse(back.headers["Location"])
        code = parse_qs(callback.query)["code"][0]
        done = client.get(f"{callback.path}?code={code}&state=forged-state")
    else:
        done = through_provider(client)
    assert done.status_code == 302 and done.location.endswith("/login")
    assert client.get("/").status_code == 302  # nobody is signed in
    assert len(refusals()) == 1
    assert ("no_person" in refusals()) == (spoil == "nobody")


def test_without_a_provider_the_sign_on_is_not_there(client):
    assert client.get("/login/sso").status_code == 404
    assert "/login/sso" not in client.get("/login").get_data(as_text=True)
