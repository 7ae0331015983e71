"""The 70:20:10 learning log: activity kinds, logged activities and their evidence files."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.extensions import db
from lms.models.common import Localised, utcnow
from lms.models.course import Course
from lms.models.cycle import Cycle
from lms.models.person import Person
from lms.models.plan import Goal
from lms.vocab import BUCKETS, sql_in


class ActivityKind(Localised, db.Model):
    """A kind of learning within a 70, 20 or 10 bucket (coaching, e-learning, ...)."""

    __tablename__ = "activity_kinds"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    bucket: Mapped[str] = mapped_column(String(2))
    name_th: Mapped[str] = mapped_column(String(255))
    name_en: Mapped[str | None] = mapped_column(String(255))
    position: Mapped[int] = mapped_column(default=0)

    __table_args__ = (CheckConstraint(sql_in("bucket", BUCKETS), name="bucket_known"),)


class LearningActivity(db.Model):
    __tablename__ = "learning_activities"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id"))
    goal_id: Mapped[int | None] = mapped_column(ForeignKey("goals.id", ondelete="SET NULL"))
    bucket: Mapped[str] = mapped_column(String(2))
    kind_id: Mapped[int | None] = mapped_column(ForeignKey("activity_kinds.id"))
    title: Mapped[str] = mapped_column(String(500))
    occurred_on: Mapped[date]  # the (first) day of the activity
    ended_on: Mapped[date | None]  # the last day, for activities over several days
    hours: Mapped[Decimal] = mapped_column(Numeric(6, 1))
    learned: Mapped[str | None] = mapped_column(Text)
    applied: Mapped[str | None] = mapped_column(Text)
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id"))
    provider_name: Mapped[str | None] = mapped_column(String(255))  # a course not in the catalogue
    url: Mapped[str | None] = mapped_column(String(500))
    pre_score: Mapped[int | None]
    post_score: Mapped[int | None]
    completed: Mapped[bool] = mapped_column(default=False)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    verified_at: Mapped[datetime | None]
    applied_at_work: Mapped[bool] = mapped_column(default=False)  # recognition mark
    # "from <provider>": confirmed from a completion a provider sent (xAPI or its file)
    received_from: Mapped[str | None] = mapped_column(String(120))
    # The form's one-time key: a double-click or a resent form stores the activity once.
    submission_key: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Optimistic lock: a verification (or edit) made from a page showing an older version is
    # refused, so of two reviewers at once one wins and the other is told.
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    verified_by: Mapped[Person | None] = relationship(foreign_keys=[verified_by_id])
    cycle: Mapped[Cycle] = relationship()
    goal: Mapped[Goal | None] = relationship()
    kind: Mapped[ActivityKind | None] = relationship()
    course: Mapped[Course | None] = relationship()
    evidence: Mapped[list["EvidenceFile"]] = relationship(
        back_populates="activity", cascade="all, delete-orphan"
    )

    __table_args__ = (
        CheckConstraint(sql_in("bucket", BUCKETS), name="bucket_known"),
        CheckConstraint("hours > 0 AND hours <= 1000", name="hours_range"),
        CheckConstraint("ended_on IS NULL OR ended_on >= occurred_on", name="dates_ordered"),
        CheckConstraint(
            "pre_score IS NULL OR (pre_score >= 0 AND pre_score <= 100)", name="pre_score_range"
        ),
        CheckConstraint(
            "post_score IS NULL OR (post_score >= 0 AND post_score <= 100)",
            name="post_score_range",
        ),
        Index("ix_learning_activities_cycle_person", "cycle_id", "person_id"),
        Index("ix_learning_activities_person", "person_id"),
        # the latest recognised, newest first (the overview's "applied at work"): a few rows
        Index(
            "ix_learning_activities_applied",
            "verified_at",
            "id",
            postgresql_where=text("applied_at_work"),
            sqlite_where=text("applied_at_work"),
        ),
        UniqueConstraint("person_id", "submission_key"),
    )
    __mapper_args__ = {"version_id_col": version}


class EvidenceFile(db.Model):
    """A file proving an activity; stored outside the web root under a random name."""

    __tablename__ = "evidence_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(
        ForeignKey("learning_activities.id", ondelete="CASCADE"), index=True
    )
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(60))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(20), default="other")  # certificate, screenshot ...
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    activity: Mapped[LearningActivity] = relationship(back_populates="evidence")

    __table_args__ = (
        CheckConstraint("size > 0", name="size_positive"),
        UniqueConstraint("activity_id", "sha256"),
    )
