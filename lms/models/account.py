"""One-time ways into an account: an invitation (set a first password) or a password reset,
as an e-mailed link or a printed code. Only a SHA-256 hash of the secret is stored; each works
once and until it expires."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.extensions import db
from lms.models.common import utcnow
from lms.models.person import Person
from lms.vocab import sql_in

ACCOUNT_PURPOSES = ("invite", "reset")
ACCOUNT_KINDS = ("link", "code")


class AccountToken(db.Model):
    __tablename__ = "account_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(String(10))  # invite | reset
    kind: Mapped[str] = mapped_column(String(10))  # link (e-mailed) | code (printed)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]  # set once it worked, or when a newer one replaced it

    person: Mapped[Person] = relationship(foreign_keys=[person_id])

    __table_args__ = (
        CheckConstraint(sql_in("purpose", ACCOUNT_PURPOSES), name="purpose_known"),
        CheckConstraint(sql_in("kind", ACCOUNT_KINDS), name="kind_known"),
        Index("ix_account_tokens_person", "person_id", "purpose"),
    )
