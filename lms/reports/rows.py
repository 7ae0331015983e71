"""Per-person figures of a cycle, read from the base tables, and the sums every report adds up.

`person_rows` and `area_rows` are what one counted person contributes (the columns of
`report_people` and `report_areas`); `PEOPLE_SUMS` and `area_sums` turn such rows into the
additive totals of `report_units` and `report_unit_areas`. The summary is built from these, and
the live report (the benchmark's bare SQL, the tests' cross-check) aggregates them directly.
"""

from datetime import date

from sqlalchemy import Integer, Select, and_, case, cast, func, select, type_coerce
from sqlalchemy.orm import aliased

from lms.models import (
    CycleTarget,
    Goal,
    LearningActivity,
    Plan,
    Rating,
    SelfAssessment,
    SupervisorRating,
    Unit,
)
from lms.reports.population import population
from lms.vocab import PLAN_REVIEWED, PLAN_SENT, AssessmentStatus, Bucket, Outcome, PlanStatus

PEOPLE_COLUMNS = (
    "headcount",
    "self_assessed",
    "idp_submitted",
    "idp_approved",
    "idp_completed",
    "developing",
    "activities",
    "hours_70",
    "hours_20",
    "hours_10",
    "courses_completed",
    "self_evaluated",
    "evaluated",
    "goals_evaluated",
    "goals_achieved",
    "goals_partly",
    "goals_not_achieved",
    "verified",
    "verified_activities",
    "applied_at_work",
    "applied_activities",
    "verified_hours",
)
HOURS_COLUMNS = frozenset({"hours_70", "hours_20", "hours_10", "verified_hours"})
# what a person's learning adds to their row (moved by its difference on a learning write)
LEARNING_COLUMNS = (
    "activities",
    "hours_70",
    "hours_20",
    "hours_10",
    "courses_completed",
    "verified_activities",
    "applied_activities",
    "verified_hours",
)
GOAL_COLUMNS = ("goals_evaluated", "goals_achieved", "goals_partly", "goals_not_achieved")
AREA_COLUMNS = (
    "assessed",
    "level_sum",
    "target_sum",
    "gap_sum",
    "meeting",
    "supervisor_rated",
    "supervisor_sum",
    "both_rated",
    "difference_sum",
)


def _hours(condition):
    return func.coalesce(func.sum(case((condition, LearningActivity.hours), else_=0)), 0)


def _goals(cycle_id: int, person_ids):
    """Per person: the goals of their plan in the cycle that the supervisor gave an outcome in
    a finished year-end evaluation, by outcome (GOAL_COLUMNS)."""
    outcome = Goal.supervisor_outcome
    query = (
        select(
            Plan.person_id,
            func.count().label("goals_evaluated"),
            _count_if(outcome == Outcome.ACHIEVED.value).label("goals_achieved"),
            _count_if(outcome == Outcome.PARTLY.value).label("goals_partly"),
            _count_if(outcome == Outcome.NOT_ACHIEVED.value).label("goals_not_achieved"),
        )
        .join(Goal, Goal.plan_id == Plan.id)
        .where(Plan.cycle_id == cycle_id, Plan.evaluated_at.is_not(None), outcome.is_not(None))
    )
    if person_ids is not None:
        query = query.where(Plan.person_id.in_(person_ids))
    return query.group_by(Plan.person_id).subquery("goals")


