"""Assessment cycles: a Thai fiscal year with HR's deadlines and its own targets."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.extensions import db
from lms.models.common import level_check, utcnow
from lms.models.framework import Framework
from lms.vocab import CycleStatus, sql_in


class Cycle(db.Model):
    __tablename__ = "cycles"

    id: Mapped[int] = mapped_column(primary_key=True)
    be_year: Mapped[int] = mapped_column(unique=True)  # fiscal year, named by its ending BE year
    framework_id: Mapped[int] = mapped_column(ForeignKey("frameworks.id"))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    assessment_due: Mapped[date]
    idp_due: Mapped[date]
    review_due: Mapped[date]
    evaluation_due: Mapped[date]
    evaluation_opens: Mapped[date | None]  # empty: the first day of the last two months
    status: Mapped[str] = mapped_column(String(10), default=CycleStatus.PLANNED)
    closed_at: Mapped[datetime | None]

    framework: Mapped[Framework] = relationship()

    __table_args__ = (
        CheckConstraint("starts_on < ends_on", name="dates_ordered"),
        CheckConstraint(sql_in("status", CycleStatus), name="status_known"),
    )

    @property
    def is_open(self) -> bool:
        return self.status == CycleStatus.OPEN

    @property
    def evaluation_opens_on(self) -> date:
        """From this day a supervisor may finish the year-end evaluation (earlier only with a
        reason): the day HR set, or the first day of the fiscal year's last two months."""
        if self.evaluation_opens is not None:
            return self.evaluation_opens
        month = self.ends_on.month - 1 or 12
        year = self.ends_on.year - (1 if month == 12 else 0)
        return date(year, month, 1)

    @property
    def is_closed(self) -> bool:
        return self.status == CycleStatus.CLOSED

    def __repr__(self) -> str:
        return f"<Cycle FY{self.be_year} {self.status}>"


class CycleTarget(db.Model):
    """The target level a role group must reach in an area in one cycle (HR may adjust)."""

    __tablename__ = "cycle_targets"

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id", ondelete="CASCADE"))
    role_group_id: Mapped[int] = mapped_column(ForeignKey("role_groups.id"))
    area_id: Mapped[int] = mapped_column(ForeignKey("skill_areas.id"))
    level: Mapped[int]

    __table_args__ = (
        UniqueConstraint("cycle_id", "role_group_id", "area_id"),
        level_check("level"),
    )


class CycleTargetNote(db.Model):
    """Why a cycle's target for a role group in an area departs from the framework's default
    (another level, or the area added or taken away for the group): HR's words, kept beside it."""

    __tablename__ = "cycle_target_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id", ondelete="CASCADE"))
    role_group_id: Mapped[int] = mapped_column(ForeignKey("role_groups.id"))
    area_id: Mapped[int] = mapped_column(ForeignKey("skill_areas.id"))
    reason: Mapped[str] = mapped_column(Text)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("cycle_id", "role_group_id", "area_id"),)
