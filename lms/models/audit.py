"""The audit log (approvals, role changes, imports, exports, log-ins) and API tokens."""

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, event, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from lms.extensions import db
from lms.models.common import utcnow
from lms.models.org import Unit
from lms.models.person import Person, RoleAssignment


class AuditEvent(db.Model):
    """Who did what, to whom, when. Append-only: the application never changes or removes a
    row, and on PostgreSQL the table refuses it (migration d0f2a4b6c8e1)."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    action: Mapped[str] = mapped_column(String(60))
    target_type: Mapped[str | None] = mapped_column(String(40))
    target_id: Mapped[int | None]
    # whom it is about (the person, or the owner of the plan, assessment or activity) and the
    # unit they were in then (for an event about a unit, that unit): HR's scope of the log
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    ip: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    actor: Mapped[Person | None] = relationship(foreign_keys=[actor_id])
    subject: Mapped[Person | None] = relationship(foreign_keys=[subject_id])
    unit: Mapped[Unit | None] = relationship()

    __table_args__ = (
        Index("ix_audit_events_created", "created_at"),
        Index("ix_audit_events_target", "target_type", "target_id"),
        Index("ix_audit_events_unit", "unit_id", "id"),
        Index("ix_audit_events_subject", "subject_id", "id"),
        Index("ix_audit_events_actor", "actor_id", "id"),
        Index("ix_audit_events_action", "action", "id"),
    )


class ApiToken(db.Model):
    """A bearer token with its owner's rights; only its SHA-256 hash is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(120))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]  # None: never (older tokens); new ones get an expiry
    # "read": reading only (GET); "write": also what its owner may change (never more)
    scope: Mapped[str] = mapped_column(String(5), default="read", server_default="read")

    person: Mapped[Person] = relationship()

    __table_args__ = (CheckConstraint("scope IN ('read', 'write')", name="scope_known"),)


@event.listens_for(Session, "before_flush")
def _end_tokens_on_role_changes(session, _context, _instances) -> None:
    """A change of someone's roles revokes their API tokens, as it ends their sessions: a token
    made for what they could do then must not carry what they may do now (or no longer)."""
    people = {
        obj.person_id
        for obj in list(session.new) + list(session.deleted)
        if isinstance(obj, RoleAssignment) and obj.person_id is not None
    }
    if not people:
        return
    with session.no_autoflush:
        for token in session.scalars(
            select(ApiToken).where(
                ApiToken.person_id.in_(sorted(people)), ApiToken.revoked_at.is_(None)
            )
        ):
            token.revoked_at = utcnow()
