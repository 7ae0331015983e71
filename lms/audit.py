"""The audit log: who approved, returned, exported, granted or imported what, and when."""

from flask import has_request_context, request

from lms.extensions import db
from lms.models import AuditEvent, Person, Unit


def audit(action: str, actor: Person | None, target=None, **details) -> AuditEvent:
    """Record an audit event in the current transaction (it commits with the change it tells of),
    with whom it is about and their unit (HR reads the log of their subtree)."""
    subject, unit_id = _about(target)
    event = AuditEvent(
        action=action,
        actor_id=actor.id if actor else None,
        target_type=type(target).__name__ if target is not None else None,
        target_id=getattr(target, "id", None),
        subject_id=subject.id if subject is not None else None,
        unit_id=unit_id,
        details=details,
        ip=request.remote_addr if has_request_context() else None,
    )
    db.session.add(event)
    return event


def _about(target) -> tuple[Person | None, int | None]:
    """The person an event about `target` concerns, and the unit it belongs to: a person, the
    owner of what they own (a plan, an assessment, an activity, a token), or a unit."""
    if isinstance(target, Unit):
        return None, target.id
    person = target if isinstance(target, Person) else getattr(target, "person", None)
    if not isinstance(person, Person):
        return None, None
    return person, person.unit_id
