"""Who administers what: the organisation's year (cycles) for administrators and the HR of a
whole organisation; units, people and accounts inside an HR officer's own subtree (day one)."""

from lms.extensions import db
from lms.models import Person, Unit
from lms.permissions.people import has_reports, hr_covers, is_admin, scope_units
from lms.vocab import Role


def runs_the_year(person: Person) -> bool:
    """May `person` create, open and close cycles (organisation-wide)? Administrators, and HR
    scoped to a top unit (the whole organisation); HR of a department sees the cycles only."""
    if is_admin(person):
        return True
    return any(unit.parent_id is None for unit in scope_units(person, roles=(Role.HR,)))


def keeps_the_catalogue(person: Person) -> bool:
    """May `person` add, change and retire courses and providers (the catalogue is the whole
    organisation's)? Those who run the year: administrators and HR of a top unit."""
    return runs_the_year(person)


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


def may_pick_people(person: Person) -> bool:
    """May `person` get suggestions of people by name (to name a supervisor, a delegate, a
    new HR officer)? Administrators, HR, and supervisors (who hand over their reviews)."""
    return (
        is_admin(person)
        or bool(scope_units(person, roles=(Role.HR,)))
        or Role.SUPERVISOR in person.role_codes()
        or has_reports(person)
    )


def organisation_of(person: Person) -> list[Unit]:
    """The top unit of `person`'s organisation (as a list of subtrees to search in)."""
    top = person.unit.ancestor_ids()[:1]
    return [db.session.get(Unit, top[0])] if top else []
