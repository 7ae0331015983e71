"""Courses suggested for a goal of a plan: pitched at the next level up, then those that
colleagues of the same role group completed."""

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from lms.extensions import db
from lms.models import Course, CourseArea, LearningActivity, Person, Plan


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


def _ranked(courses, current: int | None, popular: dict[int, int]) -> list[Suggestion]:
    step = (current if current is not None else 0) + 1
    suggestions = [
        Suggestion(
            course=c,
            level_fit=1 if c.level is None else max(0, 3 - abs(c.level - step)),
            colleagues=popular.get(c.id, 0),
        )
        for c in courses
    ]
    return sorted(suggestions, key=lambda s: s.score)


def _active_courses_by_area(area_codes: set[str]) -> dict[str, list[Course]]:
    rows = db.session.execute(
        select(CourseArea.area_code, Course)
        .join(Course, Course.id == CourseArea.course_id)
        .where(Course.active.is_(True), CourseArea.area_code.in_(area_codes))
        .options(selectinload(Course.provider))
    )
    by_area: dict[str, list[Course]] = defaultdict(list)
    for code, course in rows:
        by_area[code].append(course)
    return by_area


def suggest_courses(
    area_code: str,
    current: int | None,
    person: Person,
    limit: int = 5,
    popular: dict[int, int] | None = None,
):
    """Courses for an area, best first: pitched at the next level up, then popular with
    colleagues of the same role group who completed them."""
    if popular is None:
        popular = colleague_completions(person)
    courses = _active_courses_by_area({area_code})[area_code]
    return _ranked(courses, current, popular)[:limit]


def suggestions_for_plan(plan: Plan, person: Person, per_goal: int = 3) -> dict[int, list]:
    """The best courses for each goal of `plan` not yet in it (two queries for the whole plan)."""
    if not plan.goals:
        return {}
    popular = colleague_completions(person)
    by_area = _active_courses_by_area({g.area.code for g in plan.goals})
    suggestions = {}
    for goal in plan.goals:
        in_plan = {a.course_id for a in goal.activities}
        ranked = _ranked(by_area[goal.area.code], goal.current_level, popular)
        suggestions[goal.id] = [s for s in ranked if s.course.id not in in_plan][:per_goal]
    return suggestions
