"""The demo organisation: the International Affairs Office of the seed study (~30 people).

Deterministic (a fixed random seed), idempotent (a second run changes nothing), and never part
of `flask lms init`: the five demo log-ins share a published password. Built through the same
services and plan workflow as the app.
"""

import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import select, update

from lms.auth.services import hash_password
from lms.clock import frozen_at, today
from lms.cycles import close_cycle, create_cycle, fiscal_be_year
from lms.delegations.services import delegate_review
from lms.demo.interchange import completions_arrive
from lms.demo.names import FIRST, LAST
from lms.demo.organisation import PEOPLE, UNITS, assess_everyone
from lms.demo.plans import build_demo_learning
from lms.demo.timeline import past
from lms.extensions import db
from lms.models import Framework, Notification, Person, RoleGroup
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
            since=date(today().year - 6, 10, 1),
            roles=tuple((role, units[scope] if scope else None) for role, scope in roles),
            employee_no=f"D{index + 1:04d}",
            email=f"{login}@demo.local" if login else f"person{index + 1:02d}@demo.local",
            name_th=f"{first_th} {last_th}",
            name_en=f"{first_en} {last_en}",
            position_th=position,
            role_group_id=groups[group].id,
            supervisor=people[boss] if boss is not None and boss < index else None,
            password_hash=password_hash if login else None,
        )
        people.append(person)
    for person, row in zip(people, PEOPLE, strict=True):
        boss = row[4]
        if boss is not None and person.supervisor is None:  # reports to someone listed later
            person.supervisor = people[boss]

    # The demo lives in the current fiscal year, with last year closed behind it. Both cycles
    # are open while the ratings are written, as they were in real life.
    year = fiscal_be_year(today())
    closed = create_cycle(year - 1, framework, status=CycleStatus.OPEN)
    current = create_cycle(year, framework, status=CycleStatus.OPEN)
    assess_everyone(people, closed, current, rng)
    build_demo_learning(people, closed, current, rng)
    with frozen_at(past(datetime.combine(current.starts_on, time(9)))):
        close_cycle(closed, by=None)
    _plan_leave(people)
    completions_arrive(people, current)
    _seen_before(today() - timedelta(days=14))
    db.session.flush()
    return True


def _seen_before(day: date) -> None:
    """People read their notifications: those older than `day` are marked read."""
    db.session.execute(
        update(Notification)
        .where(Notification.created_at < datetime.combine(day, time(0)))
        .values(read_at=Notification.created_at)
    )


def _plan_leave(people: list[Person]) -> None:
    """The division director of the demo log-in goes on leave next month: a hand-over."""
    supervisor = next(p for p in people if p.email == "supervisor@demo.local")
    deputy = next(
        p for p in people if p.supervisor_id == supervisor.id and p.email != "staff@demo.local"
    )
    start = today() + timedelta(days=21)
    delegate_review(
        supervisor,
        deputy,
        start,
        start + timedelta(days=9),
        by=supervisor,
        note="ลาพักผ่อนประจำปี",
    )
