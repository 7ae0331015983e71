"""Who reviews whom: where a person's plan goes (the route), who waits for it (the pool), who
may act on it (the predicate), and the same questions in SQL for inboxes — side by side, so
that they cannot disagree (tests/test_review_routes.py checks them on generated organisations).

The rules:
- a plan goes to the nearest supervisor still here (people who left pass it up), and waits in
  that supervisor's inbox and in the inbox of anyone standing in for them today;
- with nobody above still here (the top of a line, or every supervisor above has left) it goes
  to HR of the person's unit, or to the administrators when no HR still here covers the unit;
- anyone above in the line (and whoever stands in for one of them) may act on it, as may those
  it waits for; never the person themselves, never someone who has left;
- a plan waiting too long comes up to whoever the supervisor's own plan would go to.
"""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Select, and_, case, false, or_, select, union
from sqlalchemy.orm import aliased

from lms.extensions import db
from lms.models import Cycle, Person, Plan, RoleAssignment, Unit, gone, still_here
from lms.permissions.people import (
    MAX_CHAIN,
    above,
    below_query,
    delegator_ids,
    has_reports,
    hr_covers,
    is_admin,
    is_here,
    is_owner,
    per_request,
    remembered,
    running_delegations,
    scope_units,
)
from lms.vocab import Role

# -- the reporting line as reviews see it ---------------------------------------------------------


@dataclass
class Line:
    """`supervisor`: the nearest person above still here; `at_top`: nobody above is still here
    and the line ends at its top (not in a circle of people who left)."""

    supervisor: Person | None
    at_top: bool


def line_of(person: Person) -> Line:
    """One walk up `person`'s reporting line, past the people who left."""
    last = person
    for boss in above(person):
        if is_here(boss):
            return Line(boss, False)
        last = boss
    # the walk ended: at the top, or where a circle came back
    return Line(None, last.supervisor_id is None)


def hr_of(person: Person) -> list[Person]:
    """HR officers still here whose scope covers `person`'s unit, the nearest scope first."""
    scope = aliased(Unit)
    query = (
        select(Person)
        .join(RoleAssignment, RoleAssignment.person_id == Person.id)
        .join(scope, RoleAssignment.scope_unit_id == scope.id)
        .where(
            RoleAssignment.role == Role.HR,
            Person.id != person.id,
            still_here(),
            scope.id.in_(person.unit.ancestor_ids()),
        )
        .order_by(scope.depth.desc(), Person.id)
    )
    return list(dict.fromkeys(db.session.scalars(query)))


def _admins(person: Person) -> list[Person]:
    query = (
        select(Person)
        .join(RoleAssignment, RoleAssignment.person_id == Person.id)
        .where(
            RoleAssignment.role == Role.ADMIN,
            Person.id != person.id,
            still_here(),
        )
        .order_by(Person.id)
    )
    return list(dict.fromkeys(db.session.scalars(query)))


# -- to whom a plan goes -------------------------------------------------------------------------


@dataclass
class Route:
    """Who a person's plan goes to, and why: their supervisor, the colleague standing in for
    the supervisor, HR of their unit (top of a reporting line) or an administrator.
    `pool`: everyone in whose inbox it waits (the reviewer among them)."""

    reviewer: Person | None
    via: str  # supervisor, delegate, hr, admin, none
    on_behalf_of: Person | None = None  # the supervisor a delegate stands in for
    pool: list[Person] = field(default_factory=list)


def review_route(person: Person, day: date | None = None) -> Route:
    """Where `person`'s plan goes when they send it: never into nowhere while anyone can take
    it (a circle of people who left is a data error HR must mend)."""
    line = line_of(person)
    if line.supervisor is not None:
        delegates = [d.delegate for d in running_delegations(line.supervisor, day)]
        pool = list(dict.fromkeys([line.supervisor, *delegates]))
        if delegates:
            return Route(delegates[0], "delegate", line.supervisor, pool)
        return Route(line.supervisor, "supervisor", pool=pool)
    if line.at_top:
        hr = hr_of(person)
        if hr:
            return Route(hr[0], "hr", pool=hr)
        admins = _admins(person)
        if admins:
            return Route(admins[0], "admin", pool=admins)
    return Route(None, "none")


def escalation_route(person: Person) -> Route:
    """Where `person`'s plan comes up to when it waits too long: to whoever the supervisor's
    own plan goes to (nowhere above HR and the administrators)."""
    line = line_of(person)
    if line.supervisor is None:
        return Route(None, "none")
    route = review_route(line.supervisor)
    route.pool = [p for p in route.pool if p.id != person.id]
    if route.reviewer is not None and route.reviewer.id == person.id:
        route.reviewer = route.pool[0] if route.pool else None
    return route


