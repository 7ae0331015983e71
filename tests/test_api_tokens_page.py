"""Issue 22, part 3: a person makes, sees and revokes their own API tokens on their profile; a
token is shown once, stored only as a fingerprint, and carries its owner's rights."""

import re

from sqlalchemy import select

from lms.extensions import db
from lms.models import ApiToken, AuditEvent
from lms.people.org import add_unit
from tests.conftest import login
from tests.factories import PersonFactory


def _made(page: str) -> str:
    return re.search(r'<code class="token">(thk_[^<]+)</code>', page).group(1)


def test_make_use_and_revoke_my_token(client, cycle):
    unit = add_unit("TOK", "กองโทเค็น", "Token office")
    hr = PersonFactory(unit=unit, roles=(("hr", unit),), locale="en")
    db.session.commit()
    login(client, hr)
    assert "My API tokens" in client.get("/profile").get_data(as_text=True)
    page = client.get("/profile/tokens")
    assert "You have no token" in page.get_data(as_text=True)
    answer = client.post("/profile/tokens", data={"name": "unit dashboard", "days": "30"})
    assert answer.status_code == 200 and "no-store" in answer.headers["Cache-Control"]
    plain = _made(answer.get_data(as_text=True))
    stored = db.session.scalars(select(ApiToken).where(ApiToken.person_id == hr.id)).one()
    assert stored.token_hash != plain and plain.startswith(stored.prefix)  # a fingerprint only
    assert plain not in client.get("/profile/tokens").get_data(as_text=True)  # shown once
    assert round((stored.expires_at - stored.created_at).total_seconds() / 86400) == 30

    headers = {"Authorization": f"Bearer {plain}"}
    assert client.get("/api/v1/reports/units/TOK?cycle=2566", headers=headers).status_code == 200
    db.session.expire_all()
    assert db.session.get(ApiToken, stored.id).last_used_at is not None
    assert "<td>never</td>" not in client.get("/profile/tokens").get_data(as_text=True)

    client.post(f"/profile/tokens/{stored.id}/revoke")
    assert client.get("/api/v1/reports/units/TOK?cycle=2566", headers=headers).status_code == 401
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"create_api_token", "revoke_api_token"} <= actions


def test_bad_input_keeps_what_was_typed_and_makes_nothing(client, cycle):
    someone = PersonFactory(locale="en")
    db.session.commit()
    login(client, someone)
    empty = client.post("/profile/tokens", data={"name": "  ", "days": "90"})
    assert "Please say what the token is for" in empty.get_data(as_text=True)
    long = client.post("/profile/tokens", data={"name": "x" * 121, "days": "90"})
    assert "at most 120 characters" in long.get_data(as_text=True)
    assert 'value="' + "x" * 121 in long.get_data(as_text=True)  # what was typed stays
    odd = client.post("/profile/tokens", data={"name": "script", "days": "5000"})
    assert odd.status_code == 200 and 'id="new-token"' not in odd.get_data(as_text=True)
    assert db.session.scalar(select(ApiToken.id)) is None


def test_nobody_revokes_someone_elses_token(app, client, cycle):
    owner, other = PersonFactory(), PersonFactory()
    db.session.commit()
    login(client, owner)
    _made(
        client.post("/profile/tokens", data={"name": "mine", "days": "90"}).get_data(as_text=True)
    )
    token = db.session.scalars(select(ApiToken)).one()
    intruder = app.test_client()
    login(intruder, other)
    assert intruder.post(f"/profile/tokens/{token.id}/revoke").status_code == 404
    db.session.expire_all()
    assert db.session.get(ApiToken, token.id).revoked_at is None
    anonymous = app.test_client()
    assert anonymous.get("/profile/tokens").status_code == 302  # to the log-in page


def test_a_change_of_roles_revokes_the_tokens(client, cycle):
    """A token made for what its owner could do then does not carry what they may do now."""
    from lms.api.tokens import create_token
    from lms.models import RoleAssignment

    unit = add_unit("ROLE", "กองบทบาท")
    hr = PersonFactory(unit=unit, roles=(("hr", unit),))
    db.session.commit()
    _, plain = create_token(hr, "dashboard")
    db.session.commit()
    headers = {"Authorization": f"Bearer {plain}"}
    assert client.get("/api/v1/reports/units/ROLE?cycle=2566", headers=headers).status_code == 200
    role = db.session.scalars(select(RoleAssignment).where(RoleAssignment.person_id == hr.id)).one()
    db.session.delete(role)  # no longer HR of the unit
    db.session.commit()
    assert client.get("/api/v1/reports/units/ROLE?cycle=2566", headers=headers).status_code == 401
    assert db.session.scalars(select(ApiToken)).one().revoked_at is not None
