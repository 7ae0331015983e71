"""Personal data (PDPA): everything the system holds about a person, for them to download (a
ZIP made by the task queue: data.json and their evidence files), and a departed person made
anonymous by an administrator.

Anonymising replaces the names, e-mail and employee number, clears the free text they wrote or
that was written about them (justifications, goals' words, learning notes, feedback, plan
versions, the details of audit events about them) and removes their evidence files; every row a
figure counts (memberships, ratings' levels, plans' statuses, activities' hours and buckets)
stays, so every unit figure of every cycle stays exactly the same. On PostgreSQL the audit log
refuses changes except through this one service (`thaksa.anonymising`, migration b9d1f3a5c7e9).
"""

import json
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from flask_babel import lazy_gettext as _l
from sqlalchemy import String, cast, delete, inspect, or_, select, text, update

from lms.activities.evidence import stored_path
from lms.audit import audit
from lms.clock import utcnow
from lms.extensions import db
from lms.jobs import NotAllowed, execute, file_path, progress
from lms.models import (
    AccountToken,
    ApiToken,
    AuditEvent,
    Delegation,
    EvidenceFile,
    FeedbackMessage,
    FeedbackThread,
    Goal,
    LearningActivity,
    Notification,
    Person,
    Plan,
    PlannedActivity,
    PlanVersion,
    Rating,
    RoleAssignment,
    SelfAssessment,
    SubSkillRating,
    SupervisorRating,
    UnitMembership,
    new_session_token,
)
from lms.rules import RuleError

KIND = "personal_data"
REMOVED = "—"  # what free text becomes
SECRET = {"password_hash", "session_token", "token_hash", "secret_hash", "search_key", "line"}
ANONYMOUS_PREFIX = "ANON-"


class AnonymiseRefused(RuleError):
    """The person cannot be made anonymous (still active, or already anonymous)."""


# -- what is held -------------------------------------------------------------------------------


def _plain(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _row(obj) -> dict:
    """Every column of a row but the secrets (hashes, session tokens)."""
    return {
        column.key: _plain(getattr(obj, column.key))
        for column in inspect(obj).mapper.column_attrs
        if column.key not in SECRET
    }


def _rows(model, *where) -> list[dict]:
    return [_row(obj) for obj in db.session.scalars(select(model).where(*where).order_by(model.id))]


def personal_data(person: Person) -> dict:
    """Everything the system holds about `person`, table by table, as plain JSON."""
    assessments = select(SelfAssessment.id).where(SelfAssessment.person_id == person.id)
    plans = select(Plan.id).where(Plan.person_id == person.id)
    goals = select(Goal.id).where(Goal.plan_id.in_(plans))
    activities = select(LearningActivity.id).where(LearningActivity.person_id == person.id)
    threads = select(FeedbackThread.id).where(FeedbackThread.subject_id == person.id)
    return {
        "exported_at": utcnow().isoformat(),
        "about": "Thaksa: everything held about one person (PDPA), table by table",
        "person": _row(person),
        "role_assignments": _rows(RoleAssignment, RoleAssignment.person_id == person.id),
        "unit_memberships": _rows(UnitMembership, UnitMembership.person_id == person.id),
        "self_assessments": _rows(SelfAssessment, SelfAssessment.person_id == person.id),
        "ratings": _rows(Rating, Rating.assessment_id.in_(assessments)),
        "sub_skill_ratings": _rows(SubSkillRating, SubSkillRating.assessment_id.in_(assessments)),
        "supervisor_ratings": _rows(SupervisorRating, SupervisorRating.person_id == person.id),
        "plans": _rows(Plan, Plan.person_id == person.id),
        "goals": _rows(Goal, Goal.plan_id.in_(plans)),
        "planned_activities": _rows(PlannedActivity, PlannedActivity.goal_id.in_(goals)),
        "plan_versions": _rows(PlanVersion, PlanVersion.plan_id.in_(plans)),
        "learning_activities": _rows(LearningActivity, LearningActivity.person_id == person.id),
        "evidence_files": _rows(EvidenceFile, EvidenceFile.activity_id.in_(activities)),
        "feedback_threads": _rows(FeedbackThread, FeedbackThread.subject_id == person.id),
        "feedback_messages": _rows(
            FeedbackMessage,
            or_(FeedbackMessage.thread_id.in_(threads), FeedbackMessage.author_id == person.id),
        ),
        "notifications": _rows(Notification, Notification.person_id == person.id),
        "delegations": _rows(
            Delegation,
            or_(Delegation.delegator_id == person.id, Delegation.delegate_id == person.id),
        ),
        "api_tokens": _rows(ApiToken, ApiToken.person_id == person.id),
        "account_tokens": _rows(AccountToken, AccountToken.person_id == person.id),
        "audit_events": _rows(
            AuditEvent, or_(AuditEvent.actor_id == person.id, AuditEvent.subject_id == person.id)
        ),
    }


def write_zip(person: Person, path: Path) -> int:
    """data.json and the person's evidence files (evidence/<id>-<original name>) in a ZIP;
    returns how many files it holds."""
    data = personal_data(person)
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 1
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(data, ensure_ascii=False, indent=2))
        for evidence in db.session.scalars(
            select(EvidenceFile)
            .join(LearningActivity, LearningActivity.id == EvidenceFile.activity_id)
            .where(LearningActivity.person_id == person.id)
            .order_by(EvidenceFile.id)
        ):
            source = stored_path(evidence)
            if source.exists():
                archive.write(source, f"evidence/{evidence.id}-{evidence.original_name}")
                count += 1
    return count


