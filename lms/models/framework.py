"""Skill frameworks: areas, sub-skills, the rating scale, role groups and default targets."""

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.extensions import db
from lms.models.common import Localised, level_check

# How sure a default target is: a TPQI competency unit names the role group (verified), or it
# is the product's reading of the OCSC guideline (default).
TARGET_CONFIDENCE = ("verified", "default")


class Track(Localised, db.Model):
    __tablename__ = "tracks"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name_th: Mapped[str] = mapped_column(String(255))
    name_en: Mapped[str | None] = mapped_column(String(255))
    goal_th: Mapped[str | None] = mapped_column(Text)
    goal_en: Mapped[str | None] = mapped_column(Text)

    @property
    def number(self) -> str:
        """The track's number in the BMA plan: T3 -> 3."""
        return self.code.removeprefix("T")

    def goal(self, locale: str = "th") -> str:
        """The goal the BMA plan sets for the track, falling back to Thai."""
        return (self.goal_en if locale == "en" else None) or self.goal_th or ""


class RoleGroup(Localised, db.Model):
    __tablename__ = "role_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name_th: Mapped[str] = mapped_column(String(255))
    name_en: Mapped[str | None] = mapped_column(String(255))
    track_id: Mapped[int | None] = mapped_column(ForeignKey("tracks.id"))
    position: Mapped[int] = mapped_column(default=0)

    track: Mapped[Track | None] = relationship()


class Framework(Localised, db.Model):
    __tablename__ = "frameworks"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_th: Mapped[str] = mapped_column(String(500))
    name_en: Mapped[str | None] = mapped_column(String(500))
    note_th: Mapped[str | None] = mapped_column(Text)
    note_en: Mapped[str | None] = mapped_column(Text)
    is_default: Mapped[bool] = mapped_column(default=False)
    sources: Mapped[str | None] = mapped_column(Text)  # behind its default targets, one per line

    areas: Mapped[list["SkillArea"]] = relationship(
        back_populates="framework", order_by="SkillArea.position"
    )
    scale: Mapped[list["ScaleLevel"]] = relationship(order_by="ScaleLevel.level")

    def note(self, locale: str = "th") -> str:
        """The framework's note in `locale`, falling back to Thai."""
        return (self.note_en if locale == "en" else None) or self.note_th or ""


class SkillArea(Localised, db.Model):
    __tablename__ = "skill_areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("frameworks.id"))
    code: Mapped[str] = mapped_column(String(20))
    name_th: Mapped[str] = mapped_column(String(500))
    name_en: Mapped[str | None] = mapped_column(String(500))
    short_th: Mapped[str | None] = mapped_column(String(60))
    short_en: Mapped[str | None] = mapped_column(String(60))
    description_th: Mapped[str | None] = mapped_column(Text)
    description_en: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(String(20))  # e.g. core / optional
    position: Mapped[int] = mapped_column(default=0)

    framework: Mapped[Framework] = relationship(back_populates="areas")
    sub_skills: Mapped[list["SubSkill"]] = relationship(
        back_populates="area", order_by="SubSkill.position"
    )

    __table_args__ = (UniqueConstraint("framework_id", "code"),)

    def short_name(self, locale: str = "th") -> str:
        """A label short enough for a chart axis."""
        if locale == "en":
            return self.short_en or self.name_en or self.code
        return self.short_th or self.name_th

    def description(self, locale: str = "th") -> str:
        """The description in `locale`, falling back to Thai."""
        return (self.description_en if locale == "en" else None) or self.description_th or ""


class SubSkill(Localised, db.Model):
    __tablename__ = "sub_skills"

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("skill_areas.id"))
    code: Mapped[str] = mapped_column(String(30))
    name_th: Mapped[str] = mapped_column(String(500))
    name_en: Mapped[str | None] = mapped_column(String(500))
    verified: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)

    area: Mapped[SkillArea] = relationship(back_populates="sub_skills")

    __table_args__ = (UniqueConstraint("area_id", "code"),)


class ScaleLevel(Localised, db.Model):
    __tablename__ = "scale_levels"

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("frameworks.id"))
    level: Mapped[int]
    name_th: Mapped[str] = mapped_column(String(255))
    name_en: Mapped[str | None] = mapped_column(String(255))

    __table_args__ = (UniqueConstraint("framework_id", "level"), level_check("level"))


class FrameworkTarget(db.Model):
    """The framework's default target level for a role group in an area (editable data)."""

    __tablename__ = "framework_targets"

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("frameworks.id"))
    role_group_id: Mapped[int] = mapped_column(ForeignKey("role_groups.id"))
    area_id: Mapped[int] = mapped_column(ForeignKey("skill_areas.id"))
    level: Mapped[int]
    confidence: Mapped[str | None] = mapped_column(String(10))  # one of TARGET_CONFIDENCE

    __table_args__ = (
        UniqueConstraint("framework_id", "role_group_id", "area_id"),
        level_check("level"),
    )
