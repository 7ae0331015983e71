"""Work too long for a web request, done by the task queue for one person: report files today,
imports, personal-data exports and outgoing learning records next. One record per request:
what it is (`kind` and its `params`), how far it is, and its file or error."""

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from lms.clock import utcnow
from lms.extensions import db
from lms.vocab import sql_in

JOB_KINDS = (
    "report_pdf",
    "report_people",
    "plan_pdf",
    "import",
    "apply_template",
    "personal_data",
)
JOB_STATUSES = ("queued", "running", "done", "failed")


class Job(db.Model):
    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # random: the download's name
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    params: Mapped[dict] = mapped_column(JSON, default=dict)  # what the kind needs to run
    locale: Mapped[str] = mapped_column(String(5), default="th")
    status: Mapped[str] = mapped_column(String(10), default="queued")
    progress: Mapped[int] = mapped_column(default=0)  # percent
    file_name: Mapped[str | None] = mapped_column(String(200))
    error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    # Written by the consumer while it runs the job; a running job whose heartbeat stopped
    # belongs to a consumer that died (lms.jobs.recover_abandoned).
    heartbeat_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")  # runs started

    __table_args__ = (
        CheckConstraint(sql_in("kind", JOB_KINDS), name="kind_known"),
        CheckConstraint(sql_in("status", JOB_STATUSES), name="status_known"),
        CheckConstraint("progress >= 0 AND progress <= 100", name="progress_range"),
    )

    def __repr__(self) -> str:
        return f"<Job {self.kind} {self.status} {self.progress}%>"


class SystemState(db.Model):
    """A fact the app keeps about its own running, by name (e.g. "remind": the last reminder
    run, for the administrators' health page): every app server reads the same."""

    __tablename__ = "system_state"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
