"""What planned and logged learning share: the 70:20:10 balance, progress per goal, activity
kinds and the rules every learning item obeys.

Plans (what a person means to do) and the learning log (what they did) both stand on this
module; neither imports the other for it.
"""

from dataclasses import dataclass
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from lms.extensions import db
from lms.models import ActivityKind, Course, Cycle, Goal, LearningActivity, Person, Plan
from lms.vocab import BUCKETS, IDEAL_MIX, Bucket

MAX_HOURS = Decimal(1000)  # one learning item, planned or logged
MAX_TITLE = 500


@dataclass
class Balance:
    """Hours per 70/20/10 bucket, with each bucket's share (None when there are no hours)."""

    hours: dict[str, Decimal]

    @property
    def total(self) -> Decimal:
        return sum(self.hours.values(), Decimal(0))

    def share(self, bucket: str) -> float | None:
        total = self.total
        return float(self.hours[bucket] / total) if total else None

    @property
    def far_from_ideal(self) -> bool:
        """True when any bucket is more than 20 percentage points off 70:20:10."""
        if not self.total:
            return False
        return any(abs(self.share(b) - IDEAL_MIX[b]) > 0.20 for b in BUCKETS)

    @property
    def short_of(self) -> str | None:
        """The bucket furthest below its 70:20:10 share, when the mix is far from it: what a
        tip should suggest more of (at 91:9:0, learning from others, not on the job)."""
        if not self.far_from_ideal:
            return None
        gaps = {b: IDEAL_MIX[b] - self.share(b) for b in BUCKETS}
        bucket = max(BUCKETS, key=lambda b: gaps[b])
        return bucket if gaps[bucket] > 0 else None


def _empty_hours() -> dict[str, Decimal]:
    return {b: Decimal(0) for b in BUCKETS}


def planned_balance(plan: Plan | None) -> Balance:
    """Hours planned per bucket over every goal of the plan."""
    hours = _empty_hours()
    for goal in plan.goals if plan else []:
        for activity in goal.activities:
            hours[activity.bucket] += activity.hours or Decimal(0)
    return Balance(hours)


def actual_balance(person: Person, cycle: Cycle) -> Balance:
    """Hours logged per bucket by `person` in `cycle`."""
    rows = db.session.execute(
        select(LearningActivity.bucket, func.sum(LearningActivity.hours))
        .where(LearningActivity.person_id == person.id, LearningActivity.cycle_id == cycle.id)
        .group_by(LearningActivity.bucket)
    )
    hours = _empty_hours()
    for bucket, total in rows:
        hours[bucket] = Decimal(total)
    return Balance(hours)


@dataclass
class GoalProgress:
    goal: Goal
    planned_count: int
    planned_hours: Decimal
    done_count: int
    done_hours: Decimal

    @property
    def hours_share(self) -> float | None:
        if not self.planned_hours:
            return None
        return min(float(self.done_hours / self.planned_hours), 1.0)


def goal_progress(plan: Plan | None) -> list[GoalProgress]:
    """Planned against logged activities and hours, per goal (one query for the whole plan)."""
    if plan is None or not plan.goals:
        return []
    done = {
        goal_id: (count, Decimal(hours))
        for goal_id, count, hours in db.session.execute(
            select(LearningActivity.goal_id, func.count(), func.sum(LearningActivity.hours))
            .where(LearningActivity.goal_id.in_([g.id for g in plan.goals]))
            .group_by(LearningActivity.goal_id)
        )
    }
    rows = []
    for goal in plan.goals:
        count, hours = done.get(goal.id, (0, Decimal(0)))
        rows.append(
            GoalProgress(
                goal=goal,
                planned_count=len(goal.activities),
                planned_hours=sum((a.hours or Decimal(0) for a in goal.activities), Decimal(0)),
                done_count=count,
                done_hours=hours,
            )
        )
    return rows


def kinds_in_order() -> list[ActivityKind]:
    """Activity kinds, 70 first, in their content order (for choices)."""
    return list(
        db.session.scalars(
            select(ActivityKind).order_by(ActivityKind.bucket.desc(), ActivityKind.position)
        )
    )


def kind_names(locale: str) -> dict[int, str]:
    """Each activity kind's name in `locale`, by id (for tables)."""
    return {k.id: k.name(locale) for k in db.session.scalars(select(ActivityKind))}


def kind_by_code(code: str) -> ActivityKind | None:
    return db.session.scalars(select(ActivityKind).where(ActivityKind.code == code)).first()


def check_learning_item(values: dict, errors: dict, no_title_message) -> str:
    """The rules a planned and a logged activity share: bucket, kind, course, title.

    Adds what is wrong to `errors`; returns the title (a course lends its own when empty)."""
    bucket = values.get("bucket")
    kind: ActivityKind | None = values.get("kind")
    course: Course | None = values.get("course")
    title = (values.get("title") or "").strip()
    if bucket not in BUCKETS:
        errors["bucket"] = _l("Choose 70, 20 or 10.")
    elif kind is not None and kind.bucket != bucket:
        errors["kind_id"] = _l(
            "This kind of learning belongs to the %(bucket)s part.", bucket=kind.bucket
        )
    if course is not None and bucket != Bucket.FORMAL:
        errors["course_id"] = _l("Courses are formal learning: choose the 10 part for them.")
    if not title and course is not None:
        title = course.title_th
    if not title:
        errors["title"] = (
            _l("Choose a course from the catalogue or write the title of the learning.")
            if bucket == Bucket.FORMAL
            else no_title_message
        )
    elif len(title) > MAX_TITLE:
        errors["title"] = _l("At most 500 characters.")
    return title
