"""Who counted where: the one query that places people for a cycle's reports (PRODUCT.md 5).

A person counts in the unit they belonged to on the cycle's reference day (its last day; today
while it is still running) and with the role group they had then; people deactivated before
that day do not count. Everything in `lms.reports` stands on this query.
"""

from datetime import date

from sqlalchemy import CompoundSelect, Select, and_, or_, select
from sqlalchemy.orm import aliased

from lms.clock import today
from lms.models import Cycle, Person, Unit, UnitMembership


def reference_day(cycle: Cycle) -> date:
    """The day a cycle's population is read on: its last day, or today while it runs."""
    if cycle.is_closed:
        return cycle.ends_on
    return max(cycle.starts_on, min(today(), cycle.ends_on))


def population(day: date, person_ids=None, within: Unit | None = None) -> Select:
    """(person_id, unit_id, role_group_id) of everyone counted on `day`; `person_ids` (a list
    or a SELECT of ids) narrows it to some people, `within` to one unit subtree."""
    later = aliased(UnitMembership)
    newer_in_force = (
        select(later.id)
        .where(
            later.person_id == UnitMembership.person_id,
            later.valid_from <= day,
            later.valid_from > UnitMembership.valid_from,
        )
        .exists()
    )
    query = (
        select(
            Person.id.label("person_id"),
            UnitMembership.unit_id.label("unit_id"),
            UnitMembership.role_group_id.label("role_group_id"),
        )
        .join(UnitMembership, UnitMembership.person_id == Person.id)
        .where(
            UnitMembership.valid_from <= day,
            or_(UnitMembership.valid_to.is_(None), UnitMembership.valid_to > day),
            # should memberships overlap (bad data), the one that began last wins
            ~newer_in_force,
            or_(Person.deactivated_on.is_(None), Person.deactivated_on >= day),
        )
    )
    if person_ids is not None:
        query = query.where(Person.id.in_(person_ids))
    if within is not None:
        query = query.join(Unit, Unit.id == UnitMembership.unit_id).where(
            Unit.path.startswith(within.path)
        )
    return query


def placed_between(start: date, end: date) -> CompoundSelect:
    """Ids of people whose placement may differ between day `start` and day `end` (a move,
    a new membership or a deactivation in between): what a running cycle's summary must
    re-read when its reference day moves on."""
    lo, hi = min(start, end), max(start, end)
    moved = select(UnitMembership.person_id).where(
        or_(
            and_(UnitMembership.valid_from > lo, UnitMembership.valid_from <= hi),
            and_(UnitMembership.valid_to > lo, UnitMembership.valid_to <= hi),
        )
    )
    left = select(Person.id).where(Person.deactivated_on >= lo, Person.deactivated_on <= hi)
    return moved.union(left)
