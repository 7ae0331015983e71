"""API tokens: made for a person (CLI or profile), stored only as a SHA-256 hash, carrying
exactly their owner's rights; a token of a deactivated person or a revoked one opens nothing."""

import hashlib
import secrets
from datetime import timedelta

from flask import current_app, request
from sqlalchemy import or_, select

from lms.audit import audit
from lms.clock import utcnow
from lms.extensions import db, limiter
from lms.models import ApiToken, Person

PREFIX = "thk_"
TOUCH_EVERY = timedelta(minutes=5)  # last_used_at is written at most this often
DEFAULT_DAYS = 90  # a token ends by itself; a new one is made for a longer need
MAX_DAYS = 366


def _digest(plain: str) -> str:
    return hashlib.sha256(plain.encode("utf-8")).hexdigest()


SCOPES = ("read", "write")


def create_token(
    person: Person,
    name: str,
    by: Person | None = None,
    days: int = DEFAULT_DAYS,
    scope: str = "read",
) -> tuple[ApiToken, str]:
    """A new token for `person`, valid `days` days (1 to MAX_DAYS), reading only or also
    writing (`scope`): the row, and the plain token (shown once, never stored)."""
    if not 1 <= days <= MAX_DAYS:
        raise ValueError(f"A token lives 1 to {MAX_DAYS} days.")
    if scope not in SCOPES:
        raise ValueError(f"A token's scope is one of {SCOPES}.")
    plain = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        person_id=person.id,
        name=name[:120],
        token_hash=_digest(plain),
        prefix=plain[:12],
        expires_at=utcnow() + timedelta(days=days),
        scope=scope,
    )
    db.session.add(token)
    db.session.flush()
    audit(
        "create_api_token",
        by or person,
        person,
        token_id=token.id,
        name=token.name,
        days=days,
        scope=scope,
    )
    return token, plain


def tokens_of(person: Person) -> list[ApiToken]:
    """`person`'s tokens, newest first (revoked and expired ones too, for the record)."""
    query = select(ApiToken).where(ApiToken.person_id == person.id)
    return list(db.session.scalars(query.order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def token_state(token: ApiToken) -> str:
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at is not None and token.expires_at <= utcnow():
        return "expired"
    return "active"


def revoke_token(token: ApiToken, *, by: Person | None) -> bool:
    """End a token now; False when it had already ended."""
    if token_state(token) != "active":
        return False
    token.revoked_at = utcnow()
    audit("revoke_api_token", by, token.person, token_id=token.id, name=token.name)
    return True


def token_for(plain: str | None) -> ApiToken | None:
    """A valid token of an active owner (its last use noted), or None."""
    if not plain or not plain.startswith(PREFIX) or len(plain) > 200:
        return None
    now = utcnow()
    token = db.session.scalars(
        select(ApiToken).where(
            ApiToken.token_hash == _digest(plain),
            ApiToken.revoked_at.is_(None),
            or_(ApiToken.expires_at.is_(None), ApiToken.expires_at > now),
        )
    ).first()
    if token is None or not token.person.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
        token.last_used_at = now
        db.session.commit()
    return token


def find_person(identifier: str) -> Person | None:
    """A person by employee number or e-mail (case-insensitive)."""
    return db.session.scalars(
        select(Person).where(
            or_(Person.employee_no == identifier, Person.email == identifier.lower())
        )
    ).first()


def limit_per_credential(blueprint, prefix: str) -> None:
    """API_RATE_LIMIT calls per credential sent (a token, a provider's key; 429 past it, JSON
    like every API error), counted by a fingerprint of the Authorization header, never the
    credential itself: one program in a loop cannot keep the workers busy for everyone else."""

    def key() -> str:
        sent = request.headers.get("Authorization", "")
        return f"{prefix}:" + hashlib.sha256(sent.encode("utf-8", "replace")).hexdigest()[:32]

    limiter.limit(lambda: current_app.config["API_RATE_LIMIT"], key_func=key)(blueprint)
