"""Cycles: Thai fiscal years, finding the open cycle or a year's; creating one with the
framework's targets, setting its deadlines, opening and closing it (HR's year, on the web and by
`flask lms cycle ...`)."""

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from lms.audit import audit
from lms.clock import today, utcnow
from lms.extensions import db
from lms.i18n import BE_OFFSET, typed_be_date
from lms.models import (
    Cycle,
    CycleTarget,
    Framework,
    FrameworkTarget,
    Person,
)
from lms.rules import RuleError
from lms.vocab import CycleStatus

# The deadlines HR sets, in the order the year runs (evaluation_opens may stay empty: the first
# day of the year's last two months).
DEADLINES = ("assessment_due", "idp_due", "review_due", "evaluation_opens", "evaluation_due")
FIRST_YEAR, LAST_YEAR = 2560, 2700  # BE years a cycle may be made for


class CycleError(RuleError):
    """A cycle cannot be created or changed as asked (`field_errors` name the fields)."""


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


def cycle_on(day: date) -> Cycle | None:
    """The cycle whose dates hold `day` (learning done that day belongs to it)."""
    query = select(Cycle).where(Cycle.starts_on <= day, Cycle.ends_on >= day)
    return db.session.scalars(query.order_by(Cycle.be_year.desc())).first()


def frozen_until() -> date | None:
    """The last day of the newest closed cycle: no change may take effect on or before it."""
    return db.session.scalar(
        select(Cycle.ends_on)
        .where(Cycle.status == CycleStatus.CLOSED)
        .order_by(Cycle.ends_on.desc())
        .limit(1)
    )


def in_closed_year(day: date, frozen: date | None):
    """Why `day` cannot be the day a change takes effect (a lazy message), or None."""
    if frozen is None or day > frozen:
        return None
    first = frozen + timedelta(days=1)
    return _l(
        "This day falls in a closed fiscal year, whose figures no longer change: use %(day)s "
        "or later.",
        day=typed_be_date(first),
    )


def default_deadlines(be_year: int) -> dict[str, date | None]:
    """The plan's rhythm: self-assessment by end of November, IDP by end of December, review
    by mid-January, the year-end evaluation from August (empty: the default) to mid-September.
    A year made late (after 1 November) gives people the same spans from today instead of
    opening with deadlines already past: a month for the self-assessment, a month more for the
    plan, two weeks more for the review."""
    starts, ends = fiscal_year_bounds(be_year)
    ce = ends.year
    due = {
        "assessment_due": date(ce - 1, 11, 30),
        "idp_due": date(ce - 1, 12, 31),
        "review_due": date(ce, 1, 15),
        "evaluation_opens": None,
        "evaluation_due": date(ce, 9, 15),
    }
    now = today()
    if starts <= now <= ends and now + LATE_START > due["assessment_due"]:
        spans = {"assessment_due": 30, "idp_due": 61, "review_due": 76}
        last = due["evaluation_due"]
        for name, days in spans.items():
            due[name] = max(due[name], min(now + timedelta(days=days), last))
    return due


LATE_START = timedelta(days=30)  # less than this before the usual first deadline: move them


def check_deadlines(be_year: int, due: dict[str, date | None]) -> dict[str, object]:
    """What is wrong with a cycle's deadlines, by field (empty: nothing): each inside the
    fiscal year, and in the order the year runs."""
    starts, ends = fiscal_year_bounds(be_year)
    errors: dict[str, object] = {}
    for name in DEADLINES:
        day = due.get(name)
        if day is None:
            if name != "evaluation_opens":
                errors[name] = _l("Please give a date.")
        elif not starts <= day <= ends:
            errors[name] = _l(
                "Give a day in fiscal year %(year)d (1 Oct %(first)d – 30 Sep %(last)d BE).",
                year=be_year,
                first=be_year - 1,
                last=be_year,
            )
    if errors:
        return errors
    if due["idp_due"] < due["assessment_due"]:
        errors["idp_due"] = _l("The plan is due after the self-assessment: give a later day.")
    if due["review_due"] < due["idp_due"]:
        errors["review_due"] = _l("Reviews end after plans are due: give a later day.")
    opens = due.get("evaluation_opens")
    if opens is not None and opens > due["evaluation_due"]:
        errors["evaluation_opens"] = _l(
            "The evaluation opens before it is due: give an earlier day."
        )
    if due["evaluation_due"] < due["review_due"]:
        errors["evaluation_due"] = _l("The evaluation is due after the reviews: give a later day.")
    return errors


