"""API tokens: made for a person (CLI or profile), stored only as a SHA-256 hash, carrying
exactly their owner's rights; a token of a deactivated person or a revoked one opens nothing."""

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import or_, select

from lms.audit import audit
from lms.clock import utcnow
from lms.extensions import db
from lms.models import ApiToken, Person

PREFIX = "thk_"
TOUCH_EVERY = timedelta(minutes=5)  # last_used_at is written at most this often


def _digest(plain: str) -> str:
    return hashlib.sha256(plain.encode("utf-8")).hexdigest()


def create_token(person: Person, name: str, by: Person | None = None) -> tuple[ApiToken, str]:
    """A new token for `person`: the row, and the plain token (shown once, never stored)."""
    plain = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        person_id=person.id, name=name[:120], token_hash=_digest(plain), prefix=plain[:12]
    )
    db.session.add(token)
    db.session.flush()
    audit("create_api_token", by or person, person, token_id=token.id, name=token.name)
    return token, plain


def person_for_token(plain: str | None) -> Person | None:
    """The active owner of a valid token, or None."""
    if not plain or not plain.startswith(PREFIX) or len(plain) > 200:
        return None
    token = db.session.scalars(
        select(ApiToken).where(ApiToken.token_hash == _digest(plain), ApiToken.revoked_at.is_(None))
    ).first()
    if token is None or not token.person.is_active:
        return None
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
        token.last_used_at = now
        db.session.commit()
    return token.person


def find_person(identifier: str) -> Person | None:
    """A person by employee number or e-mail (case-insensitive)."""
    return db.session.scalars(
        select(Person).where(
            or_(Person.employee_no == identifier, Person.email == identifier.lower())
        )
    ).first()
