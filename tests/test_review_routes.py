"""Who reviews whom is decided once (lms/permissions/reviews.py): the route a plan takes, the
pool of inboxes it waits in, the predicate "may act on it" and the SQL behind inboxes. On
generated organisations — people who left at any depth, delegations running and ended, HR who
left, circles — the SQL and the Python agree, and every plan sent waits in its reviewer's inbox."""

import random
from datetime import timedelta

import pytest
from sqlalchemy import select

from lms.clock import today, utcnow
from lms.extensions import db
from lms.inbox.services import inbox
from lms.models import CircleInLine, Delegation, Person, Plan
from lms.permissions import (
    can_review_plans_of,
    escalated_to_query,
    escalation_route,
    review_route,
    reviewable_query,
    waiting_for_query,
)
from lms.vocab import PlanStatus
from tests.factories import PersonFactory, UnitFactory


def _leave(person: Person, days_ago: int = 3) -> None:
    person.deactivated_on = today() - timedelta(days=days_ago)


def _send(person: Person, cycle, days_ago: int = 0) -> Plan:
    plan = Plan(
        person_id=person.id,
        cycle_id=cycle.id,
        status=PlanStatus.SUBMITTED,
        submitted_at=utcnow() - timedelta(days=days_ago),
    )
    db.session.add(plan)
    db.session.commit()
    return plan


def _waiting_ids(reviewer: Person) -> set[int]:
    return {plan.id for plan in inbox(reviewer).plans}


# -- the two routes that went nowhere visible -----------------------------------------------------


def test_a_top_plan_whose_only_hr_left_waits_in_the_administrators_inbox(cycle):
    unit = UnitFactory()
    head = PersonFactory(unit=unit, group="MGMT")
    hr = PersonFactory(unit=UnitFactory(), roles=(("hr", unit),))
    admin = PersonFactory(unit=UnitFactory(), roles=(("admin", None),))
    _leave(hr)
    db.session.commit()
    route = review_route(head)
    assert (route.via, route.reviewer) == ("admin", admin)
    plan = _send(head, cycle)
    assert plan.id in _waiting_ids(admin)
    assert can_review_plans_of(admin, head) and not can_review_plans_of(hr, head)


def test_two_supervisors_in_a_row_who_left_pass_the_plan_to_the_next_one_up(cycle):
    director = PersonFactory()
    head = PersonFactory(supervisor=director)
    lead = PersonFactory(supervisor=head)
    owner = PersonFactory(supervisor=lead)
    _leave(lead)
    _leave(head, days_ago=30)
    db.session.commit()
    assert review_route(owner).reviewer == director
    plan = _send(owner, cycle)
    assert plan.id in _waiting_ids(director)


def test_with_everyone_above_gone_the_plan_goes_to_hr_not_into_nowhere(cycle):
    unit = UnitFactory()
    boss = PersonFactory(unit=unit)
    owner = PersonFactory(unit=unit, supervisor=boss)
    hr = PersonFactory(unit=UnitFactory(), roles=(("hr", unit),))
    _leave(boss)
    db.session.commit()
    assert (review_route(owner).via, review_route(owner).reviewer) == ("hr", hr)
    assert _send(owner, cycle).id in _waiting_ids(hr)


def test_a_plan_waiting_too_long_comes_up_to_whoever_reviews_the_supervisor(cycle):
    director = PersonFactory()
    head = PersonFactory(supervisor=director)
    lead = PersonFactory(supervisor=head)
    owner = PersonFactory(supervisor=lead)
    _leave(head)
    db.session.commit()
    assert escalation_route(owner).reviewer == director  # lead's plan goes to the director
    plan = _send(owner, cycle, days_ago=30)
    assert plan.id in {p.id for p in inbox(director).escalated}
    assert plan.id not in {p.id for p in inbox(lead).escalated}


# -- generated organisations ---------------------------------------------------------------------


