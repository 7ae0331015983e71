"""Reporting lines that need HR: people still here whose supervisor has left, people with no
supervisor in the system, and people at the top of a line whom no HR officer covers (their
plans go to the administrators). Read inside the reader's own scope."""

from dataclasses import dataclass, field

from sqlalchemy import func, or_, select, true
from sqlalchemy.orm import aliased, joinedload

from lms.extensions import db
from lms.models import Person, Unit, gone, still_here
from lms.permissions import at_top_query, covered_by_hr, is_admin, scope_units
from lms.vocab import Role

SHOWN = 200  # people listed per kind; the count says how many there are


@dataclass
class LineList:
    people: list = field(default_factory=list)
    total: int = 0


@dataclass
class LinesNeedingHR:
    supervisor_left: LineList
    no_supervisor: LineList
    nobody_covers: LineList

    def __bool__(self) -> bool:
        return bool(
            self.supervisor_left.total or self.no_supervisor.total or self.nobody_covers.total
        )


def _scope(reader: Person):
    """A condition on Unit: the units `reader` looks after (every unit for an administrator)."""
    if is_admin(reader):
        return true()
    units = scope_units(reader, roles=(Role.HR,))
    return or_(*(Unit.path.startswith(u.path) for u in units)) if units else None


def _listed(condition, *joins) -> LineList:
    query = select(Person).join(Unit, Person.unit_id == Unit.id)
    for target, on in joins:
        query = query.join(target, on)
    query = query.where(still_here(), condition)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    people = db.session.scalars(
        query.options(joinedload(Person.unit), joinedload(Person.supervisor))
        .order_by(Unit.path, Person.employee_no)
        .limit(SHOWN)
    ).all()
    return LineList(people=list(people), total=total or 0)


def lines_needing_hr(reader: Person) -> LinesNeedingHR | None:
    """The three lists for `reader` (None when they look after no unit)."""
    scope = _scope(reader)
    if scope is None:
        return None
    boss = aliased(Person)
    return LinesNeedingHR(
        supervisor_left=_listed(scope & gone(boss), (boss, Person.supervisor_id == boss.id)),
        no_supervisor=_listed(scope & Person.supervisor_id.is_(None)),
        nobody_covers=_listed(scope & Person.id.in_(at_top_query()) & ~covered_by_hr()),
    )
