"""The audit log: who approved, returned, exported, granted or imported what, and when."""

from flask import has_request_context, request

from lms.extensions import db
from lms.models import AuditEvent, Person


def audit(action: str, actor: Person | None, target=None, **details) -> AuditEvent:
    """Record an audit event in the current transaction (it commits with the change it tells of)."""
    event = AuditEvent(
        action=action,
        actor_id=actor.id if actor else None,
        target_type=type(target).__name__ if target is not None else None,
        target_id=getattr(target, "id", None),
        details=details,
        ip=request.remote_addr if has_request_context() else None,
    )
    db.session.add(event)
    return event
