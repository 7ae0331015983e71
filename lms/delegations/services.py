"""Handing review over while on leave: a supervisor names who reviews for them, for a range of
days; the delegation can be cancelled."""

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lms import permissions
from lms.audit import audit
from lms.clock import today, utcnow
from lms.extensions import db
from lms.i18n import BEDate
from lms.models import (
    Delegation,
    Person,
)
from lms.notifications import link_to, notify
from lms.reviews.services import ReviewError, clean_note, refuse_if

MAX_DELEGATION_DAYS = 366


# -- delegation ----------------------------------------------------------------------------------


def delegations_of(person: Person) -> list[Delegation]:
    """Delegations `person` made or received, current and future first."""
    query = (
        select(Delegation)
        .where((Delegation.delegator_id == person.id) | (Delegation.delegate_id == person.id))
        .order_by(Delegation.ends_on.desc(), Delegation.id.desc())
    )
    return list(db.session.scalars(query))


def delegate_review(
    delegator: Person,
    delegate: Person | None,
    starts_on: date | None,
    ends_on: date | None,
    *,
    by: Person,
    note: str | None = None,
) -> Delegation:
    """`delegator` (on leave) hands their review to `delegate` from `starts_on` to
    `ends_on`, both days included."""
    if not (permissions.is_owner(by, delegator.id) or permissions.is_admin(by)):
        raise ReviewError(_l("Only the supervisor themselves can hand over their review."))
    errors: dict = {}
    if delegate is None or not delegate.is_active:
        errors["delegate"] = _l("No active person has this name, employee number or e-mail.")
    elif delegate.id == delegator.id:
        errors["delegate"] = _l("Choose someone other than yourself.")
    if starts_on is None:
        errors["starts_on"] = _l("Please give the first day.")
    if ends_on is None:
        errors["ends_on"] = _l("Please give the last day.")
    if starts_on and ends_on:
        if ends_on < starts_on:
            errors["ends_on"] = _l("The last day cannot be before the first day.")
        elif ends_on < today():
            errors["ends_on"] = _l("The last day has already passed.")
        elif ends_on - starts_on > timedelta(days=MAX_DELEGATION_DAYS):
            errors["ends_on"] = _l("A hand-over lasts at most one year.")
    note = clean_note(note, "note", errors)
    refuse_if(errors)
    delegation = Delegation(
        delegator_id=delegator.id,
        delegate_id=delegate.id,
        starts_on=starts_on,
        ends_on=ends_on,
        note=note,
        created_by_id=by.id,
    )
    db.session.add(delegation)
    db.session.flush()
    audit(
        "review_delegated",
        by,
        delegation,
        delegator=delegator.employee_no,
        delegate=delegate.employee_no,
        starts_on=starts_on.isoformat(),
        ends_on=ends_on.isoformat(),
    )
    notify(
        delegate,
        "delegation",
        _l(
            "%(name)s asked you to review for them from %(start)s to %(end)s.",
            name=delegator.name_th,
            start=BEDate(starts_on),
            end=BEDate(ends_on),
        ),
        link=link_to("inbox.index"),
    )
    return delegation


def cancel_delegation(delegation: Delegation, *, by: Person) -> Delegation:
    if not (permissions.is_owner(by, delegation.delegator_id) or permissions.is_admin(by)):
        raise ReviewError(_l("Only the supervisor themselves can end their hand-over."))
    if delegation.cancelled_at is None:
        delegation.cancelled_at = utcnow()
        audit("review_delegation_cancelled", by, delegation)
        db.session.flush()
    return delegation