def run_export(job_id: str) -> None:
    """The queued task's body: the job's person's own data, never anyone else's."""
    execute(job_id, _export)


def _export(job) -> None:
    person = db.session.get(Person, job.person_id)
    if person is None or not person.is_active:
        raise NotAllowed
    progress(job, 20)
    write_zip(person, file_path(job))
    db.session.commit()


# -- anonymising a departed person ------------------------------------------------------------


def is_anonymous(person: Person) -> bool:
    return person.employee_no.startswith(ANONYMOUS_PREFIX)


def anonymise(person: Person, *, by: Person | None) -> list[Path]:
    """Make a departed person anonymous (the caller commits, then removes the returned
    evidence files: a rollback keeps them)."""
    if person.is_active:
        raise AnonymiseRefused(
            _l(
                "%(name)s is still active: only a person who has left can be made anonymous. "
                "Deactivate them first, from the day they left.",
                name=person.name_th,
            )
        )
    if is_anonymous(person):
        raise AnonymiseRefused(_l("This person is anonymous already."))
    words = [
        w
        for w in (
            person.employee_no,
            person.email,
            person.name_th,
            person.name_en,
            person.display_name,
        )
        if w
    ]
    pseudonym = f"{ANONYMOUS_PREFIX}{person.id}"
    person.employee_no = pseudonym
    person.email = None
    person.name_th = f"ผู้ที่ลบข้อมูลแล้ว {person.id}"
    person.name_en = f"Anonymised person {person.id}"
    person.display_name = None
    person.position_th = None
    person.password_hash = None
    person.session_token = new_session_token()
    person.sign_in = None
    person.last_login_at = None
    _clear_free_text(person)
    files = _drop_evidence(person)
    for model in (Notification, ApiToken, AccountToken, RoleAssignment):
        db.session.execute(delete(model).where(model.person_id == person.id))
    _scrub_audit(person, words, pseudonym)
    db.session.flush()
    audit("person_anonymised", by, person, employee_no=pseudonym, evidence_files=len(files))
    return files


