"""Reporting lines: HR of a person's unit (or an administrator) names their supervisor, with an
audit record; what waits for review follows."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lms import permissions
from lms.audit import audit
from lms.extensions import db
from lms.models import (
    Person,
    Plan,
)
from lms.notifications import link_to, notify
from lms.rules import RuleError
from lms.vocab import PlanStatus


class SupervisorError(RuleError):
    """A supervisor cannot be named as asked."""


def reassign_supervisor(person: Person, supervisor: Person | None, *, by: Person) -> Person:
    """HR (of the person's unit) or an administrator names a new supervisor; what waits for
    review follows, since it is always worked out from the reporting line."""
    if not permissions.may_change_supervisor(by, person):
        raise SupervisorError(_l("Only HR of this person's unit can change their supervisor."))
    if supervisor is not None:
        if not supervisor.is_active:
            raise SupervisorError(
                _l("No active person has this name, employee number or e-mail."),
                {"supervisor": _l("No active person has this name, employee number or e-mail.")},
            )
        if supervisor.id == person.id or permissions.supervises(person, supervisor):
            raise SupervisorError(
                _l("This would make a circle in the reporting line."),
                {"supervisor": _l("Choose someone who is not below this person.")},
            )
    before = person.supervisor.employee_no if person.supervisor else None
    person.supervisor = supervisor
    audit(
        "supervisor_changed",
        by,
        person,
        before=before,
        after=supervisor.employee_no if supervisor else None,
    )
    db.session.flush()
    waiting = db.session.scalars(
        select(Plan).where(Plan.person_id == person.id, Plan.status == PlanStatus.SUBMITTED)
    ).first()
    if waiting is not None and supervisor is not None:
        notify(
            permissions.review_route(person).reviewer,
            "plan_submitted",
            _l(
                "%(name)s now reports to you; their development plan for FY %(year)d waits "
                "for your review.",
                name=person.name_th,
                year=waiting.cycle.be_year,
            ),
            link=link_to(
                "reviews.plan", employee_no=person.employee_no, be_year=waiting.cycle.be_year
            ),
        )
    return person