def new_cycle(
    be_year: int | None,
    framework: Framework | None,
    deadlines: dict[str, date | None] | None = None,
    *,
    by: Person | None,
) -> Cycle:
    """HR makes the cycle of fiscal year `be_year` (planned: people see it once it opens), with
    `framework`'s default targets and the deadlines given (the plan's rhythm otherwise)."""
    errors: dict[str, object] = {}
    if be_year is None or not FIRST_YEAR <= be_year <= LAST_YEAR:
        errors["be_year"] = _l(
            "Give the fiscal year in Buddhist Era, e.g. %(year)d.", year=fiscal_be_year(today())
        )
    elif cycle_by_year(be_year) is not None:
        errors["be_year"] = _l("Fiscal year %(year)d already has a cycle.", year=be_year)
    if framework is None:
        errors["framework_id"] = _l("Choose the framework the year uses.")
    if not errors:
        due = default_deadlines(be_year) | (deadlines or {})
        errors = check_deadlines(be_year, due)
    if errors:
        raise CycleError(_l("Please check the highlighted answers. Nothing was saved yet."), errors)
    cycle = create_cycle(be_year, framework, deadlines=due)
    audit("cycle_created", by, cycle, cycle=be_year, framework=framework.code)
    return cycle


def change_deadlines(cycle: Cycle, deadlines: dict[str, date | None], *, by: Person) -> Cycle:
    """HR moves the cycle's deadlines (never once it is closed)."""
    if cycle.is_closed:
        raise CycleError(
            _l("Fiscal year %(year)d is closed: its dates stay as they were.", year=cycle.be_year)
        )
    errors = check_deadlines(cycle.be_year, deadlines)
    if errors:
        raise CycleError(_l("Please check the highlighted answers. Nothing was saved yet."), errors)
    changed = {}
    for name in DEADLINES:
        if getattr(cycle, name) != deadlines.get(name):
            changed[name] = [_iso(getattr(cycle, name)), _iso(deadlines.get(name))]
            setattr(cycle, name, deadlines.get(name))
    if changed:
        audit("cycle_dates_changed", by, cycle, cycle=cycle.be_year, changed=changed)
    db.session.flush()
    return cycle


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def open_for_people(cycle: Cycle, *, by: Person | None) -> Cycle:
    """Open a planned cycle: from now on people assess themselves, plan and log learning in
    it, and it is the year their home page shows."""
    if cycle.status != CycleStatus.PLANNED:
        raise CycleError(
            _l("Fiscal year %(year)d is already open.", year=cycle.be_year)
            if cycle.is_open
            else _l(
                "Fiscal year %(year)d is closed; a closed year is not opened again.",
                year=cycle.be_year,
            )
        )
    cycle.status = CycleStatus.OPEN
    audit("cycle_opened", by, cycle, cycle=cycle.be_year)
    db.session.flush()
    return cycle


def open_past_their_end() -> list[Cycle]:
    """Open cycles whose fiscal year is over: HR should close them once the year-end
    evaluations are done."""
    return list(
        db.session.scalars(
            select(Cycle)
            .where(Cycle.status == CycleStatus.OPEN, Cycle.ends_on < today())
            .order_by(Cycle.be_year)
        )
    )


def create_cycle(
    be_year: int,
    framework: Framework,
    *,
    status: CycleStatus = CycleStatus.PLANNED,
    deadlines: dict[str, date | None] | None = None,
) -> Cycle:
    """A cycle for fiscal year `be_year`, with the framework's default targets copied in (the
    demo, `generate` and tests; HR's way in is `new_cycle`). Deadlines default to the plan's
    rhythm (`default_deadlines`)."""
    if cycle_by_year(be_year) is not None:
        raise CycleError(f"FY {be_year} already has a cycle")
    starts, ends = fiscal_year_bounds(be_year)
    due = default_deadlines(be_year) | (deadlines or {})
    for name, day in due.items():
        if day is not None and not starts <= day <= ends:
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
        raise CycleError(
            _l("Fiscal year %(year)d is not open, so it cannot be closed.", year=cycle.be_year)
        )
    cycle.status = CycleStatus.CLOSED
    cycle.closed_at = utcnow()
    audit("cycle_closed", by, cycle, cycle=cycle.be_year)
    db.session.flush()
    return cycle
