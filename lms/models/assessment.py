"""Self-assessments with their ratings, and supervisor ratings."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.extensions import db
from lms.models.common import level_check, utcnow
from lms.models.cycle import Cycle
from lms.models.framework import SkillArea, SubSkill
from lms.models.person import Person
from lms.vocab import AssessmentStatus, sql_in


class SelfAssessment(db.Model):
    """A person's self-assessment in one cycle: a draft until submitted, then locked."""

    __tablename__ = "self_assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default=AssessmentStatus.DRAFT)
    role_group_id: Mapped[int] = mapped_column(ForeignKey("role_groups.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    person: Mapped[Person] = relationship()
    cycle: Mapped[Cycle] = relationship()
    ratings: Mapped[list["Rating"]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan"
    )
    sub_ratings: Mapped[list["SubSkillRating"]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        UniqueConstraint("person_id", "cycle_id"),
        CheckConstraint(sql_in("status", AssessmentStatus), name="status_known"),
    )

    @property
    def is_submitted(self) -> bool:
        return self.status == AssessmentStatus.SUBMITTED


class Rating(db.Model):
    """A self-rating of one skill area; level is NULL while the draft leaves it unrated."""

    __tablename__ = "ratings"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("self_assessments.id", ondelete="CASCADE")
    )
    area_id: Mapped[int] = mapped_column(ForeignKey("skill_areas.id"))
    level: Mapped[int | None]
    justification: Mapped[str | None] = mapped_column(Text)

    assessment: Mapped[SelfAssessment] = relationship(back_populates="ratings")
    area: Mapped[SkillArea] = relationship()

    __table_args__ = (UniqueConstraint("assessment_id", "area_id"), level_check("level"))


class SubSkillRating(db.Model):
    __tablename__ = "sub_skill_ratings"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("self_assessments.id", ondelete="CASCADE")
    )
    sub_skill_id: Mapped[int] = mapped_column(ForeignKey("sub_skills.id"))
    level: Mapped[int | None]

    assessment: Mapped[SelfAssessment] = relationship(back_populates="sub_ratings")
    sub_skill: Mapped[SubSkill] = relationship()

    __table_args__ = (UniqueConstraint("assessment_id", "sub_skill_id"), level_check("level"))


class SupervisorRating(db.Model):
    """A supervisor's own rating of a person's skill area at the end of a cycle."""

    __tablename__ = "supervisor_ratings"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id"), index=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("skill_areas.id"))
    rater_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    level: Mapped[int]
    comment: Mapped[str | None] = mapped_column(Text)
    rated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __table_args__ = (
        UniqueConstraint("person_id", "cycle_id", "area_id"),
        level_check("level"),
    )
