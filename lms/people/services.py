"""People: lists with their progress in a cycle (scoped by permissions.py), a person's
years, and accounts made from the command line."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, null, or_, select
from sqlalchemy.orm import joinedload

from lms.audit import audit
from lms.auth.services import MIN_PASSWORD_LENGTH, set_password
from lms.clock import today
from lms.extensions import db
from lms.models import Cycle, LearningActivity, Person, Plan, RoleGroup, SelfAssessment, Unit
from lms.people.org import add_person, add_unit, unit_by_code
from lms.permissions import reports_query, visible_people_query
from lms.rules import RuleError
from lms.vocab import Role

PAGE_SIZE = 50


class PeopleError(RuleError):
    """A person or account cannot be created or changed as asked."""


@dataclass
class PersonRow:
    person: Person
    assessment_status: str  # none, draft, submitted


@dataclass
class Page:
    rows: list[PersonRow]
    total: int
    page: int
    pages: int


def _with_status(query: Select, cycle: Cycle | None) -> Select:
    if cycle is None:
        return query.add_columns(null().label("status"))
    return query.outerjoin(
        SelfAssessment,
        (SelfAssessment.person_id == Person.id) & (SelfAssessment.cycle_id == cycle.id),
    ).add_columns(SelfAssessment.status)


def _rows(query: Select) -> list[PersonRow]:
    result = db.session.execute(
        query.options(joinedload(Person.unit), joinedload(Person.role_group))
    )
    return [PersonRow(person, status or "none") for person, status in result]


def team(supervisor: Person, cycle: Cycle | None) -> list[PersonRow]:
    """Direct and indirect reports of `supervisor`, direct ones first."""
    query = select(Person).where(Person.id.in_(reports_query(supervisor)))
    query = query.where(Person.deactivated_on.is_(None))
    query = query.order_by((Person.supervisor_id != supervisor.id), Person.name_th)
    return _rows(_with_status(query, cycle))


def search_people(
    viewer: Person, cycle: Cycle | None, *, text: str = "", unit: Unit | None = None, page: int = 1
) -> Page:
    """People `viewer` may see, filtered by name/number/e-mail text and unit subtree."""
    query = visible_people_query(viewer).where(Person.deactivated_on.is_(None))
    text = text.strip()
    if text:
        like = f"%{text.lower()}%"
        query = query.where(
            or_(
                func.lower(Person.name_th).like(like),
                func.lower(Person.name_en).like(like),
                func.lower(Person.email).like(like),
                Person.employee_no.like(like),
            )
        )
    if unit is not None:
        query = query.where(Unit.path.startswith(unit.path))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    query = (
        query.order_by(Unit.code, Person.name_th).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
    )
    return Page(_rows(_with_status(query, cycle)), total, page, pages)


def person_by_employee_no(employee_no: str) -> Person | None:
    return db.session.scalars(select(Person).where(Person.employee_no == employee_no)).first()


@dataclass
class CycleSummary:
    cycle: Cycle
    assessment: SelfAssessment | None
    plan: Plan | None
    activities: int


def year_by_year(person: Person) -> list[CycleSummary]:
    """Every cycle, newest first, with the person's assessment, plan and activity count."""
    cycles = db.session.scalars(select(Cycle).order_by(Cycle.be_year.desc())).all()
    assessments = {
        a.cycle_id: a
        for a in db.session.scalars(
            select(SelfAssessment).where(SelfAssessment.person_id == person.id)
        )
    }
    plans = {
        p.cycle_id: p for p in db.session.scalars(select(Plan).where(Plan.person_id == person.id))
    }
    counts = {
        cycle_id: count
        for cycle_id, count in db.session.execute(
            select(LearningActivity.cycle_id, func.count())
            .where(LearningActivity.person_id == person.id)
            .group_by(LearningActivity.cycle_id)
        )
    }
    return [
        CycleSummary(c, assessments.get(c.id), plans.get(c.id), counts.get(c.id, 0)) for c in cycles
    ]


def create_admin(
    *,
    email: str,
    employee_no: str,
    name_th: str,
    unit_code: str,
    role_group_code: str,
    password: str,
) -> Person:
    """An administrator (scoped to everything) in unit `unit_code`, created as a root unit when
    the organisation is still empty. The role grant is audited."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PeopleError(
            _l("The password needs at least %(num)d characters.", num=MIN_PASSWORD_LENGTH)
        )
    taken = select(Person.id).where((Person.email == email) | (Person.employee_no == employee_no))
    if db.session.scalars(taken).first() is not None:
        raise PeopleError(_l("A person with this e-mail or employee number already exists."))
    group = db.session.scalars(select(RoleGroup).where(RoleGroup.code == role_group_code)).first()
    if group is None:
        raise PeopleError(
            _l(
                "Unknown role group %(code)s; run 'flask lms init' first.",
                code=repr(role_group_code),
            )
        )
    unit = unit_by_code(unit_code) or add_unit(unit_code, unit_code)
    person = add_person(
        unit=unit,
        since=today(),
        roles=((Role.ADMIN, None),),
        email=email,
        employee_no=employee_no,
        name_th=name_th,
        role_group_id=group.id,
    )
    set_password(person, password)
    audit("role_granted", None, person, role=Role.ADMIN.value, via="cli")
    db.session.flush()
    return person