def generate_organisation(seed: int, people: int = 36) -> list[Person]:
    """Units, reporting lines at some depth, HR/executives/admins, people who left (HR too),
    delegations running and ended, and now and then a circle."""
    rng = random.Random(seed)
    units = [UnitFactory(code=f"RR{seed}")]
    for _ in range(rng.randint(2, 5)):
        units.append(UnitFactory(parent=rng.choice(units)))
    everyone: list[Person] = []
    for _ in range(people):
        draw, roles = rng.random(), ()
        if draw < 0.12:
            roles = (("hr", rng.choice(units)),)
        elif draw < 0.16:
            roles = (("admin", None),)
        elif draw < 0.2:
            roles = (("executive", rng.choice(units)),)
        boss = rng.choice(everyone[-8:]) if everyone and rng.random() < 0.85 else None
        everyone.append(PersonFactory(unit=rng.choice(units), supervisor=boss, roles=roles))
    for person in rng.sample(everyone, people // 4):  # leavers anywhere, HR among them
        _leave(person, rng.choice((1, 40)))
    if rng.random() < 0.6:  # a circle, sometimes through people who left: refused
        a, b = rng.sample(everyone, 2)
        with pytest.raises(CircleInLine), db.session.begin_nested():
            a.supervisor_id, b.supervisor_id = b.id, a.id
            db.session.flush()
        db.session.expire_all()
    for _ in range(6):
        delegator, delegate = rng.sample(everyone, 2)
        start = today() + timedelta(days=rng.choice((-20, -3, 0, 4)))
        db.session.add(
            Delegation(
                delegator_id=delegator.id,
                delegate_id=delegate.id,
                starts_on=start,
                ends_on=start + timedelta(days=rng.choice((0, 2, 30))),
                cancelled_at=utcnow() if rng.random() < 0.2 else None,
            )
        )
    db.session.commit()
    return everyone


def _ids(query) -> set[int]:
    return set(db.session.scalars(query))


@pytest.mark.parametrize("seed", [11, 12, 13, 14])
def test_the_sql_and_the_python_agree_on_every_reviewer_and_person(seed):
    everyone = generate_organisation(seed)
    here = [p for p in everyone if p.deactivated_on is None]
    routes = {p.id: review_route(p) for p in here}
    escalations = {p.id: escalation_route(p) for p in here}
    for route in routes.values():  # the reviewer named is one of the pool, who may act
        assert (route.reviewer is None) == (not route.pool)
        assert route.reviewer is None or route.reviewer in route.pool
    for reviewer in everyone:
        may_act = {p.id for p in everyone if can_review_plans_of(reviewer, p)}
        assert _ids(reviewable_query(reviewer)) == may_act, reviewer.employee_no
        waits = {p.id for p in here if reviewer in routes[p.id].pool}
        assert _ids(waiting_for_query(reviewer)) == waits, reviewer.employee_no
        assert waits <= may_act
        up = {p.id for p in here if reviewer in escalations[p.id].pool}
        assert _ids(escalated_to_query(reviewer)) == up, reviewer.employee_no


@pytest.mark.parametrize("seed", [21, 22])
def test_every_plan_sent_waits_in_exactly_the_inboxes_of_its_route(seed, cycle):
    everyone = generate_organisation(seed)
    here = [p for p in everyone if p.deactivated_on is None]
    sent = {p.id: _send(p, cycle).id for p in here if review_route(p).reviewer is not None}
    assert sent, "the organisation sends plans"
    for reviewer in here:
        expected = {sent[p.id] for p in here if p.id in sent and reviewer in review_route(p).pool}
        assert _waiting_ids(reviewer) == expected, reviewer.employee_no


def test_generated_organisations_have_what_the_rules_are_about():
    everyone = generate_organisation(11)
    vias = {review_route(p).via for p in everyone if p.deactivated_on is None}
    assert {"supervisor", "hr"} <= vias
    assert any(p.deactivated_on for p in everyone)
    assert db.session.scalar(select(Delegation.id).limit(1)) is not None
