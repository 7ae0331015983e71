"""Who may see and change what: the one place it is decided.

- everyone sees and changes their own data (while the cycle is open);
- a supervisor sees their direct and indirect reports, and reviews the plans they send;
- HR and executives see the people and units of the subtrees they are assigned;
- admins see everything.

Views, services and templates ask these predicates; the SQL scopes at the bottom answer the same
questions for lists (a test checks the two agree on a generated organisation).
"""

from sqlalchemy import Select, or_, select

from lms.extensions import db
from lms.models import Cycle, Person, Plan, Unit
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


def supervises(supervisor: Person, person: Person) -> bool:
    """True when `supervisor` is above `person` in the reporting line."""
    current, steps = person.supervisor, 0
    while current is not None and steps < MAX_CHAIN:
        if current.id == supervisor.id:
            return True
        current, steps = current.supervisor, steps + 1
    return False


def has_reports(person: Person) -> bool:
    """Does anyone report to `person` (so that they have a team page)?"""
    first = select(Person.id).where(Person.supervisor_id == person.id).limit(1)
    return db.session.scalar(first) is not None


# -- seeing ---------------------------------------------------------------------------------------


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
    if any(unit.contains(owner.unit) for unit in scope_units(viewer, roles=(Role.HR,))):
        return True
    return supervises(viewer, owner)


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


def can_review_plans_of(reviewer: Person, person: Person) -> bool:
    """Those above `person` in the reporting line review their plans; for the top of a chain
    (no supervisor), HR of their unit does. Never the person themselves."""
    if is_owner(reviewer, person.id):
        return False
    if person.supervisor_id is None:
        return any(u.contains(person.unit) for u in scope_units(reviewer, roles=(Role.HR,)))
    return supervises(reviewer, person)


def can_review_plan(reviewer: Person, plan: Plan) -> bool:
    """May `reviewer` approve, return or complete `plan`?"""
    return can_review_plans_of(reviewer, plan.person)


def can_edit_learning(actor: Person, owner_id: int, cycle: Cycle) -> bool:
    """Only the person themselves changes their learning log, while the cycle is open."""
    return is_owner(actor, owner_id) and cycle_accepts_changes(cycle)


# -- the same questions in SQL, for lists ------------------------------------------------------


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