def _clear_free_text(person: Person) -> None:
    assessments = select(SelfAssessment.id).where(SelfAssessment.person_id == person.id)
    plans = select(Plan.id).where(Plan.person_id == person.id)
    goals = select(Goal.id).where(Goal.plan_id.in_(plans))
    threads = select(FeedbackThread.id).where(FeedbackThread.subject_id == person.id)
    statements = [
        update(Rating).where(Rating.assessment_id.in_(assessments)).values(justification=None),
        update(PlannedActivity).where(PlannedActivity.goal_id.in_(goals)).values(title=REMOVED),
        update(FeedbackMessage)
        .where(or_(FeedbackMessage.thread_id.in_(threads), FeedbackMessage.author_id == person.id))
        .values(body=REMOVED),
        update(Delegation)
        .where(or_(Delegation.delegator_id == person.id, Delegation.delegate_id == person.id))
        .values(note=None),
    ]
    for statement in statements:
        db.session.execute(statement.execution_options(synchronize_session=False))
    # rows the report summary follows change through the ORM (a bulk UPDATE there is refused):
    # their words go, their levels, statuses, hours and buckets stay (the figures count them)
    for rating in db.session.scalars(
        select(SupervisorRating).where(SupervisorRating.person_id == person.id)
    ):
        rating.comment = None
    for plan in db.session.scalars(select(Plan).where(Plan.person_id == person.id)):
        plan.review_comment = plan.closed_early_reason = None
    for goal in db.session.scalars(select(Goal).where(Goal.id.in_(goals))):
        goal.success_criteria = goal.support_needed = goal.self_note = goal.supervisor_note = None
    for activity in db.session.scalars(
        select(LearningActivity).where(LearningActivity.person_id == person.id)
    ):
        activity.title = REMOVED
        activity.learned = activity.applied = activity.provider_name = activity.url = None
    for version in db.session.scalars(select(PlanVersion).where(PlanVersion.plan_id.in_(plans))):
        version.snapshot = _snapshot_without_words(version.snapshot)
        version.note = None


def _snapshot_without_words(snapshot: dict) -> dict:
    goals = []
    for goal in snapshot.get("goals", []):
        goal = {**goal, "success_criteria": None, "support_needed": None}
        goal["activities"] = [{**a, "title": REMOVED} for a in goal.get("activities", [])]
        goals.append(goal)
    return {**snapshot, "goals": goals}


def _drop_evidence(person: Person) -> list[Path]:
    evidence = list(
        db.session.scalars(
            select(EvidenceFile)
            .join(LearningActivity, LearningActivity.id == EvidenceFile.activity_id)
            .where(LearningActivity.person_id == person.id)
        )
    )
    files = [stored_path(e) for e in evidence]
    for row in evidence:
        db.session.delete(row)
    return files


def _scrub_audit(person: Person, words: list[str], pseudonym: str) -> None:
    """The details of the events by or about the person, their words replaced by the
    pseudonym, and the addresses they came from dropped: past the append-only log's one gate
    on PostgreSQL (SET LOCAL: this transaction only)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL thaksa.anonymising = 'on'"))
    written = cast(AuditEvent.details, String)
    about = or_(
        AuditEvent.actor_id == person.id,
        AuditEvent.subject_id == person.id,
        (AuditEvent.target_type == "Person") & (AuditEvent.target_id == person.id),
        # events about someone else that name them (a supervisor changed from them): their
        # words as written, and as JSON writes them (Thai letters escaped as code points)
        *(
            written.contains(form, autoescape=True)
            for word in words
            for form in {word, json.dumps(word)[1:-1]}
        ),
    )
    for event in db.session.execute(
        select(AuditEvent.id, AuditEvent.details, AuditEvent.actor_id).where(about)
    ).all():
        details = _replaced(event.details or {}, words, pseudonym)
        values = {"details": details}
        if event.actor_id == person.id:
            values["ip"] = None
        db.session.execute(
            update(AuditEvent)
            .where(AuditEvent.id == event.id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )


def _replaced(value, words: list[str], pseudonym: str):
    if isinstance(value, str):
        for word in sorted(words, key=len, reverse=True):
            value = value.replace(word, pseudonym)
        return value
    if isinstance(value, list):
        return [_replaced(v, words, pseudonym) for v in value]
    if isinstance(value, dict):
        return {k: _replaced(v, words, pseudonym) for k, v in value.items()}
    return value


def remove_files(paths: list[Path]) -> int:
    """Remove the evidence files of an anonymised person (after the commit); how many went."""
    removed = 0
    for path in paths:
        try:
            path.unlink()
            removed += 1
        except FileNotFoundError:
            continue
    return removed
