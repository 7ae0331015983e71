"""Learning done elsewhere (issue 22): the learning providers that send xAPI statements, every
statement as it came, and the completions waiting for their person to confirm them into the
learning log (from a statement or from a provider's completion file)."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.extensions import db
from lms.models.activity import LearningActivity
from lms.models.common import utcnow
from lms.models.course import Course, Provider
from lms.models.cycle import Cycle
from lms.models.person import Person
from lms.vocab import sql_in


class XapiClient(db.Model):
    """A learning provider's credentials for /xapi/ (HTTP Basic KEY:SECRET; the secret is
    stored as its SHA-256 only). Its courses are looked for first among `provider`'s."""

    __tablename__ = "xapi_clients"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("providers.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    provider: Mapped[Provider | None] = relationship()


COMPLETION_SOURCES = ("xapi", "file")
COMPLETION_STATES = ("pending", "confirmed", "dismissed")


class Completion(db.Model):
    """A course a person completed elsewhere, waiting for them to confirm it (then it is a
    formal (10) activity of their log, `activity`) or dismiss it. Never counted before that:
    reports read the learning log only. One per person, year and course: a "passed" after a
    "completed" of the same course adds its score to the same completion."""

    __tablename__ = "completions"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id"))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    source: Mapped[str] = mapped_column(String(5))  # xapi or file
    source_name: Mapped[str] = mapped_column(String(120))  # "from <provider>"
    completed_on: Mapped[date]
    score: Mapped[int | None]  # 0-100
    passed: Mapped[bool | None]
    hours: Mapped[Decimal | None] = mapped_column(Numeric(6, 1))  # as the provider said
    status: Mapped[str] = mapped_column(String(10), default="pending")
    activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("learning_activities.id", ondelete="SET NULL")
    )
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]

    person: Mapped[Person] = relationship()
    cycle: Mapped[Cycle] = relationship()
    course: Mapped[Course] = relationship()
    activity: Mapped[LearningActivity | None] = relationship()

    __table_args__ = (
        CheckConstraint(sql_in("source", COMPLETION_SOURCES), name="source_known"),
        CheckConstraint(sql_in("status", COMPLETION_STATES), name="status_known"),
        CheckConstraint("score IS NULL OR (score >= 0 AND score <= 100)", name="score_range"),
        CheckConstraint("hours IS NULL OR (hours > 0 AND hours <= 1000)", name="hours_range"),
        UniqueConstraint("person_id", "cycle_id", "course_id"),
        Index("ix_completions_person_status", "person_id", "status"),
    )


# What became of a statement: a completion made or added to ("used"), not a completion
# ("stored": kept as sent, nothing to do), kept aside for HR (`reason`), or voided later.
STATEMENT_STATES = ("used", "stored", "aside", "voided")
ASIDE_REASONS = ("unknown_person", "unknown_course", "no_year", "year_closed")


class XapiStatement(db.Model):
    """A statement as a provider sent it (`body`, with the LRS's id, stored and authority),
    never lost: what it became is `status`, with the reason when it waits for HR."""

    __tablename__ = "xapi_statements"

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[str] = mapped_column(String(36), unique=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("xapi_clients.id"))
    body: Mapped[str] = mapped_column(Text)
    verb: Mapped[str] = mapped_column(String(500))
    activity_iri: Mapped[str | None] = mapped_column(String(500))
    # the actor as the filter `agent` compares it: mailto:..., sha1:..., openid:..., account:...
    actor_key: Mapped[str] = mapped_column(String(600))
    timestamp: Mapped[datetime]
    stored: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str | None] = mapped_column(String(20))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    completion_id: Mapped[int | None] = mapped_column(
        ForeignKey("completions.id", ondelete="SET NULL")
    )
    resolved_at: Mapped[datetime | None]  # when HR's retry found its person and course

    client: Mapped[XapiClient] = relationship()
    person: Mapped[Person | None] = relationship()
    completion: Mapped[Completion | None] = relationship()

    __table_args__ = (
        CheckConstraint(sql_in("status", STATEMENT_STATES), name="status_known"),
        Index("ix_xapi_statements_client_stored", "client_id", "stored", "id"),
        Index("ix_xapi_statements_status", "status", "stored"),
        Index("ix_xapi_statements_completion", "completion_id"),
    )
