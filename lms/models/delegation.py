"""Review delegated by a supervisor on leave to someone else for a range of days."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.extensions import db
from lms.models.common import utcnow
from lms.models.person import Person


class Delegation(db.Model):
    """From `starts_on` to `ends_on` (both included) `delegate` reviews for `delegator`:
    the plans, activities and evaluations of everyone below the delegator."""

    __tablename__ = "delegations"

    id: Mapped[int] = mapped_column(primary_key=True)
    delegator_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    delegate_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    cancelled_at: Mapped[datetime | None]

    delegator: Mapped[Person] = relationship(foreign_keys=[delegator_id])
    delegate: Mapped[Person] = relationship(foreign_keys=[delegate_id])

    __table_args__ = (
        CheckConstraint("starts_on <= ends_on", name="dates_ordered"),
        CheckConstraint("delegator_id <> delegate_id", name="not_self"),
        Index("ix_delegations_delegate_dates", "delegate_id", "ends_on"),
        Index("ix_delegations_delegator", "delegator_id"),
    )

    def active_on(self, day: date) -> bool:
        return self.cancelled_at is None and self.starts_on <= day <= self.ends_on
