"""The generated organisation's year: each counted person's self-assessment and ratings, plan
in the shares of `PLAN_SHARES` with its goals, 70:20:10 learning (some of it verified, some
recognised as applied at work), supervisor ratings and the year-end (self-evaluations, and the
supervisor's evaluation with each goal's outcome on completed plans), as bulk rows through
`generate`'s writer."""

from datetime import datetime, timedelta

from lms.models import (
    Goal,
    LearningActivity,
    Plan,
    Rating,
    SelfAssessment,
    SupervisorRating,
)

PLAN_SHARES = {  # (closed year, open year)
    "none": (0.10, 0.30),
    "draft": (0.02, 0.20),
    "submitted": (0.03, 0.15),
    "returned": (0.01, 0.05),
    "approved": (0.14, 0.30),
    "completed": (0.70, 0.0),
}


WENT_UP = ("submitted", "returned", "approved", "completed")  # plans sent for review: a date
OUTCOMES = (("achieved", 0.55), ("partly", 0.35), ("not_achieved", 0.10))
VERIFIED = (0.6, 0.3)  # share of learning a supervisor verified (closed year, open year)
APPLIED = 0.35  # of verified learning, the share recognised as applied at work


def cycle_rows(writer, rng, cycle, people, areas, courses, *, closed: bool) -> None:
    """Assessments, ratings, plans, learning and (closed year) supervisor ratings."""
    assessment_id = writer.next_id(SelfAssessment)
    rating_id = writer.next_id(Rating)
    plan_id = writer.next_id(Plan)
    activity_id = writer.next_id(LearningActivity)
    sup_id = writer.next_id(SupervisorRating)
    goal_id = writer.next_id(Goal)
    assessments, ratings, plans, activities, sup, goals = [], [], [], [], [], []
    verified_share = VERIFIED[0 if closed else 1]
    year_end = datetime.combine(cycle.ends_on - timedelta(days=10), datetime.min.time())
    statuses = list(PLAN_SHARES)
    weights = [share[0 if closed else 1] for share in PLAN_SHARES.values()]
    start = cycle.starts_on
    stamp = datetime.combine(start + timedelta(days=40), datetime.min.time())
    assess_share = 0.82 if closed else 0.58
    for p in people:
        if p.left_on is not None and p.left_on < start:
            continue
        levels = None
        if rng.random() < assess_share:
            submitted = rng.random() < 0.95
            assessments.append(
                (
                    assessment_id,
                    p.id,
                    cycle.id,
                    "submitted" if submitted else "draft",
                    p.group_id,
                    stamp,
                    stamp,
                    stamp if submitted else None,
                    1,
                )
            )
            levels = {}
            for area in areas:
                level = min(4, max(0, round(rng.gauss(2.0 if closed else 2.2, 1.0))))
                levels[area.id] = level
                ratings.append((rating_id, assessment_id, area.id, level))
                rating_id += 1
            assessment_id += 1
        status = rng.choices(statuses, weights)[0]
        if levels is None and status != "none":
            status = "draft" if rng.random() < 0.5 else "none"
        if status != "none":
            sent = stamp + timedelta(days=rng.randint(1, 30)) if status in WENT_UP else None
            reviewed = (
                sent + timedelta(days=rng.randint(1, 14))
                if sent is not None and status != "submitted"
                else None
            )
            completed = status == "completed"
            self_done = completed or (status == "approved" and closed and rng.random() < 0.5)
            plans.append(
                (
                    plan_id,
                    p.id,
                    cycle.id,
                    status,
                    stamp,
                    stamp,
                    1,
                    sent,
                    reviewed,
                    year_end if self_done else None,
                    year_end + timedelta(days=3) if completed else None,
                    (p.supervisor or p.id) if completed else None,
                )
            )
            for position, area in enumerate(rng.sample(areas, min(len(areas), rng.randint(1, 3)))):
                outcome = None
                if completed:
                    outcome = rng.choices([o for o, _w in OUTCOMES], [w for _o, w in OUTCOMES])[0]
                goals.append((goal_id, plan_id, area.id, 3, position, outcome))
                goal_id += 1
            plan_id += 1
        busy = status in ("approved", "completed") or rng.random() < 0.15
        for _ in range(rng.choice((1, 2, 3, 4, 5)) if busy else 0):
            bucket = rng.choices(("70", "20", "10"), (0.62, 0.22, 0.16))[0]
            course = (
                rng.choice(courses) if bucket == "10" and courses and rng.random() < 0.7 else None
            )
            day = start + timedelta(days=rng.randint(10, 350))
            checked = rng.random() < verified_share
            activities.append(
                (
                    activity_id,
                    p.id,
                    cycle.id,
                    bucket,
                    "กิจกรรมการเรียนรู้",
                    day,
                    round(rng.uniform(1, 24), 1),
                    course,
                    course is not None and rng.random() < 0.8,
                    checked and rng.random() < APPLIED,
                    stamp,
                    stamp,
                    stamp if checked else None,
                    (p.supervisor or p.id) if checked else None,
                )
            )
            activity_id += 1
        if closed and levels and rng.random() < 0.55:
            for area_id, level in levels.items():
                their = min(4, max(0, level + rng.choice((-1, 0, 0, 0, 1))))
                sup.append((sup_id, p.id, cycle.id, area_id, p.supervisor or p.id, their, stamp))
                sup_id += 1
    writer.write(
        SelfAssessment,
        [
            "id",
            "person_id",
            "cycle_id",
            "status",
            "role_group_id",
            "created_at",
            "updated_at",
            "submitted_at",
            "version",
        ],
        assessments,
    )
    writer.write(Rating, ["id", "assessment_id", "area_id", "level"], ratings)
    writer.write(
        Plan,
        [
            "id",
            "person_id",
            "cycle_id",
            "status",
            "created_at",
            "updated_at",
            "version",
            "submitted_at",
            "reviewed_at",
            "self_evaluated_at",
            "evaluated_at",
            "evaluated_by_id",
        ],
        plans,
    )
    writer.write(
        Goal,
        ["id", "plan_id", "area_id", "target_level", "position", "supervisor_outcome"],
        goals,
    )
    writer.write(
        LearningActivity,
        [
            "id",
            "person_id",
            "cycle_id",
            "bucket",
            "title",
            "occurred_on",
            "hours",
            "course_id",
            "completed",
            "applied_at_work",
            "created_at",
            "updated_at",
            "verified_at",
            "verified_by_id",
        ],
        activities,
    )
    writer.write(
        SupervisorRating,
        ["id", "person_id", "cycle_id", "area_id", "rater_id", "level", "rated_at"],
        sup,
    )