def person_rows(cycle_id: int, day: date, person_ids=None, within=None) -> Select:
    """One row per person counted in the cycle on `day` (optionally only `person_ids`, or
    only the subtree of unit `within`): the columns of `report_people`."""
    placed = population(day, person_ids, within).subquery("placed")
    if within is not None:
        person_ids = select(placed.c.person_id)
    verified = LearningActivity.verified_at.is_not(None)
    learning = select(
        LearningActivity.person_id,
        func.count().label("activities"),
        _hours(LearningActivity.bucket == Bucket.ON_THE_JOB.value).label("hours_70"),
        _hours(LearningActivity.bucket == Bucket.FROM_OTHERS.value).label("hours_20"),
        _hours(LearningActivity.bucket == Bucket.FORMAL.value).label("hours_10"),
        _count_if(
            and_(
                LearningActivity.bucket == Bucket.FORMAL.value,
                LearningActivity.course_id.is_not(None),
                LearningActivity.completed.is_(True),
            )
        ).label("courses_completed"),
        _count_if(verified).label("verified_activities"),
        _count_if(LearningActivity.applied_at_work.is_(True)).label("applied_activities"),
        _hours(verified).label("verified_hours"),
    ).where(LearningActivity.cycle_id == cycle_id)
    if person_ids is not None:
        learning = learning.where(LearningActivity.person_id.in_(person_ids))
    learning = learning.group_by(LearningActivity.person_id).subquery("learning")
    goals = _goals(cycle_id, person_ids)
    return (
        select(
            type_coerce(cycle_id, Integer).label("cycle_id"),
            placed.c.person_id,
            placed.c.unit_id,
            placed.c.role_group_id,
            case((SelfAssessment.status == AssessmentStatus.SUBMITTED.value, 1), else_=0).label(
                "self_assessed"
            ),
            func.coalesce(Plan.status, "none").label("idp_status"),
            func.coalesce(learning.c.activities, 0).label("activities"),
            func.coalesce(learning.c.hours_70, 0).label("hours_70"),
            func.coalesce(learning.c.hours_20, 0).label("hours_20"),
            func.coalesce(learning.c.hours_10, 0).label("hours_10"),
            func.coalesce(learning.c.courses_completed, 0).label("courses_completed"),
            case((Plan.self_evaluated_at.is_not(None), 1), else_=0).label("self_evaluated"),
            case((Plan.evaluated_at.is_not(None), 1), else_=0).label("evaluated"),
            *(func.coalesce(goals.c[name], 0).label(name) for name in GOAL_COLUMNS),
            *(
                func.coalesce(learning.c[name], 0).label(name)
                for name in ("verified_activities", "applied_activities", "verified_hours")
            ),
        )
        .select_from(placed)
        .outerjoin(
            SelfAssessment,
            and_(
                SelfAssessment.person_id == placed.c.person_id,
                SelfAssessment.cycle_id == cycle_id,
            ),
        )
        .outerjoin(Plan, and_(Plan.person_id == placed.c.person_id, Plan.cycle_id == cycle_id))
        .outerjoin(learning, learning.c.person_id == placed.c.person_id)
        .outerjoin(goals, goals.c.person_id == placed.c.person_id)
    )


def area_rows(cycle_id: int, day: date, person_ids=None, within=None) -> Select:
    """One row per counted person and area with a submitted self-rating or a supervisor
    rating in the cycle: the columns of `report_areas` (target NULL where not applicable)."""
    placed = population(day, person_ids, within).subquery("placed")
    own = (
        select(
            SelfAssessment.person_id.label("person_id"),
            Rating.area_id.label("area_id"),
            Rating.level.label("level"),
        )
        .join(Rating, Rating.assessment_id == SelfAssessment.id)
        .where(
            SelfAssessment.cycle_id == cycle_id,
            SelfAssessment.status == AssessmentStatus.SUBMITTED.value,
            Rating.level.is_not(None),
        )
    )
    theirs = select(
        SupervisorRating.person_id.label("person_id"),
        SupervisorRating.area_id.label("area_id"),
        SupervisorRating.level.label("level"),
    ).where(SupervisorRating.cycle_id == cycle_id)
    if person_ids is not None:
        own = own.where(SelfAssessment.person_id.in_(person_ids))
        theirs = theirs.where(SupervisorRating.person_id.in_(person_ids))
    own, theirs = own.subquery("own"), theirs.subquery("theirs")
    keys = (
        select(own.c.person_id, own.c.area_id)
        .union(select(theirs.c.person_id, theirs.c.area_id))
        .subquery("rated")
    )
    return (
        select(
            type_coerce(cycle_id, Integer).label("cycle_id"),
            placed.c.person_id,
            keys.c.area_id,
            placed.c.unit_id,
            placed.c.role_group_id,
            own.c.level.label("level"),
            CycleTarget.level.label("target"),
            theirs.c.level.label("supervisor_level"),
        )
        .select_from(placed)
        .join(keys, keys.c.person_id == placed.c.person_id)
        .outerjoin(own, and_(own.c.person_id == keys.c.person_id, own.c.area_id == keys.c.area_id))
        .outerjoin(
            theirs,
            and_(theirs.c.person_id == keys.c.person_id, theirs.c.area_id == keys.c.area_id),
        )
        .outerjoin(
            CycleTarget,
            and_(
                CycleTarget.cycle_id == cycle_id,
                CycleTarget.role_group_id == placed.c.role_group_id,
                CycleTarget.area_id == keys.c.area_id,
            ),
        )
    )


