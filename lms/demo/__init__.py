"""The demo organisation: the International Affairs Office of the seed study (~30 people).

Deterministic (a fixed random seed), idempotent (a second run changes nothing), and never part
of `flask lms init`: the five demo log-ins share a published password. Built through the same
services and plan workflow as the app.
"""

import random
from datetime import date, datetime

from sqlalchemy import select

from lms.auth.services import hash_password
from lms.clock import frozen_at
from lms.cycles import close_cycle, create_cycle
from lms.demo.organisation import FIRST, LAST, PEOPLE, UNITS, assess_everyone
from lms.demo.plans import build_demo_learning
from lms.extensions import db
from lms.models import Framework, Person, RoleGroup
from lms.people.org import add_person, add_unit, unit_by_code
from lms.vocab import CycleStatus

DEMO_PASSWORD = "demo-password"  # noqa: S105 - demo only, published in the README
SEED = 2565


def build_demo() -> bool:
    """Create the demo organisation; False (and nothing changed) when it exists already."""
    if db.session.scalars(select(Person.id).where(Person.email == "staff@demo.local")).first():
        return False
    framework = db.session.scalars(select(Framework).where(Framework.code == "OCSC-2560")).first()
    if framework is None:
        raise RuntimeError("Content is not loaded: run 'flask lms init' first.")
    rng = random.Random(SEED)
    units = {}
    for code, name_th, name_en, parent in UNITS:
        units[code] = unit_by_code(code) or add_unit(code, name_th, name_en, units.get(parent))
    groups = {g.code: g for g in db.session.scalars(select(RoleGroup))}
    password_hash = hash_password(DEMO_PASSWORD)

    people: list[Person] = []
    for index, (login, unit_code, group, position, boss, roles) in enumerate(PEOPLE):
        first_th, first_en = FIRST[index % len(FIRST)]
        last_th, last_en = LAST[(index * 5) % len(LAST)]
        person = add_person(
            unit=units[unit_code],
            since=date(2020, 10, 1),
            roles=tuple((role, units[scope] if scope else None) for role, scope in roles),
            employee_no=f"D{index + 1:04d}",
            email=f"{login}@demo.local" if login else f"person{index + 1:02d}@demo.local",
            name_th=f"{first_th} {last_th}",
            name_en=f"{first_en} {last_en}",
            position_th=position,
            role_group_id=groups[group].id,
            supervisor=people[boss] if boss is not None else None,
            password_hash=password_hash if login else None,
        )
        people.append(person)

    # Both cycles are open while the ratings are written, as they were in real life.
    closed = create_cycle(2565, framework, status=CycleStatus.OPEN)
    current = create_cycle(2566, framework, status=CycleStatus.OPEN)
    assess_everyone(people, closed, current, rng)
    build_demo_learning(people, closed, current, rng)
    with frozen_at(datetime(2022, 10, 1, 9, 0)):
        close_cycle(closed, by=None)
    db.session.flush()
    return True