# -- who may act ---------------------------------------------------------------------------------


def can_review_plans_of(reviewer: Person, person: Person) -> bool:
    """Those above `person` in the reporting line (and whoever stands in for one of them
    today) review their plans, verify their learning and evaluate their year; with nobody
    above still here, HR of their unit does, or an administrator when no HR covers the unit.
    Never the person themselves, never someone who has left."""
    if is_owner(reviewer, person.id) or not is_here(reviewer):
        return False
    heads = {reviewer.id, *delegator_ids(reviewer)}
    if any(boss.id in heads for boss in above(person)):
        return True
    if line_of(person).at_top:
        if hr_covers(reviewer, person):
            return True
        return is_admin(reviewer) and not hr_of(person)
    return False


def can_review_plan(reviewer: Person, plan: Plan) -> bool:
    """May `reviewer` approve, return or complete `plan`?"""
    return can_review_plans_of(reviewer, plan.person)


def may_evaluate(reviewer: Person, plan: Plan, cycle: Cycle) -> bool:
    """May `reviewer` write the year-end evaluation of `plan` (the workflow says when)?"""
    return can_review_plan(reviewer, plan) and not cycle.is_closed


def may_change_supervisor(actor: Person, person: Person) -> bool:
    """HR of the person's unit, or an administrator, names their supervisor."""
    return is_here(actor) and (is_admin(actor) or hr_covers(actor, person))


def reviews_anyone(person: Person) -> bool:
    """Does anything go to `person` for review in their own right (not standing in)?"""
    return bool(has_reports(person) or scope_units(person, roles=(Role.HR,)) or is_admin(person))


# -- the same questions in SQL, for inboxes and lists -------------------------------------------


def _at_top() -> Select:
    """Ids of the people with nobody above still here whose line ends at its top: those at
    the top, and below them through people who left (recursive)."""
    boss = aliased(Person)
    tops = select(Person.id).where(Person.supervisor_id.is_(None)).cte("at_top", recursive=True)
    tops = tops.union(
        select(Person.id)
        .join(boss, Person.supervisor_id == boss.id)
        .join(tops, tops.c.id == boss.id)
        .where(gone(boss))
    )
    return select(tops.c.id)


def _left_below(head_ids, name: str) -> Select:
    """Ids of people who left below `head_ids`, and of people who left below them."""
    left = (
        select(Person.id)
        .where(Person.supervisor_id.in_(head_ids), gone())
        .cte(name, recursive=True)
    )
    left = left.union(select(Person.id).where(Person.supervisor_id == left.c.id, gone()))
    return select(left.c.id)


MATERIALISED = 2000  # ids read first and named in the statement, up to this many


def _ids_now(query: Select) -> list[int] | None:
    """The ids `query` gives, read now, or None when there are more than MATERIALISED."""
    ids = list(db.session.scalars(query.limit(MATERIALISED + 1)))
    return None if len(ids) > MATERIALISED else ids


def _supervising():
    """SQL on Person: someone reports to them (whether or not either has left)."""
    below_them = aliased(Person)
    return select(below_them.id).where(below_them.supervisor_id == Person.id).exists()


def _down_through_leavers(seeds: list[tuple[int, bool]], only_leavers: bool) -> list[int] | None:
    """From `seeds` (id, has left), the people below them reached through people who left
    (with `only_leavers`, only those who left themselves and supervise someone), read level by
    level (a line is a few levels deep; each level one indexed statement). None past
    MATERIALISED."""
    found = [pid for pid, _left in seeds]
    seen, frontier = set(found), [pid for pid, left in seeds if left]
    for _ in range(MAX_CHAIN):
        if not frontier:
            return found
        query = select(Person.id, case((gone(), True), else_=False)).where(
            Person.supervisor_id.in_(frontier)
        )
        if only_leavers:  # and of them only those anyone reports to: the others add nobody
            query = query.where(gone(), _supervising())
        level = [(pid, left) for pid, left in db.session.execute(query) if pid not in seen]
        seen.update(pid for pid, _left in level)
        found += [pid for pid, _left in level]
        frontier = [pid for pid, left in level if left]
        if len(found) > MATERIALISED:
            return None
    return found


