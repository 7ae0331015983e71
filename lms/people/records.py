"""A person's record kept by HR on a form: added, changed (names, position, role group, unit from
an effective day, supervisor, roles and the unit they cover), deactivated from a day and
reactivated; never deleted.

Adding and changing go through the people importer with a one-row table, so a form and a file
obey the same checks (the HR officer's units, circles in the reporting line, the admin role,
e-mails held by someone else, closed years) and write the same way (history kept, the report
summary refreshed before the commit). Every step is audited."""

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lms import permissions
from lms.audit import audit
from lms.auth.directory import SIGN_IN
from lms.clock import today
from lms.cycles import frozen_until, in_closed_year
from lms.exchange import ImportRefused, Table, import_people
from lms.exchange.people import COLUMNS
from lms.extensions import db
from lms.models import Person, Unit
from lms.people.services import PeopleError
from lms.vocab import Role

INVALID_ANSWERS = _l("Please check the highlighted answers. Nothing was saved yet.")

# The form's fields named by the importer's columns.
FIELDS = {
    "employee_no": "employee_no",
    "email": "email",
    "name_th": "name_th",
    "name_en": "name_en",
    "position_th": "position_th",
    "role_group": "role_group",
    "unit_code": "unit",
    "supervisor_employee_no": "supervisor",
    "roles": "roles",
    "scope_unit_code": "scope",
    "effective_on": "effective_on",
}


def record_of(person: Person) -> dict:
    """The person as the form shows it (and as a row of the people file)."""
    roles = sorted(r.role for r in person.roles)
    scopes = [r.scope_unit.code for r in person.roles if r.scope_unit is not None]
    return {
        "employee_no": person.employee_no,
        "email": person.email or "",
        "name_th": person.name_th,
        "name_en": person.name_en or "",
        "position_th": person.position_th or "",
        "role_group": person.role_group.code,
        "unit_code": person.unit.code,
        "supervisor_employee_no": person.supervisor.employee_no if person.supervisor else "",
        "roles": ";".join(roles),
        "scope_unit_code": scopes[0] if scopes else "",
        "effective_on": "",
        "sign_in": person.sign_in or "",
    }


def save_person(values: dict, *, by: Person, person: Person | None = None) -> Person:
    """Add a person (`person` None) or change one, from the form's `values` (keyed by the file's
    columns). Raises PeopleError with the problems beside the form's fields."""
    if person is not None:
        if not permissions.manages_account_of(by, person):
            raise PeopleError(_l("Only HR of this person's unit can change their record."))
        before = record_of(person)
        values = {**values, "employee_no": person.employee_no}
        if not permissions.is_admin(by) and Role.ADMIN in person.role_codes():
            values["roles"] = ";".join({*values["roles"].split(";"), Role.ADMIN.value} - {""})
    row = {column: (values.get(column) or "").strip() for column in COLUMNS}
    try:
        outcome = import_people(Table(columns=list(COLUMNS), rows=[(2, row)]), by=by, audited=False)
    except ImportRefused as refused:
        fields = {}
        for problem in refused.problems:
            fields.setdefault(FIELDS.get(problem.column, "employee_no"), problem.message)
        raise PeopleError(INVALID_ANSWERS, fields) from None
    saved = db.session.scalars(select(Person).where(Person.employee_no == row["employee_no"])).one()
    way = (values.get("sign_in") or "").strip()
    if way not in ("", *SIGN_IN):
        raise PeopleError(INVALID_ANSWERS, {"sign_in": _l("Choose one of the ways in.")})
    saved.sign_in = way or None
    db.session.flush()
    if person is None:
        audit("person_added", by, saved, **{k: v for k, v in row.items() if v}, sign_in=way or None)
    else:
        after = record_of(saved)
        audit(
            "person_changed",
            by,
            saved,
            changes={k: [before[k], after[k]] for k in after if before[k] != after[k]},
            effective_on=row["effective_on"] or None,
            moved=bool(outcome.count("moved")),
        )
    return saved


def deactivate_person(person: Person, on: date | None, *, by: Person) -> Person:
    """From `on` (today when None; the first day they are gone) the person can no longer log
    in and counts nowhere after it; everything of theirs is kept."""
    if not permissions.manages_account_of(by, person):
        raise PeopleError(_l("Only HR of this person's unit can deactivate them."))
    on = on or today()
    closed = in_closed_year(on, frozen_until())
    if closed:
        raise PeopleError(closed, {"deactivated_on": closed})
    before = person.deactivated_on
    person.deactivated_on = on
    audit(
        "person_deactivated",
        by,
        person,
        on=on.isoformat(),
        before=before.isoformat() if before else None,
    )
    db.session.flush()
    return person


def reactivate_person(person: Person, *, by: Person) -> Person:
    """The person is here again: they may log in (with their password, if they have one)."""
    if not permissions.manages_account_of(by, person):
        raise PeopleError(_l("Only HR of this person's unit can reactivate them."))
    if person.deactivated_on is None:
        return person
    audit("person_reactivated", by, person, was=person.deactivated_on.isoformat())
    person.deactivated_on = None
    db.session.flush()
    return person


def set_unit_sign_in(
    unit: Unit, way: str | None, *, by: Person, creates: bool | None = None
) -> Unit:
    """How the people of `unit` and below sign in, for those without a setting of their own
    (None: as the unit above says), and whether the directory may add the people it knows
    there. Administrators, and HR whose subtree holds the unit."""
    if not permissions.invites_in(by, unit):
        raise PeopleError(_l("Only HR of this unit can choose how its people sign in."))
    if way not in (None, *SIGN_IN):
        raise PeopleError(
            _l("Choose one of the ways in."), {"sign_in": _l("Choose one of the ways in.")}
        )
    audit(
        "sign_in_changed",
        by,
        unit,
        before=unit.sign_in,
        after=way,
        creates_before=unit.directory_creates,
        creates=creates,
    )
    unit.sign_in = way
    unit.directory_creates = creates
    db.session.flush()
    return unit
