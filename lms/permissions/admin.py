"""Who administers what: the organisation's year (cycles) for administrators and the HR of a
whole organisation; units, people and accounts inside an HR officer's own subtree (day one)."""

from lms.models import Person, Unit
from lms.permissions.people import hr_covers, is_admin, scope_units
from lms.vocab import Role


def runs_the_year(person: Person) -> bool:
    """May `person` create, open and close cycles (organisation-wide)? Administrators, and HR
    scoped to a top unit (the whole organisation); HR of a department sees the cycles only."""
    if is_admin(person):
        return True
    return any(unit.parent_id is None for unit in scope_units(person, roles=(Role.HR,)))


def sees_the_year(person: Person) -> bool:
    """May `person` see the cycles' administration pages (dates, status)? Anyone who runs the
    year, and every HR officer (they answer their unit's questions about deadlines)."""
    return runs_the_year(person) or bool(scope_units(person, roles=(Role.HR,)))


def manages_account_of(actor: Person, person: Person) -> bool:
    """May `actor` invite `person` or reset their password? Administrators, and HR whose unit
    subtree holds the person; never for oneself (one's own password is changed on the profile)."""
    if actor.id == person.id:
        return False
    return is_admin(actor) or hr_covers(actor, person)


def invites_in(actor: Person, unit: Unit) -> bool:
    """May `actor` invite everyone without an account in `unit`? Administrators, and HR whose
    subtree holds the unit."""
    return is_admin(actor) or any(s.contains(unit) for s in scope_units(actor, roles=(Role.HR,)))
