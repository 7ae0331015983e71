"""Cycles: Thai fiscal years, finding the open cycle or a year's, creating one with the
framework's targets, closing it."""

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from lms.audit import audit
from lms.clock import utcnow
from lms.extensions import db
from lms.i18n import BE_OFFSET
from lms.models import (
    Cycle,
    CycleTarget,
    Framework,
    FrameworkTarget,
    Person,
)
from lms.vocab import CycleStatus


class CycleError(ValueError):
    """A cycle cannot be created or changed as asked."""


def fiscal_year_bounds(be_year: int) -> tuple[date, date]:
    """First and last day of the Thai fiscal year named `be_year` (1 Oct - 30 Sep)."""
    ce_end = be_year - BE_OFFSET
    return date(ce_end - 1, 10, 1), date(ce_end, 9, 30)


def fiscal_be_year(day: date) -> int:
    """The fiscal year (BE) that `day` falls in."""
    return day.year + BE_OFFSET + (1 if day.month >= 10 else 0)


def cycle_or_404(be_year: int) -> Cycle:
    """The cycle of fiscal year `be_year`, or a 404 page for views."""
    return db.first_or_404(
        select(Cycle).where(Cycle.be_year == be_year).options(joinedload(Cycle.framework))
    )


def open_cycle() -> Cycle | None:
    """The open cycle (the latest one, should HR have opened two)."""
    return db.session.scalars(
        select(Cycle)
        .where(Cycle.status == CycleStatus.OPEN)
        .order_by(Cycle.be_year.desc())
        .options(joinedload(Cycle.framework))
    ).first()


def cycle_by_year(be_year: int) -> Cycle | None:
    return db.session.scalars(select(Cycle).where(Cycle.be_year == be_year)).first()


def create_cycle(
    be_year: int,
    framework: Framework,
    *,
    status: CycleStatus = CycleStatus.PLANNED,
    deadlines: dict[str, date] | None = None,
) -> Cycle:
    """A cycle for fiscal year `be_year`, with the framework's default targets copied in.

    Deadlines default to the plan's rhythm: self-assessment by end of November, IDP by end of
    December, review by mid-January, evaluation by mid-September.
    """
    if cycle_by_year(be_year) is not None:
        raise CycleError(f"FY {be_year} already has a cycle")
    starts, ends = fiscal_year_bounds(be_year)
    ce = ends.year
    due = {
        "assessment_due": date(ce - 1, 11, 30),
        "idp_due": date(ce - 1, 12, 31),
        "review_due": date(ce, 1, 15),
        "evaluation_due": date(ce, 9, 15),
    } | (deadlines or {})
    for name, day in due.items():
        if not starts <= day <= ends:
            raise CycleError(f"{name} {day} is outside FY {be_year}")
    cycle = Cycle(
        be_year=be_year, framework=framework, starts_on=starts, ends_on=ends, status=status, **due
    )
    db.session.add(cycle)
    db.session.flush()
    for target in db.session.scalars(
        select(FrameworkTarget).where(FrameworkTarget.framework_id == framework.id)
    ):
        db.session.add(
            CycleTarget(
                cycle_id=cycle.id,
                role_group_id=target.role_group_id,
                area_id=target.area_id,
                level=target.level,
            )
        )
    db.session.flush()
    return cycle


def close_cycle(cycle: Cycle, *, by: Person | None) -> Cycle:
    """Close an open cycle: its assessments, plans and learning log no longer change."""
    if cycle.status != CycleStatus.OPEN:
        raise CycleError(f"FY {cycle.be_year} is not open")
    cycle.status = CycleStatus.CLOSED
    cycle.closed_at = utcnow()
    audit("cycle_closed", by, cycle, cycle=cycle.be_year)
    db.session.flush()
    return cycle
