"""Individual Development Plans: plan, goals, planned activities and approved versions."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
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
from lms.models.common import level_check, utcnow
from lms.models.course import Course
from lms.models.cycle import Cycle
from lms.models.framework import RoleGroup, SkillArea, Track
from lms.models.org import Unit
from lms.models.person import Person
from lms.vocab import BUCKETS, Outcome, PlanStatus, sql_in


class Plan(db.Model):
    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), default=PlanStatus.DRAFT)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None]
    reviewed_at: Mapped[datetime | None]
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    review_comment: Mapped[str | None] = mapped_column(Text)
    self_evaluated_at: Mapped[datetime | None]  # the person finished their year-end self-check
    evaluated_at: Mapped[datetime | None]  # the supervisor finished the year-end evaluation
    evaluated_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    closed_early_reason: Mapped[str | None] = mapped_column(Text)  # finished before the period
    version: Mapped[int] = mapped_column(default=1)  # optimistic lock

    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    reviewed_by: Mapped[Person | None] = relationship(foreign_keys=[reviewed_by_id])
    cycle: Mapped[Cycle] = relationship()
    goals: Mapped[list["Goal"]] = relationship(
        back_populates="plan", order_by="(Goal.position, Goal.id)", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        UniqueConstraint("person_id", "cycle_id"),
        CheckConstraint(sql_in("status", PlanStatus), name="status_known"),
        # the plans waiting for review, by person: what every reviewer's inbox looks up
        Index(
            "ix_plans_waiting",
            "person_id",
            postgresql_where=text("status = 'submitted'"),
            sqlite_where=text("status = 'submitted'"),
        ),
    )


class Goal(db.Model):
    __tablename__ = "goals"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("skill_areas.id"))
    current_level: Mapped[int | None]
    target_level: Mapped[int]
    success_criteria: Mapped[str | None] = mapped_column(Text)
    support_needed: Mapped[str | None] = mapped_column(Text)  # from the unit or the supervisor
    due_on: Mapped[date | None]
    position: Mapped[int] = mapped_column(default=0)
    carried_from_id: Mapped[int | None] = mapped_column(ForeignKey("goals.id"))
    self_outcome: Mapped[str | None] = mapped_column(String(14))
    supervisor_outcome: Mapped[str | None] = mapped_column(String(14))
    self_note: Mapped[str | None] = mapped_column(Text)  # the person's year-end note
    supervisor_note: Mapped[str | None] = mapped_column(Text)  # the supervisor's comment

    plan: Mapped[Plan] = relationship(back_populates="goals")
    area: Mapped[SkillArea] = relationship()
    activities: Mapped[list["PlannedActivity"]] = relationship(
        back_populates="goal",
        order_by="(PlannedActivity.position, PlannedActivity.id)",
        cascade="all, delete-orphan",
    )

    __table_args__ = (
        level_check("current_level"),
        level_check("target_level"),
        CheckConstraint(sql_in("self_outcome", Outcome, nullable=True), name="self_outcome_known"),
        CheckConstraint(
            sql_in("supervisor_outcome", Outcome, nullable=True),
            name="supervisor_outcome_known",
        ),
    )

    def label(self, locale: str = "th") -> str:
        """The goal in a list: its area and the step it aims for."""
        now = "–" if self.current_level is None else self.current_level
        return f"{self.area.name(locale)} ({now} → {self.target_level})"


class PlannedActivity(db.Model):
    __tablename__ = "planned_activities"

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("goals.id", ondelete="CASCADE"), index=True)
    bucket: Mapped[str] = mapped_column(String(2))
    kind_id: Mapped[int | None] = mapped_column(ForeignKey("activity_kinds.id"))
    title: Mapped[str] = mapped_column(String(500))
    hours: Mapped[Decimal | None] = mapped_column(Numeric(6, 1))
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id"))
    starts_on: Mapped[date | None]  # the period in which it will be done (the IDP form's column)
    ends_on: Mapped[date | None]
    position: Mapped[int] = mapped_column(default=0)

    goal: Mapped[Goal] = relationship(back_populates="activities")
    course: Mapped[Course | None] = relationship()

    __table_args__ = (
        CheckConstraint(sql_in("bucket", BUCKETS), name="bucket_known"),
        CheckConstraint("hours IS NULL OR (hours > 0 AND hours <= 1000)", name="hours_range"),
    )


class PlanVersion(db.Model):
    """A snapshot of a plan taken at approval and at every change after it."""

    __tablename__ = "plan_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    snapshot: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    note: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (UniqueConstraint("plan_id", "number"),)


class PlanTemplate(db.Model):
    """HR's plan template for a role group or a track: goals by skill area with their target
    and success criteria, each with suggested 70:20:10 activities and courses. Applied to the
    people of a unit subtree, it starts or fills their drafts; it belongs to the HR of `unit`."""

    __tablename__ = "plan_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)  # whose it is
    framework_id: Mapped[int] = mapped_column(ForeignKey("frameworks.id"))
    role_group_id: Mapped[int | None] = mapped_column(ForeignKey("role_groups.id"))
    track_id: Mapped[int | None] = mapped_column(ForeignKey("tracks.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    unit: Mapped["Unit"] = relationship()
    role_group: Mapped["RoleGroup | None"] = relationship()
    track: Mapped["Track | None"] = relationship()
    goals: Mapped[list["TemplateGoal"]] = relationship(
        back_populates="template",
        order_by="(TemplateGoal.position, TemplateGoal.id)",
        cascade="all, delete-orphan",
    )


class TemplateGoal(db.Model):
    __tablename__ = "template_goals"

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(
        ForeignKey("plan_templates.id", ondelete="CASCADE"), index=True
    )
    area_id: Mapped[int] = mapped_column(ForeignKey("skill_areas.id"))
    target_level: Mapped[int]
    success_criteria: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)

    template: Mapped[PlanTemplate] = relationship(back_populates="goals")
    area: Mapped[SkillArea] = relationship()
    activities: Mapped[list["TemplateActivity"]] = relationship(
        back_populates="goal",
        order_by="(TemplateActivity.position, TemplateActivity.id)",
        cascade="all, delete-orphan",
    )

    __table_args__ = (UniqueConstraint("template_id", "area_id"), level_check("target_level"))


class TemplateActivity(db.Model):
    __tablename__ = "template_activities"

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(
        ForeignKey("template_goals.id", ondelete="CASCADE"), index=True
    )
    bucket: Mapped[str] = mapped_column(String(2))
    title: Mapped[str] = mapped_column(String(500))
    hours: Mapped[Decimal | None] = mapped_column(Numeric(6, 1))
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id"))
    position: Mapped[int] = mapped_column(default=0)

    goal: Mapped[TemplateGoal] = relationship(back_populates="activities")
    course: Mapped[Course | None] = relationship()

    __table_args__ = (
        CheckConstraint(sql_in("bucket", BUCKETS), name="bucket_known"),
        CheckConstraint("hours IS NULL OR (hours > 0 AND hours <= 1000)", name="hours_range"),
    )
