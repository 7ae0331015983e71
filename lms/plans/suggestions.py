"""Courses suggested for a goal of a plan: pitched at the next level up, then those that
colleagues of the same role group completed."""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from lms.extensions import db
from lms.models import Course, CourseArea, LearningActivity, Person


@dataclass
class Suggestion:
    course: Course
    level_fit: int  # 3: pitched at the next step up, lower further away
    colleagues: int  # people of the same role group who completed it

    @property
    def score(self) -> tuple:
        return (-self.level_fit, -self.colleagues, self.course.code)


def colleague_completions(person: Person) -> dict[int, int]:
    """Per course id, how many others of `person`'s role group completed it."""
    query = (
        select(LearningActivity.course_id, func.count(func.distinct(LearningActivity.person_id)))
        .join(Person, Person.id == LearningActivity.person_id)
        .where(
            LearningActivity.completed.is_(True),
            LearningActivity.course_id.is_not(None),
            Person.role_group_id == person.role_group_id,
            Person.id != person.id,
        )
        .group_by(LearningActivity.course_id)
    )
    return {course_id: count for course_id, count in db.session.execute(query)}


def suggest_courses(
    area_code: str,
    current: int | None,
    person: Person,
    limit: int = 5,
    popular: dict[int, int] | None = None,
):
    """Courses for an area, best first: pitched at the next level up, then popular with
    colleagues of the same role group who completed them. Pass `popular`
    (colleague_completions) when suggesting for several goals of one person."""
    if popular is None:
        popular = colleague_completions(person)
    courses = db.session.scalars(
        select(Course)
        .where(
            Course.active.is_(True),
            Course.id.in_(select(CourseArea.course_id).where(CourseArea.area_code == area_code)),
        )
        .options(selectinload(Course.provider))
    ).all()
    step = (current if current is not None else 0) + 1
    suggestions = [
        Suggestion(
            course=c,
            level_fit=1 if c.level is None else max(0, 3 - abs(c.level - step)),
            colleagues=popular.get(c.id, 0),
        )
        for c in courses
    ]
    return sorted(suggestions, key=lambda s: s.score)[:limit]
