"""Who someone is and whom they see: roles, the reporting line, delegations, and the SQL scopes
that answer "whom may I see" for lists (a test checks the scopes agree with the predicates)."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date

from flask import g, has_request_context
from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.orm import aliased

from lms.clock import today
from lms.extensions import db
from lms.models import Delegation, Person, Plan, Unit, still_here
from lms.models.lines import below_any, lines_of
from lms.vocab import PlanStatus, Role

MAX_CHAIN = 50  # a supervisor chain longer than this is a data error, not an organisation


# -- who someone is ------------------------------------------------------------------------------


def is_admin(person: Person) -> bool:
    return Role.ADMIN in person.role_codes()


def is_owner(actor: Person, owner_id: int) -> bool:
    """Is `actor` the person the data belongs to?"""
    return actor.id == owner_id


def is_here(person: Person) -> bool:
    """Has `person` not left? People who left review, see and are sent nothing."""
    return person.is_active


def scope_units(person: Person, roles: tuple[str, ...] = (Role.HR, Role.EXECUTIVE)) -> list[Unit]:
    """The unit subtrees a person covers through scoped roles."""
    return [r.scope_unit for r in person.roles if r.role in roles and r.scope_unit is not None]


def hr_covers(reviewer: Person, person: Person) -> bool:
    """Is `reviewer` HR of a unit subtree that holds `person`'s unit?"""
    return any(u.contains(person.unit) for u in scope_units(reviewer, roles=(Role.HR,)))


def above(person: Person) -> Iterator[Person]:
    """The people above `person` in the reporting line, nearest first. A circle stops where it
    comes back (never at `person` themselves), so nobody is ever above themselves."""
    seen = {person.id}
    current = person.supervisor
    while current is not None and current.id not in seen and len(seen) <= MAX_CHAIN:
        seen.add(current.id)
        yield current
        current = current.supervisor


def supervises(supervisor: Person, person: Person) -> bool:
    """True when `supervisor` is above `person` in the reporting line."""
    return any(boss.id == supervisor.id for boss in above(person))


def per_request(name: str, person: Person, compute):
    """`compute()`, remembered for the rest of the request (navigation, the home page and the
    inbox ask the same questions about the same person)."""
    return remembered((name, person.id), compute)


def remembered(key: tuple, compute):
    """`compute()`, remembered under `key` for the rest of the request (computed each time
    outside one)."""
    if not has_request_context():
        return compute()
    memo = g.setdefault("_permission_memo", {})
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def has_reports(person: Person) -> bool:
    """Does anyone report to `person` (so that they have a team page)?"""
    first = select(Person.id).where(Person.supervisor_id == person.id).limit(1)
    return per_request("has_reports", person, lambda: db.session.scalar(first) is not None)


# -- delegations ----------------------------------------------------------------------------------


def _running(day: date):
    """Delegations running on `day` to a delegate who is still here, from someone still here."""
    delegate, delegator = aliased(Person), aliased(Person)
    return (
        select(Delegation)
        .join(delegate, Delegation.delegate_id == delegate.id)
        .join(delegator, Delegation.delegator_id == delegator.id)
        .where(
            Delegation.cancelled_at.is_(None),
            Delegation.starts_on <= day,
            Delegation.ends_on >= day,
            still_here(delegate),
            still_here(delegator),
        )
    )


def delegator_ids(delegate: Person, day: date | None = None) -> list[int]:
    """Whom `delegate` reviews for on `day` (today): supervisors on leave who delegated."""
    if day is None:
        return per_request("delegators", delegate, lambda: _delegator_ids(delegate, today()))
    return _delegator_ids(delegate, day)


def _delegator_ids(delegate: Person, day: date) -> list[int]:
    query = _running(day).where(Delegation.delegate_id == delegate.id)
    return sorted({d.delegator_id for d in db.session.scalars(query)})


_DAY_OF_DELEGATIONS: ContextVar[tuple[date, dict] | None] = ContextVar(
    "delegations_of_the_day", default=None
)


@contextmanager
def delegations_known(day: date | None = None) -> Iterator[None]:
    """For a run that works out thousands of review routes (reminders): every delegation
    running on `day` read once, instead of one query per supervisor."""
    day = day or today()
    ordered = _running(day).order_by(Delegation.created_at.desc(), Delegation.id.desc())
    by_delegator: dict[int, list[Delegation]] = {}
    for delegation in db.session.scalars(ordered):
        by_delegator.setdefault(delegation.delegator_id, []).append(delegation)
    token = _DAY_OF_DELEGATIONS.set((day, by_delegator))
    try:
        yield
    finally:
        _DAY_OF_DELEGATIONS.reset(token)


def running_delegations(delegator: Person, day: date | None = None) -> list[Delegation]:
    """The delegations `delegator` has running on `day` (today), the latest made first."""
    day = day or today()
    known = _DAY_OF_DELEGATIONS.get()
    if known is not None and known[0] == day:
        return list(known[1].get(delegator.id, []))
    query = _running(day).where(Delegation.delegator_id == delegator.id)
    return list(
        db.session.scalars(query.order_by(Delegation.created_at.desc(), Delegation.id.desc()))
    )


def reviews_as_delegate(reviewer: Person, person: Person) -> bool:
    """Is `reviewer` standing in today for someone above `person`?"""
    ids = delegator_ids(reviewer)
    return bool(ids) and any(boss.id in ids for boss in above(person))


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


# -- the same questions in SQL, for lists ------------------------------------------------------


def below_query(head_ids) -> Select:
    """Ids of everyone below the people `head_ids` in the reporting line, at any depth: index
    ranges of `people.line` (the heads' lines read first, in one statement)."""
    return select(Person.id).where(below_any(lines_of(db.session, head_ids)))


def team_lines(supervisor: Person, *, with_delegations: bool = False) -> list[str]:
    """The reporting lines whose people below make `supervisor`'s team: their own, and with
    `with_delegations` those of whom they stand in for today (read in one statement)."""
    others = delegator_ids(supervisor) if with_delegations else []
    return [supervisor.line, *lines_of(db.session, others)]


def reports(supervisor: Person, *, with_delegations: bool = False) -> ColumnElement[bool]:
    """SQL on Person: below `supervisor` in the reporting line; with `with_delegations`, also
    below those they stand in for today."""
    return below_any(team_lines(supervisor, with_delegations=with_delegations))


def reports_query(supervisor: Person, *, with_delegations: bool = False) -> Select:
    """Ids of everyone below `supervisor` in the reporting line (see `reports`)."""
    return select(Person.id).where(reports(supervisor, with_delegations=with_delegations))


def visible_people_query(viewer: Person) -> Select:
    """People `viewer` may see, besides themselves, as a SELECT of Person."""
    query = select(Person).join(Person.unit)
    if is_admin(viewer):
        return query
    conditions = [reports(viewer, with_delegations=True)]
    for unit in scope_units(viewer):
        conditions.append(Unit.path.startswith(unit.path))
    return query.where(or_(*conditions))
