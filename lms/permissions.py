"""Who may see and change what: the one place it is decided.

- everyone sees and changes their own data;
- a supervisor sees their direct and indirect reports;
- HR and executives see the people and units of the subtrees they are assigned;
- admins see everything.
"""

from sqlalchemy import Select, or_, select

from lms.extensions import db
from lms.models import Person, Unit

MAX_CHAIN = 50  # a supervisor chain longer than this is a data error, not an organisation


def is_admin(person: Person) -> bool:
    return "admin" in person.role_codes()


def scope_units(person: Person, roles: tuple[str, ...] = ("hr", "executive")) -> list[Unit]:
    """The unit subtrees a person covers through scoped roles."""
    return [r.scope_unit for r in person.roles if r.role in roles and r.scope_unit is not None]


def supervises(supervisor: Person, person: Person) -> bool:
    """True when `supervisor` is above `person` in the reporting line."""
    current, steps = person.supervisor, 0
    while current is not None and steps < MAX_CHAIN:
        if current.id == supervisor.id:
            return True
        current, steps = current.supervisor, steps + 1
    return False


def has_reports(person: Person) -> bool:
    first = select(Person.id).where(Person.supervisor_id == person.id).limit(1)
    return db.session.scalar(first) is not None


def can_view_person(viewer: Person, person: Person) -> bool:
    """May `viewer` see `person`'s development data?"""
    if viewer.id == person.id or is_admin(viewer):
        return True
    if any(unit.contains(person.unit) for unit in scope_units(viewer)):
        return True
    return supervises(viewer, person)


def can_view_unit(viewer: Person, unit: Unit) -> bool:
    """May `viewer` see figures and people lists of `unit`?"""
    if is_admin(viewer):
        return True
    return any(scope.contains(unit) for scope in scope_units(viewer))


def can_browse_people(viewer: Person) -> bool:
    """Does `viewer` have a people list beyond their own team (HR, executive, admin)?"""
    return is_admin(viewer) or bool(scope_units(viewer))


def reports_query(supervisor: Person) -> Select:
    """Ids of everyone below `supervisor` in the reporting line (recursive; cycles stop)."""
    tree = (
        select(Person.id)
        .where(Person.supervisor_id == supervisor.id)
        .cte("reports", recursive=True)
    )
    tree = tree.union(select(Person.id).where(Person.supervisor_id == tree.c.id))
    return select(tree.c.id)


def visible_people_query(viewer: Person) -> Select:
    """People `viewer` may see, besides themselves, as a SELECT of Person."""
    query = select(Person).join(Person.unit)
    if is_admin(viewer):
        return query
    conditions = [Person.id.in_(reports_query(viewer))]
    for unit in scope_units(viewer):
        conditions.append(Unit.path.startswith(unit.path))
    return query.where(or_(*conditions))


def can_view_evidence(viewer: Person, owner: Person) -> bool:
    """Evidence files: the owner, their supervisors, HR of their unit, admins (not executives,
    who see figures, not people's documents)."""
    if viewer.id == owner.id or is_admin(viewer):
        return True
    if any(unit.contains(owner.unit) for unit in scope_units(viewer, roles=("hr",))):
        return True
    return supervises(viewer, owner)
