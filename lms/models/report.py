"""The report summary: section 5's figures kept ready, exact, in the same transaction as the
changes they follow (`lms.reports.upkeep` keeps them; `lms.reports.summary` rebuilds them).

Two levels:
- per person and cycle (`report_people`, `report_areas`): what one counted person contributes,
  in the unit and role group they count in on the cycle's reference day;
- per unit, role group and cycle (`report_units`, `report_unit_areas`): the sums of those rows,
  so a subtree's report adds up a few rows per unit, whatever its headcount.
Every sum is additive (counts and integer sums of levels), so averages are exact.

Hours per person (bands and the median) are not additive: `report_hours` keeps, per unit
*subtree*, how many people logged each number of hours (in tenths), so a report reads its
unit's few hundred distinct values instead of every person below it.
"""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from lms.extensions import db
from lms.models.common import utcnow

HOURS = Numeric(14, 1)
ALL_GROUPS = 0


class ReportState(db.Model):
    """How far a cycle's summary is up to date: the reference day its memberships were read on."""

    __tablename__ = "report_state"

    cycle_id: Mapped[int] = mapped_column(
        ForeignKey("cycles.id", ondelete="CASCADE"), primary_key=True
    )
    reference_day: Mapped[date]
    rebuilt_at: Mapped[datetime] = mapped_column(default=utcnow)
    stale_since: Mapped[datetime | None]  # a change waits for a queued rebuild since then


class ReportPerson(db.Model):
    """One counted person in one cycle (people who do not count have no row)."""

    __tablename__ = "report_people"

    cycle_id: Mapped[int] = mapped_column(
        ForeignKey("cycles.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    unit_id: Mapped[int]  # derived rows: no foreign-key checks on a million-row rebuild
    role_group_id: Mapped[int]
    self_assessed: Mapped[int]  # 1 or 0
    idp_status: Mapped[str] = mapped_column(String(12))  # "none" without a plan
    activities: Mapped[int]
    hours_70: Mapped[Decimal] = mapped_column(HOURS)
    hours_20: Mapped[Decimal] = mapped_column(HOURS)
    hours_10: Mapped[Decimal] = mapped_column(HOURS)
    courses_completed: Mapped[int]
    # the year-end: 1 or 0 each (the self-evaluation sent, the supervisor's evaluation done)
    self_evaluated: Mapped[int] = mapped_column(default=0)
    evaluated: Mapped[int] = mapped_column(default=0)
    # goals of an evaluated plan, by the supervisor's outcome
    goals_evaluated: Mapped[int] = mapped_column(default=0)
    goals_achieved: Mapped[int] = mapped_column(default=0)
    goals_partly: Mapped[int] = mapped_column(default=0)
    goals_not_achieved: Mapped[int] = mapped_column(default=0)
    # learning a reviewer verified, and recognised as applied at work
    verified_activities: Mapped[int] = mapped_column(default=0)
    applied_activities: Mapped[int] = mapped_column(default=0)
    verified_hours: Mapped[Decimal] = mapped_column(HOURS, default=0)

    __table_args__ = (Index("ix_report_people_cycle_unit", "cycle_id", "unit_id"),)


class ReportArea(db.Model):
    """One counted person's submitted self-rating and supervisor rating of an area in a cycle
    (a row only where either exists); `target` is NULL where the area does not apply."""

    __tablename__ = "report_areas"

    cycle_id: Mapped[int] = mapped_column(
        ForeignKey("cycles.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    area_id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int]  # derived rows: no foreign-key checks on a million-row rebuild
    role_group_id: Mapped[int]
    level: Mapped[int | None]
    target: Mapped[int | None]
    supervisor_level: Mapped[int | None]


class ReportUnit(db.Model):
    """The people figures of one unit (not its subtree) and role group in a cycle."""

    __tablename__ = "report_units"

    cycle_id: Mapped[int] = mapped_column(
        ForeignKey("cycles.id", ondelete="CASCADE"), primary_key=True
    )
    # ALL_GROUPS (0) holds the unit's total over every role group: the report without a
    # role-group filter reads one row per unit, not one per unit and group (the key's order
    # makes that one index range).
    role_group_id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)
    headcount: Mapped[int] = mapped_column(default=0)
    self_assessed: Mapped[int] = mapped_column(default=0)
    idp_submitted: Mapped[int] = mapped_column(default=0)
    idp_approved: Mapped[int] = mapped_column(default=0)
    idp_completed: Mapped[int] = mapped_column(default=0)
    developing: Mapped[int] = mapped_column(default=0)
    activities: Mapped[int] = mapped_column(default=0)
    hours_70: Mapped[Decimal] = mapped_column(HOURS, default=0)
    hours_20: Mapped[Decimal] = mapped_column(HOURS, default=0)
    hours_10: Mapped[Decimal] = mapped_column(HOURS, default=0)
    courses_completed: Mapped[int] = mapped_column(default=0)
    self_evaluated: Mapped[int] = mapped_column(default=0)
    evaluated: Mapped[int] = mapped_column(default=0)
    goals_evaluated: Mapped[int] = mapped_column(default=0)
    goals_achieved: Mapped[int] = mapped_column(default=0)
    goals_partly: Mapped[int] = mapped_column(default=0)
    goals_not_achieved: Mapped[int] = mapped_column(default=0)
    verified: Mapped[int] = mapped_column(default=0)  # people with verified learning
    verified_activities: Mapped[int] = mapped_column(default=0)
    applied_at_work: Mapped[int] = mapped_column(default=0)  # people with learning applied
    applied_activities: Mapped[int] = mapped_column(default=0)
    verified_hours: Mapped[Decimal] = mapped_column(HOURS, default=0)


class ReportHours(db.Model):
    """How many counted people of a unit's whole subtree (the unit and every unit below it)
    and role group logged `tenths` tenths of an hour in a cycle, zero included: the bands and
    the exact median of hours per person, read from a few hundred rows at any level. A person
    adds one to the row of each unit on their unit's path (and of ALL_GROUPS)."""

    __tablename__ = "report_hours"

    cycle_id: Mapped[int] = mapped_column(
        ForeignKey("cycles.id", ondelete="CASCADE"), primary_key=True
    )
    role_group_id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(primary_key=True)  # derived: no foreign-key check
    tenths: Mapped[int] = mapped_column(primary_key=True)
    people: Mapped[int] = mapped_column(default=0)


class ReportUnitArea(db.Model):
    """The skill-area sums of one unit and role group in a cycle, over applicable areas only."""

    __tablename__ = "report_unit_areas"

    cycle_id: Mapped[int] = mapped_column(
        ForeignKey("cycles.id", ondelete="CASCADE"), primary_key=True
    )
    # ALL_GROUPS (0) holds the unit's total over every role group: the report without a
    # role-group filter reads one row per unit, not one per unit and group (the key's order
    # makes that one index range).
    role_group_id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("skill_areas.id"), primary_key=True)
    assessed: Mapped[int] = mapped_column(default=0)
    level_sum: Mapped[int] = mapped_column(default=0)
    target_sum: Mapped[int] = mapped_column(default=0)
    gap_sum: Mapped[int] = mapped_column(default=0)
    meeting: Mapped[int] = mapped_column(default=0)
    supervisor_rated: Mapped[int] = mapped_column(default=0)
    supervisor_sum: Mapped[int] = mapped_column(default=0)
    both_rated: Mapped[int] = mapped_column(default=0)
    difference_sum: Mapped[int] = mapped_column(default=0)  # self - supervisor, where both
