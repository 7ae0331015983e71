"""Course providers (DGA/TDGA, Thai MOOC, OCSC ...) and their courses."""

from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.extensions import db
from lms.models.common import Localised, level_check


class Provider(Localised, db.Model):
    __tablename__ = "providers"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name_th: Mapped[str] = mapped_column(String(255))
    name_en: Mapped[str | None] = mapped_column(String(255))
    url: Mapped[str | None] = mapped_column(String(500))
    active: Mapped[bool] = mapped_column(default=True, server_default=true())  # False: retired


CONFIDENCE = ("high", "medium", "low")  # how well a catalogue row was checked against its source


class Course(db.Model):
    __tablename__ = "courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"))
    code: Mapped[str] = mapped_column(String(40))  # natural key with the provider
    # False: the code is Thaksa's own key (e.g. TDGA-001), never shown or searched for
    code_official: Mapped[bool] = mapped_column(default=True, server_default=true())
    title_th: Mapped[str] = mapped_column(String(500))
    title_en: Mapped[str | None] = mapped_column(String(500))
    url: Mapped[str | None] = mapped_column(String(500))  # NULL: link to the provider's catalogue
    level: Mapped[int | None]
    hours: Mapped[Decimal | None] = mapped_column(Numeric(6, 1))
    language: Mapped[str] = mapped_column(String(5), default="th")
    active: Mapped[bool] = mapped_column(default=True)
    keywords: Mapped[str | None] = mapped_column(String(500))  # other words people search by
    # "certified under OCSC circular ว 6/2561" (ONDE's course certification): True where known
    certified_w6: Mapped[bool | None]
    source: Mapped[str | None] = mapped_column(String(500))  # where the row's facts come from
    confidence: Mapped[str | None] = mapped_column(String(10))  # one of CONFIDENCE
    search_text: Mapped[str] = mapped_column(String(2000), default="")  # folded, for search

    provider: Mapped[Provider] = relationship()
    areas: Mapped[list["CourseArea"]] = relationship(
        back_populates="course", cascade="all, delete-orphan"
    )
    tracks: Mapped[list["CourseTrack"]] = relationship(
        back_populates="course", cascade="all, delete-orphan"
    )

    __table_args__ = (
        UniqueConstraint("provider_id", "code"),
        level_check("level"),
        CheckConstraint("hours IS NULL OR (hours > 0 AND hours <= 1000)", name="hours_range"),
    )

    def title(self, locale: str = "th") -> str:
        return (self.title_en if locale == "en" else None) or self.title_th

    @property
    def shown_code(self) -> str | None:
        """The provider's own course code, or None when the code is only Thaksa's key."""
        return self.code if self.code_official else None

    @property
    def link(self) -> str | None:
        """The course page, or the provider's catalogue when the page is unknown."""
        return self.url or self.provider.url


class CourseArea(db.Model):
    """A skill-area code a course develops (framework-independent: DLIT, DGOV, ...)."""

    __tablename__ = "course_areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    area_code: Mapped[str] = mapped_column(String(20), index=True)

    course: Mapped[Course] = relationship(back_populates="areas")

    __table_args__ = (UniqueConstraint("course_id", "area_code"),)


class CourseTrack(db.Model):
    """A development track of the BMA plan (T1-T4) a course serves."""

    __tablename__ = "course_tracks"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    track_code: Mapped[str] = mapped_column(String(20), index=True)

    course: Mapped[Course] = relationship(back_populates="tracks")

    __table_args__ = (UniqueConstraint("course_id", "track_code"),)
