"""Who may see and change what: the one place it is decided.

- everyone sees and changes their own data (while the cycle is open);
- a supervisor sees their direct and indirect reports, and reviews the plans they send;
- a supervisor on leave delegates that review to someone else for a range of days: while the
  delegation runs, the delegate sees and reviews for them;
- a person at the top of a reporting line (no supervisor) has their plan reviewed by HR of
  their unit, or an administrator when no HR covers it (`review_route` names who);
- HR and executives see the people and units of the subtrees they are assigned;
- admins see everything.

Views, services and templates ask these predicates; the SQL scopes at the bottom answer the same
questions for lists (a test checks the two agree on a generated organisation).
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from flask import g, has_request_context
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import aliased

from lms.clock import today
from lms.extensions import db
from lms.models import Cycle, Delegation, Person, Plan, RoleAssignment, Unit
from lms.vocab import PLAN_EDITABLE, PlanStatus, Role

MAX_CHAIN = 50  # a supervisor chain longer than this is a data error, not an organisation


# -- who someone is ------------------------------------------------------------------------------


def is_admin(person: Person) -> bool:
    return Role.ADMIN in person.role_codes()


def is_owner(actor: Person, owner_id: int) -> bool:
    """Is `actor` the person the data belongs to?"""
    return actor.id == owner_id


def scope_units(person: Person, roles: tuple[str, ...] = (Role.HR, Role.EXECUTIVE)) -> list[Unit]:
    """The unit subtrees a person covers through scoped roles."""
    return [r.scope_unit for r in person.roles if r.role in roles and r.scope_unit is not None]


def above(person: Person) -> Iterator[Person]:
    """The people above `person` in the reporting line, nearest first (a circle stops)."""
    current, steps = person.supervisor, 0
    while current is not None and steps < MAX_CHAIN:
        yield current
        current, steps = current.supervisor, steps + 1


def supervises(supervisor: Person, person: Person) -> bool:
    """True when `supervisor` is above `person` in the reporting line."""
    return any(boss.id == supervisor.id for boss in above(person))


def per_request(name: str, person: Person, compute):
    """`compute()`, remembered for the rest of the request (navigation, the home page and the
    inbox ask the same questions about the same person)."""
    if not has_request_context():
        return compute()
    memo = g.setdefault("_permission_memo", {})
    key = (name, person.id)
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def delegator_ids(delegate: Person, day: date | None = None) -> list[int]:
    """Whom `delegate` reviews for on `day` (today): supervisors on leave who delegated."""
    if day is None:
        return per_request("delegators", delegate, lambda: _delegator_ids(delegate, today()))
    return _delegator_ids(delegate, day)


def _delegator_ids(delegate: Person, day: date) -> list[int]:
    return list(
        db.session.scalars(
            select(Delegation.delegator_id).where(
                Delegation.delegate_id == delegate.id,
                Delegation.cancelled_at.is_(None),
                Delegation.starts_on <= day,
                Delegation.ends_on >= day,
            )
        )
    )


def active_delegation(delegator: Person, day: date | None = None) -> Delegation | None:
    """The delegation `delegator` has running on `day` (today), the latest made if several."""
    day = day or today()
    return db.session.scalars(
        select(Delegation)
        .where(
            Delegation.delegator_id == delegator.id,
            Delegation.cancelled_at.is_(None),
            Delegation.starts_on <= day,
            Delegation.ends_on >= day,
        )
        .order_by(Delegation.created_at.desc(), Delegation.id.desc())
        .limit(1)
    ).first()


def reviews_as_delegate(reviewer: Person, person: Person) -> bool:
    """Is `reviewer` standing in today for someone above `person`?"""
    ids = delegator_ids(reviewer)
    return bool(ids) and any(boss.id in ids and boss.id != person.id for boss in above(person))


def hr_covers(reviewer: Person, person: Person) -> bool:
    return any(u.contains(person.unit) for u in scope_units(reviewer, roles=(Role.HR,)))


def has_reports(person: Person) -> bool:
    """Does anyone report to `person` (so that they have a team page)?"""
    first = select(Person.id).where(Person.supervisor_id == person.id).limit(1)
    return per_request("has_reports", person, lambda: db.session.scalar(first) is not None)


# -- seeing ---------------------------------------------------------------------------------------


def can_view_person(viewer: Person, person: Person) -> bool:
    """May `viewer` see `person`'s development data?"""
    if viewer.id == person.id or is_admin(viewer):
        return True
    if any(unit.contains(person.unit) for unit in scope_units(viewer)):
        return True
    return supervises(viewer, person) or reviews_as_delegate(viewer, person)


def can_view_unit(viewer: Person, unit: Unit) -> bool:
    """May `viewer` see figures and people lists of `unit`?"""
    if is_admin(viewer):
        return True
    return any(scope.contains(unit) for scope in scope_units(viewer))


def report_roots(viewer: Person) -> list[Unit]:
    """The unit subtrees `viewer` may see reports of: HR's and executives' own, every root
    for an admin (a scope inside another one is left out)."""
    if is_admin(viewer):
        return list(
            db.session.scalars(select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.code))
        )
    scopes = sorted({u.id: u for u in scope_units(viewer)}.values(), key=lambda u: u.path)
    return [u for u in scopes if not any(o is not u and o.contains(u) for o in scopes)]


def can_browse_people(viewer: Person) -> bool:
    """Does `viewer` have a people list beyond their own team (HR, executive, admin)?"""
    return is_admin(viewer) or bool(scope_units(viewer))


def can_view_plan(viewer: Person, plan: Plan) -> bool:
    """A plan is seen by those who may see its owner, except a draft: private until sent."""
    if is_owner(viewer, plan.person_id):
        return True
    return plan.status != PlanStatus.DRAFT and can_view_person(viewer, plan.person)


