"""Evidence files: type checked by content, stored outside the web root under random names."""

import hashlib
import secrets
import time
import unicodedata
from datetime import timedelta
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from lms import permissions
from lms.extensions import db
from lms.models import EvidenceFile, LearningActivity, Person
from lms.rules import RuleError

MAX_EVIDENCE_BYTES = 5 * 1024 * 1024
MAX_FILES_PER_ACTIVITY = 10
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
    name = safe_filename(filename)
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
    count = db.session.scalar(
        select(func.count(EvidenceFile.id)).where(EvidenceFile.activity_id == activity.id)
    )
    if count >= MAX_FILES_PER_ACTIVITY:
        raise EvidenceError(
            _l(
                "An activity keeps at most %(num)d files. Remove one before adding another.",
                num=MAX_FILES_PER_ACTIVITY,
            ),
            {"file": _l("At most %(num)d files.", num=MAX_FILES_PER_ACTIVITY)},
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
    db.session.add(evidence)
    db.session.flush()  # the row can be written: only now the file
    path = stored_path(evidence)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    db.session.info.setdefault(_WRITTEN, []).append(path)  # removed again if the commit fails
    return evidence


def safe_filename(filename: str | None) -> str:
    """The last part of an uploaded file's name, without control or format characters (CR,
    LF, NUL, direction marks), so it can be stored and sent back in a header."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    kept = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf"))
    return kept.strip()[:255]


_WRITTEN = "evidence_files_written"


@event.listens_for(Session, "after_commit")
def _keep_written_files(session) -> None:
    session.info.pop(_WRITTEN, None)


@event.listens_for(Session, "after_rollback")
def _remove_written_files(session) -> None:
    """A file whose row was rolled back (a failed commit, a double-click) goes too."""
    for path in session.info.pop(_WRITTEN, []):
        path.unlink(missing_ok=True)


def orphan_files(*, older_than: timedelta = timedelta(hours=1)) -> list[Path]:
    """Files in UPLOAD_DIR that no evidence row names (left by a crash mid-upload), older than
    `older_than` so that uploads in flight are never touched."""
    root = upload_root()
    known = set(db.session.scalars(select(EvidenceFile.stored_name)))
    cutoff = time.time() - older_than.total_seconds()
    return [
        path
        for path in root.glob("*/*")
        if path.is_file() and path.name not in known and path.stat().st_mtime < cutoff
    ]


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