def _at_top_now() -> list[int] | None:
    """`_at_top`'s ids read now (once per request), or None when there are too many."""

    def compute():
        tops = db.session.execute(
            select(Person.id, case((gone(), True), else_=False))
            .where(Person.supervisor_id.is_(None))
            .limit(MATERIALISED + 1)
        ).all()
        return None if len(tops) > MATERIALISED else _down_through_leavers(tops, False)

    return remembered(("at_top",), compute)


def _supervised_by(head_ids, name: str):
    """A condition on Person: their nearest supervisor still here is one of `head_ids` (a list
    or a SELECT of ids). The heads and the people who left below them are read first, so the
    statement names a few supervisors the database looks up by index (a recursive subquery's
    unknown size made it read every person)."""
    if isinstance(head_ids, Select):
        # only those anyone reports to (a reviewer's direct reports mostly supervise nobody,
        # and naming them all made the database expect hundreds of people under each)
        known = _ids_now(head_ids.where(_supervising()))
        if known is None:  # a pool this large is odd data: the subquery, slower but right
            return Person.supervisor_id.in_(union(head_ids, _left_below(head_ids, name)))
        head_ids = known
    head_ids = sorted(head_ids)
    left = remembered(
        ("left_below", *head_ids),
        lambda: _down_through_leavers([(pid, True) for pid in head_ids], True),
    )
    if left is None:
        return Person.supervisor_id.in_(
            union(select(Person.id).where(Person.id.in_(head_ids)), _left_below(head_ids, name))
        )
    return Person.supervisor_id.in_(left)  # the heads, and who left below them


def _heads(reviewer: Person) -> list[int]:
    """The reviewer and the supervisors they stand in for today."""
    return [reviewer.id, *delegator_ids(reviewer)] if is_here(reviewer) else []


def at_top_query() -> Select:
    """Ids of the people with nobody above still here (the top of a line, or everyone above
    has left): their plans go to HR of their unit, or to the administrators."""
    return _at_top()


def covered_by_hr():
    """A condition on Person (with Unit joined): an HR officer still here, other than the
    person, covers their unit."""
    scope, officer = aliased(Unit), aliased(Person)
    return (
        select(RoleAssignment.id)
        .join(scope, RoleAssignment.scope_unit_id == scope.id)
        .join(officer, RoleAssignment.person_id == officer.id)
        .where(
            RoleAssignment.role == Role.HR,
            still_here(officer),
            officer.id != Person.id,
            Unit.path.startswith(scope.path),
        )
        .exists()
    )


def _hr_or_admin(reviewer: Person):
    """A condition on Person (with Unit joined): HR's and administrators' share of the people
    at the top, or false."""
    hr_units = scope_units(reviewer, roles=(Role.HR,))
    conditions = [Unit.path.startswith(unit.path) for unit in hr_units]
    if is_admin(reviewer):
        conditions.append(~covered_by_hr())
    if not conditions or not is_here(reviewer):
        return false()
    tops = _at_top_now()
    return and_(Person.id.in_(_at_top() if tops is None else tops), or_(*conditions))


def _people(reviewer: Person, condition) -> Select:
    return (
        select(Person.id)
        .join(Unit, Person.unit_id == Unit.id)
        .where(condition, Person.id != reviewer.id, still_here())
    )


def waiting_for_query(reviewer: Person) -> Select:
    """Ids of the people whose plans wait for `reviewer`: `reviewer` is in their route's pool.
    Built once a request (the menu's count, the inbox's sections and its escalations ask it)."""

    def build() -> Select:
        condition = or_(_supervised_by(_heads(reviewer), "left_below"), _hr_or_admin(reviewer))
        return _people(reviewer, condition)

    return per_request("waiting_for_query", reviewer, build)


def escalated_to_query(reviewer: Person) -> Select:
    """Ids of the people whose plans come up to `reviewer` when they wait too long: their
    supervisor's plan waits for `reviewer`."""
    supervisors = waiting_for_query(reviewer)
    return _people(reviewer, _supervised_by(supervisors, "left_below_up"))


def reviewable_query(reviewer: Person) -> Select:
    """Ids of the people whose plans `reviewer` may act on: `can_review_plans_of` in SQL."""
    heads = _heads(reviewer)
    below = below_query(heads)
    return union(
        select(Person.id).where(Person.id.in_(below), Person.id != reviewer.id),
        select(Person.id)
        .join(Unit, Person.unit_id == Unit.id)
        .where(_hr_or_admin(reviewer), Person.id != reviewer.id),
    )