def can_view_evidence(viewer: Person, owner: Person) -> bool:
    """Evidence files: the owner, their supervisors, HR of their unit, admins (not executives,
    who see figures, not people's documents)."""
    if viewer.id == owner.id or is_admin(viewer):
        return True
    if hr_covers(viewer, owner):
        return True
    return supervises(viewer, owner) or reviews_as_delegate(viewer, owner)


# -- changing -------------------------------------------------------------------------------------


def cycle_accepts_changes(cycle: Cycle) -> bool:
    """People's own data (assessment, plan, learning log) changes only while its cycle is open."""
    return cycle.is_open


def plan_accepts_edits(plan: Plan | None) -> bool:
    """The content of a plan changes while it is a draft or returned (or not started)."""
    return plan is None or plan.status in PLAN_EDITABLE


def can_edit_plan(actor: Person, owner_id: int, cycle: Cycle, plan: Plan | None) -> bool:
    """Only the person themselves edits their plan, while the cycle is open and the plan is
    a draft or returned."""
    return is_owner(actor, owner_id) and cycle_accepts_changes(cycle) and plan_accepts_edits(plan)


def reviews_anyone(person: Person) -> bool:
    """Does anything go to `person` for review in their own right (not standing in)?"""
    return bool(has_reports(person) or scope_units(person, roles=(Role.HR,)) or is_admin(person))


def can_review_plans_of(reviewer: Person, person: Person) -> bool:
    """Those above `person` in the reporting line (and whoever stands in for one of them
    today) review their plans, verify their learning and evaluate their year; for the top of
    a chain (no supervisor), HR of their unit does, or an administrator when no HR covers the
    unit. Never the person themselves."""
    if is_owner(reviewer, person.id):
        return False
    if person.supervisor_id is None:
        if hr_covers(reviewer, person):
            return True
        return is_admin(reviewer) and not _hr_of(person)
    return supervises(reviewer, person) or reviews_as_delegate(reviewer, person)


def can_review_plan(reviewer: Person, plan: Plan) -> bool:
    """May `reviewer` approve, return or complete `plan`?"""
    return can_review_plans_of(reviewer, plan.person)


def can_edit_learning(actor: Person, owner_id: int, cycle: Cycle) -> bool:
    """Only the person themselves changes their learning log, while the cycle is open."""
    return is_owner(actor, owner_id) and cycle_accepts_changes(cycle)


# -- to whom a plan goes -------------------------------------------------------------------------


@dataclass
class Route:
    """Who a person's plan goes to, and why: their supervisor, the colleague standing in for
    the supervisor, HR of their unit (top of a reporting line) or an administrator."""

    reviewer: Person | None
    via: str  # supervisor, delegate, hr, admin, none
    on_behalf_of: Person | None = None  # the supervisor a delegate stands in for


def _hr_of(person: Person) -> list[Person]:
    """HR officers whose scope covers `person`'s unit, the nearest scope first."""
    scope = aliased(Unit)
    query = (
        select(Person)
        .join(RoleAssignment, RoleAssignment.person_id == Person.id)
        .join(scope, RoleAssignment.scope_unit_id == scope.id)
        .where(
            RoleAssignment.role == Role.HR,
            Person.id != person.id,
            Person.deactivated_on.is_(None),
            scope.id.in_(_ancestor_ids(person.unit)),
        )
        .order_by(scope.depth.desc(), Person.id)
    )
    return list(db.session.scalars(query))


def _ancestor_ids(unit: Unit) -> list[int]:
    return [int(part) for part in unit.path.strip("/").split("/") if part]


def review_route(person: Person, day: date | None = None) -> Route:
    """Where `person`'s plan goes when they send it: never into nowhere."""
    # the nearest supervisor still here (one who has left passes the plan up)
    supervisor = next((boss for boss in above(person) if boss.deactivated_on is None), None)
    if supervisor is not None:
        delegation = active_delegation(supervisor, day)
        if delegation is not None:
            return Route(delegation.delegate, "delegate", supervisor)
        return Route(supervisor, "supervisor")
    if person.supervisor_id is None:
        hr = _hr_of(person)
        if hr:
            return Route(hr[0], "hr")
        admin = db.session.scalars(
            select(Person)
            .join(RoleAssignment, RoleAssignment.person_id == Person.id)
            .where(
                RoleAssignment.role == Role.ADMIN,
                Person.id != person.id,
                Person.deactivated_on.is_(None),
            )
            .order_by(Person.id)
            .limit(1)
        ).first()
        if admin is not None:
            return Route(admin, "admin")
    return Route(None, "none")


# -- the same questions in SQL, for lists ------------------------------------------------------


def reports_query(supervisor: Person, *, with_delegations: bool = False) -> Select:
    """Ids of everyone below `supervisor` in the reporting line (recursive; cycles stop);
    with `with_delegations`, also everyone below those they stand in for today."""
    heads = [supervisor.id]
    if with_delegations:
        heads += delegator_ids(supervisor)
    tree = select(Person.id).where(Person.supervisor_id.in_(heads)).cte("reports", recursive=True)
    tree = tree.union(select(Person.id).where(Person.supervisor_id == tree.c.id))
    return select(tree.c.id)


def visible_people_query(viewer: Person) -> Select:
    """People `viewer` may see, besides themselves, as a SELECT of Person."""
    query = select(Person).join(Person.unit)
    if is_admin(viewer):
        return query
    conditions = [Person.id.in_(reports_query(viewer, with_delegations=True))]
    for unit in scope_units(viewer):
        conditions.append(Unit.path.startswith(unit.path))
    return query.where(or_(*conditions))
