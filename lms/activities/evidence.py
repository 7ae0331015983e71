"""Evidence files: type checked by content, stored outside the web root under random names."""

import hashlib
import secrets
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lms import permissions
from lms.extensions import db
from lms.models import EvidenceFile, LearningActivity, Person
from lms.rules import RuleError

MAX_EVIDENCE_BYTES = 5 * 1024 * 1024
KINDS = ("certificate", "screenshot", "document", "other")
# What a file really is, from its first bytes, and the names it may carry.
SIGNATURES = [
    (b"%PDF-", "application/pdf", {".pdf"}),
    (b"\x89PNG\r\n\x1a\n", "image/png", {".png"}),
    (b"\xff\xd8\xff", "image/jpeg", {".jpg", ".jpeg"}),
]


class EvidenceError(RuleError):
    """An evidence file was refused."""


def sniff(head: bytes) -> tuple[str, set[str]] | None:
    """The content type and allowed extensions of a file starting with `head`, or None."""
    for magic, content_type, extensions in SIGNATURES:
        if head.startswith(magic):
            return content_type, extensions
    return None


def upload_root() -> Path:
    root = Path(current_app.config["UPLOAD_DIR"])
    root.mkdir(parents=True, exist_ok=True)
    return root


def stored_path(evidence: EvidenceFile) -> Path:
    return upload_root() / evidence.stored_name[:2] / evidence.stored_name


def attach_evidence(
    activity: LearningActivity, data: bytes, filename: str, kind: str, *, by: Person
) -> EvidenceFile:
    """Check and store one evidence file for an activity of `by`'s own."""
    if not permissions.is_owner(by, activity.person_id):
        raise EvidenceError(_l("Only the person themselves can add evidence to their learning."))
    if not permissions.cycle_accepts_changes(activity.cycle):
        raise EvidenceError(_l("This cycle is closed, so its learning log cannot change."))
    name = Path(filename or "").name.strip()
    if not data or not name:
        raise EvidenceError(_l("Choose a file to upload."), {"file": _l("Choose a file.")})
    if len(data) > MAX_EVIDENCE_BYTES:
        raise EvidenceError(
            _l("The file is larger than 5 MB. Please upload a smaller file."),
            {"file": _l("At most 5 MB.")},
        )
    detected = sniff(data[:16])
    extension = Path(name).suffix.lower()
    if detected is None:
        raise EvidenceError(
            _l("Only PDF, PNG and JPEG files can be evidence."),
            {"file": _l("Use a PDF, PNG or JPEG file.")},
        )
    content_type, extensions = detected
    if extension not in extensions:
        raise EvidenceError(
            _l(
                "The file is not what its name says: its content is not a %(ext)s file.",
                ext=extension or "?",
            ),
            {"file": _l("The name and the content of the file do not match.")},
        )
    digest = hashlib.sha256(data).hexdigest()
    duplicate = db.session.scalars(
        select(EvidenceFile.id).where(
            EvidenceFile.activity_id == activity.id, EvidenceFile.sha256 == digest
        )
    ).first()
    if duplicate:
        raise EvidenceError(
            _l("This file is already attached to the activity."), {"file": _l("Already attached.")}
        )
    evidence = EvidenceFile(
        activity_id=activity.id,
        original_name=name[:255],
        stored_name=secrets.token_hex(24),
        content_type=content_type,
        size=len(data),
        sha256=digest,
        kind=kind if kind in KINDS else "other",
    )
    path = stored_path(evidence)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    db.session.add(evidence)
    db.session.flush()
    return evidence


def remove_evidence(evidence: EvidenceFile, *, by: Person) -> Path:
    """Delete the record; returns the file to unlink once the deletion is committed."""
    activity = evidence.activity
    if not permissions.is_owner(by, activity.person_id):
        raise EvidenceError(_l("Only the person themselves can remove their evidence."))
    if not permissions.cycle_accepts_changes(activity.cycle):
        raise EvidenceError(_l("This cycle is closed, so its learning log cannot change."))
    path = stored_path(evidence)
    db.session.delete(evidence)
    db.session.flush()
    return path
