"""permissions.py answers "whom may X see" twice: a Python predicate for one person and a SQL
scope for lists. On generated organisations the two must agree for every viewer."""

import random
from datetime import timedelta

import pytest
from sqlalchemy import select

from lms.clock import today
from lms.extensions import db
from lms.models import CircleInLine, Delegation, Person
from lms.permissions import can_view_person, visible_people_query
from tests.factories import PersonFactory, UnitFactory


def generate_organisation(seed: int, people: int = 40) -> list[Person]:
    """A random unit tree (3 levels), reporting lines, and HR/executive/admin roles."""
    rng = random.Random(seed)
    root = UnitFactory(code=f"R{seed}")
    units = [root]
    for _ in range(rng.randint(3, 7)):
        units.append(UnitFactory(parent=rng.choice(units)))
    everyone: list[Person] = []
    for _ in range(people):
        roles = []
        draw = rng.random()
        if draw < 0.08:
            roles.append(("hr", rng.choice(units)))
        elif draw < 0.14:
            roles.append(("executive", rng.choice(units)))
        elif draw < 0.17:
            roles.append(("admin", None))
        boss = rng.choice(everyone) if everyone and rng.random() < 0.85 else None
        everyone.append(PersonFactory(unit=rng.choice(units), supervisor=boss, roles=tuple(roles)))
    if rng.random() < 0.5:  # now and then a supervisor who would make a circle: refused
        try:
            with db.session.begin_nested():
                everyone[0].supervisor = everyone[-1]
                db.session.flush()
        except CircleInLine:
            db.session.expire_all()
    for _ in range(4):  # supervisors on leave: some stand-ins running today, some past
        delegator, delegate = rng.sample(everyone, 2)
        start = today() + timedelta(days=rng.choice((-10, -3, 0, 5)))
        db.session.add(
            Delegation(
                delegator_id=delegator.id,
                delegate_id=delegate.id,
                starts_on=start,
                ends_on=start + timedelta(days=rng.choice((0, 2, 14))),
            )
        )
    db.session.commit()
    return everyone


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_sql_scope_and_the_predicate_agree_on_every_viewer(seed):
    everyone = generate_organisation(seed)
    for viewer in everyone:
        in_sql = set(db.session.scalars(visible_people_query(viewer).with_only_columns(Person.id)))
        in_sql.add(viewer.id)  # everyone sees themselves
        by_predicate = {p.id for p in everyone if can_view_person(viewer, p)}
        assert in_sql == by_predicate, viewer.employee_no


def test_the_generated_organisation_has_every_kind_of_viewer():
    everyone = generate_organisation(2)
    roles = {r.role for p in everyone for r in p.roles}
    assert {"hr", "executive"} <= roles
    assert any(p.supervisor_id for p in everyone)
    assert db.session.scalar(select(Person.id).where(Person.supervisor_id.is_(None))) is not None
