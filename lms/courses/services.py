"""Finding courses in the catalogue: search by text, provider, area and level; providers."""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from lms.extensions import db
from lms.models import Course, CourseArea, CourseTrack, Provider, Track
from lms.text import fold

PAGE_SIZE = 20


@dataclass
class CoursePage:
    courses: list[Course]
    total: int
    page: int
    pages: int


def search_courses(
    *,
    text: str = "",
    provider: str = "",
    area: str = "",
    track: str = "",
    level: int | None = None,
    page: int = 1,
    status: str = "active",
) -> CoursePage:
    """Courses matching every word of `text` (case, accents and tone marks ignored): those in
    the catalogue, or for HR keeping it, the retired ones (`status` "retired") or all."""
    query = select(Course).join(Course.provider)
    in_catalogue = Course.active.is_(True) & Provider.active.is_(True)
    if status == "active":
        query = query.where(in_catalogue)
    elif status == "retired":
        query = query.where(~in_catalogue)
    for word in fold(text).split():
        query = query.where(Course.search_text.contains(word, autoescape=True))
    if provider:
        query = query.where(Provider.code == provider)
    if area:
        query = query.where(
            Course.id.in_(select(CourseArea.course_id).where(CourseArea.area_code == area))
        )
    if track:
        query = query.where(
            Course.id.in_(select(CourseTrack.course_id).where(CourseTrack.track_code == track))
        )
    if level is not None:
        query = query.where(Course.level == level)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    rows = db.session.scalars(
        query.options(selectinload(Course.areas), selectinload(Course.provider))
        .order_by(Provider.code, Course.level.nulls_last(), Course.code)
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    return CoursePage(list(rows), total, page, pages)


def providers() -> list[Provider]:
    """The providers whose courses the catalogue shows (retired ones left out)."""
    return list(
        db.session.scalars(
            select(Provider).where(Provider.active.is_(True)).order_by(Provider.code)
        )
    )


def tracks() -> list[Track]:
    """The BMA plan's development tracks, in their order."""
    return list(db.session.scalars(select(Track).order_by(Track.code)))