def people_sums(rows) -> list:
    """The additive people totals (PEOPLE_COLUMNS) of per-person rows `rows` (a table or a
    subquery with the columns of `report_people`)."""
    c = rows.c
    return [
        func.count().label("headcount"),
        func.coalesce(func.sum(c.self_assessed), 0).label("self_assessed"),
        _count_if(c.idp_status.in_([s.value for s in PLAN_SENT])).label("idp_submitted"),
        _count_if(c.idp_status.in_([s.value for s in PLAN_REVIEWED])).label("idp_approved"),
        _count_if(c.idp_status == PlanStatus.COMPLETED.value).label("idp_completed"),
        _count_if(c.activities > 0).label("developing"),
        func.coalesce(func.sum(c.activities), 0).label("activities"),
        func.coalesce(func.sum(c.hours_70), 0).label("hours_70"),
        func.coalesce(func.sum(c.hours_20), 0).label("hours_20"),
        func.coalesce(func.sum(c.hours_10), 0).label("hours_10"),
        func.coalesce(func.sum(c.courses_completed), 0).label("courses_completed"),
        func.coalesce(func.sum(c.self_evaluated), 0).label("self_evaluated"),
        func.coalesce(func.sum(c.evaluated), 0).label("evaluated"),
        *(func.coalesce(func.sum(c[name]), 0).label(name) for name in GOAL_COLUMNS),
        _count_if(c.verified_activities > 0).label("verified"),
        func.coalesce(func.sum(c.verified_activities), 0).label("verified_activities"),
        _count_if(c.applied_activities > 0).label("applied_at_work"),
        func.coalesce(func.sum(c.applied_activities), 0).label("applied_activities"),
        func.coalesce(func.sum(c.verified_hours), 0).label("verified_hours"),
    ]


def area_sums(rows) -> list:
    """The additive skill-area totals (AREA_COLUMNS) of per-person area rows `rows`; the
    caller keeps only applicable rows (target IS NOT NULL)."""
    c = rows.c
    rated = c.level.is_not(None)
    both = and_(rated, c.supervisor_level.is_not(None))
    return [
        func.count(c.level).label("assessed"),
        func.coalesce(func.sum(c.level), 0).label("level_sum"),
        func.coalesce(func.sum(case((rated, c.target), else_=0)), 0).label("target_sum"),
        func.coalesce(
            func.sum(case((and_(rated, c.target > c.level), c.target - c.level), else_=0)), 0
        ).label("gap_sum"),
        _count_if(and_(rated, c.level >= c.target)).label("meeting"),
        func.count(c.supervisor_level).label("supervisor_rated"),
        func.coalesce(func.sum(c.supervisor_level), 0).label("supervisor_sum"),
        _count_if(both).label("both_rated"),
        func.coalesce(func.sum(case((both, c.level - c.supervisor_level), else_=0)), 0).label(
            "difference_sum"
        ),
    ]


def _count_if(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def tenths_of(rows):
    """A per-person row's hours in the cycle, in tenths of an hour (an integer: hours are kept
    to one decimal)."""
    c = rows.c
    return cast(func.round((c.hours_70 + c.hours_20 + c.hours_10) * 10), Integer)


def unit_ancestors():
    """(unit_id, ancestor_id) for every unit and each unit on its path, itself included: a
    recursive CTE over the units' parents."""
    start = select(Unit.id.label("unit_id"), Unit.id.label("ancestor_id")).cte(
        "ancestors", recursive=True
    )
    above = aliased(Unit)
    step = (
        select(start.c.unit_id, above.parent_id)
        .join(above, above.id == start.c.ancestor_id)
        .where(above.parent_id.is_not(None))
    )
    return start.union_all(step)


def hours_per_subtree(rows, cycle_id) -> Select:
    """From per-person rows `rows` of a cycle: (role_group_id, unit_id, tenths, people) for
    every unit subtree a person counts in (the rows of `report_hours`, without ALL_GROUPS)."""
    ancestors = unit_ancestors()
    tenths = tenths_of(rows)
    return (
        select(
            rows.c.role_group_id,
            ancestors.c.ancestor_id.label("unit_id"),
            tenths.label("tenths"),
            func.count().label("people"),
        )
        .join(ancestors, ancestors.c.unit_id == rows.c.unit_id)
        .where(rows.c.cycle_id == cycle_id)
        .group_by(rows.c.role_group_id, ancestors.c.ancestor_id, tenths)
    )
