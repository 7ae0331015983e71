"""The one-page view of a subtree for HR and executives: readiness (and per track of the BMA
plan), coverage, the biggest gaps, the units falling behind, and the people recognised for
applying skills at work."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from lms.extensions import db
from lms.models import Cycle, LearningActivity, Person, Track, Unit, still_here
from lms.reports.queries import ChildFigures, UnitReport, readiness_by_track, unit_report

BEHIND_POINTS = 0.10  # a child unit this far under its parent's coverage is "behind"
SHOWN = 5


@dataclass(frozen=True)
class Recognition:
    person: Person
    unit: Unit
    title: str
    on: date


@dataclass(frozen=True)
class Overview:
    report: UnitReport
    behind: list[ChildFigures]
    recognised: list[Recognition]
    tracks: list[tuple[Track, float | None, int]]  # readiness per track of the BMA plan


def overview(unit: Unit, cycle: Cycle) -> Overview:
    """The subtree's overview in `cycle` (call `ensure_summary` and commit first)."""
    report = unit_report(unit, cycle, with_hours=False)
    mine = report.figures.self_assessed_rate or 0.0
    behind = sorted(
        (
            child
            for child in report.children
            if child.figures.headcount
            and (child.figures.self_assessed_rate or 0.0) < mine - BEHIND_POINTS
        ),
        key=lambda child: child.figures.self_assessed_rate or 0.0,
    )[:SHOWN]
    previous = [report.previous_cycle.id] if report.previous_cycle else []
    rows = db.session.execute(
        select(LearningActivity.title, LearningActivity.occurred_on, Person, Unit)
        .join(Person, Person.id == LearningActivity.person_id)
        .join(Unit, Unit.id == Person.unit_id)
        .where(  # the latest, this year or the one before: recognition is news
            LearningActivity.cycle_id.in_([cycle.id, *previous]),
            LearningActivity.applied_at_work,  # as the partial index says it
            Unit.path.startswith(unit.path),
            still_here(),
        )
        .order_by(LearningActivity.verified_at.desc(), LearningActivity.id.desc())
        .limit(SHOWN)
    ).all()
    recognised = [Recognition(r.Person, r.Unit, r.title, r.occurred_on) for r in rows]
    return Overview(report, behind, recognised, readiness_by_track(unit, cycle))
