"""Building the organisation: units with their paths, people with their unit history."""

from datetime import date

from sqlalchemy import select

from lms.extensions import db
from lms.models import Person, RoleAssignment, Unit, UnitMembership


def add_unit(
    code: str, name_th: str, name_en: str | None = None, parent: Unit | None = None
) -> Unit:
    """A new unit under `parent`, with its materialised path set."""
    unit = Unit(code=code, name_th=name_th, name_en=name_en, parent=parent)
    db.session.add(unit)
    db.session.flush()
    unit.path = (parent.path if parent else "/") + f"{unit.id}/"
    unit.depth = parent.depth + 1 if parent else 0
    return unit


def unit_by_code(code: str) -> Unit | None:
    return db.session.scalars(select(Unit).where(Unit.code == code)).first()


def add_person(
    *, unit: Unit, since: date, roles: tuple[tuple[str, Unit | None], ...] = (), **fields
) -> Person:
    """A new person in `unit` from `since`, with roles as (role, scope unit) pairs."""
    person = Person(unit=unit, **fields)
    db.session.add(person)
    db.session.flush()
    db.session.add(
        UnitMembership(
            person_id=person.id,
            unit_id=unit.id,
            role_group_id=person.role_group_id,
            valid_from=since,
        )
    )
    for role, scope in roles:
        person.roles.append(RoleAssignment(role=role, scope_unit=scope))
    return person


def move_person(person: Person, unit: Unit, on: date, role_group_id: int | None = None) -> None:
    """Move `person` to `unit` from `on`, closing their current membership (history is kept)."""
    current = db.session.scalars(
        select(UnitMembership).where(
            UnitMembership.person_id == person.id, UnitMembership.valid_to.is_(None)
        )
    ).first()
    if current is not None:
        current.valid_to = on
    person.unit = unit
    if role_group_id is not None:
        person.role_group_id = role_group_id
    db.session.add(
        UnitMembership(
            person_id=person.id, unit_id=unit.id, role_group_id=person.role_group_id, valid_from=on
        )
    )
    db.session.flush()
