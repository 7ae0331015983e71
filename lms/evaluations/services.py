"""The year-end evaluation: the person's own check of each goal, the supervisor's ratings and
outcomes beside it, and the same side by side for a whole team."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lms import permissions
from lms.assessments.services import find_assessment
from lms.audit import audit
from lms.clock import utcnow
from lms.cycles import cycle_areas
from lms.extensions import db
from lms.models import (
    Person,
    Plan,
    Rating,
    SelfAssessment,
    SkillArea,
    SupervisorRating,
    still_here,
)
from lms.notifications import link_to, notify
from lms.plans.services import check_version, touch
from lms.plans.workflow import complete_plan
from lms.reviews.services import ReviewError, check_reviews, clean_note, refuse_if
from lms.vocab import AssessmentStatus, Outcome, PlanStatus

# -- year-end evaluation -------------------------------------------------------------------------


def _clean_outcome(value, field: str, errors: dict, *, required: bool) -> str | None:
    if value in (None, ""):
        if required:
            errors[field] = _l("Please choose how far the goal was reached.")
        return None
    try:
        return Outcome(value).value
    except ValueError:
        errors[field] = _l("Please choose one of the answers.")
        return None


def _check_evaluable(plan: Plan) -> None:
    if plan.status != PlanStatus.APPROVED:
        raise ReviewError(_l("The year-end evaluation is done on an approved plan."))
    if plan.cycle.is_closed:
        raise ReviewError(_l("This cycle is closed, so its evaluation cannot change."))


def save_self_evaluation(
    plan: Plan,
    answers: dict[int, tuple[str | None, str | None]],
    *,
    by: Person,
    finish: bool,
    version: int | None = None,
) -> Plan:
    """The person's own year-end check of each goal (achieved / partly / not achieved, and a
    note). `finish` tells the supervisor it is done: then every goal needs an answer."""
    if not permissions.is_owner(by, plan.person_id):
        raise ReviewError(_l("Only the person themselves can evaluate their own goals."))
    _check_evaluable(plan)
    check_version(plan, version)
    errors: dict = {}
    for goal in plan.goals:
        outcome, note = answers.get(goal.id, (None, None))
        goal.self_outcome = _clean_outcome(outcome, f"outcome-{goal.id}", errors, required=finish)
        goal.self_note = clean_note(note, f"note-{goal.id}", errors)
    refuse_if(errors)
    touch(plan)
    if finish:
        first_time = plan.self_evaluated_at is None
        plan.self_evaluated_at = utcnow()
        audit("plan_self_evaluated", by, plan, cycle=plan.cycle.be_year)
        if first_time:
            route = permissions.review_route(plan.person)
            notify(
                route.reviewer,
                "self_evaluated",
                _l(
                    "%(name)s finished their year-end self-evaluation for FY %(year)d: "
                    "your evaluation is due.",
                    name=plan.person.name_th,
                    year=plan.cycle.be_year,
                ),
                link=link_to(
                    "evaluations.evaluate",
                    employee_no=plan.person.employee_no,
                    be_year=plan.cycle.be_year,
                ),
            )
    db.session.flush()
    return plan


def supervisor_ratings(person: Person, cycle) -> dict[int, SupervisorRating]:
    rows = db.session.scalars(
        select(SupervisorRating).where(
            SupervisorRating.person_id == person.id, SupervisorRating.cycle_id == cycle.id
        )
    )
    return {r.area_id: r for r in rows}


def save_supervisor_evaluation(
    plan: Plan,
    ratings: dict[int, tuple[object, str | None]],
    outcomes: dict[int, tuple[str | None, str | None]],
    *,
    by: Person,
    complete: bool,
    version: int | None = None,
    early_reason: str | None = None,
) -> Plan:
    """The supervisor rates each skill area (0–4, with a comment) and each goal's outcome.
    With `complete`, every goal needs an outcome and every area a level; the plan then
    completes (before the evaluation period only with `early_reason`)."""
    check_reviews(by, plan.person)
    _check_evaluable(plan)
    check_version(plan, version)
    errors: dict = {}
    areas = cycle_areas(plan.cycle)
    existing = supervisor_ratings(plan.person, plan.cycle)
    for area in areas:
        raw, comment = ratings.get(area.id, (None, None))
        level = _clean_level(raw, f"level-{area.id}", errors, required=complete)
        comment = clean_note(comment, f"comment-{area.id}", errors)
        rating = existing.get(area.id)
        if level is None:
            if rating is not None and not errors:
                db.session.delete(rating)
            continue
        if rating is None:
            rating = SupervisorRating(person_id=plan.person_id, cycle_id=plan.cycle_id)
            rating.area_id = area.id
            db.session.add(rating)
        rating.level, rating.comment, rating.rater_id = level, comment, by.id
    for goal in plan.goals:
        outcome, note = outcomes.get(goal.id, (None, None))
        goal.supervisor_outcome = _clean_outcome(
            outcome, f"goal-{goal.id}", errors, required=complete
        )
        goal.supervisor_note = clean_note(note, f"goal-note-{goal.id}", errors)
    refuse_if(errors)
    touch(plan)
    if complete:
        plan.evaluated_at, plan.evaluated_by_id = utcnow(), by.id
        db.session.flush()
        complete_plan(plan, by=by, version=plan.version, early_reason=early_reason)
    db.session.flush()
    return plan


def _clean_level(raw, field: str, errors: dict, *, required: bool) -> int | None:
    if raw in (None, ""):
        if required:
            errors[field] = _l("Please choose a level.")
        return None
    text = str(raw).strip()
    if not (text.isascii() and text.isdigit()) or not 0 <= int(text) <= 4:
        errors[field] = _l("Choose a level from 0 to 4.")
        return None
    return int(text)


@dataclass
class AreaSideBySide:
    area: SkillArea
    self_level: int | None
    supervisor_level: int | None
    comment: str | None

    @property
    def difference(self) -> int | None:
        """Self minus supervisor: positive when the person rates themselves higher."""
        if self.self_level is None or self.supervisor_level is None:
            return None
        return self.self_level - self.supervisor_level


def side_by_side(plan: Plan) -> list[AreaSideBySide]:
    """Per skill area: the person's self-rating in the cycle beside the supervisor's."""
    assessment = find_assessment(plan.person, plan.cycle)
    own = {}
    if assessment is not None and assessment.is_submitted:
        own = {r.area_id: r.level for r in assessment.ratings}
    theirs = supervisor_ratings(plan.person, plan.cycle)
    return [
        AreaSideBySide(
            area=area,
            self_level=own.get(area.id),
            supervisor_level=theirs[area.id].level if area.id in theirs else None,
            comment=theirs[area.id].comment if area.id in theirs else None,
        )
        for area in cycle_areas(plan.cycle)
    ]


# -- self vs supervisor for a team ---------------------------------------------------------------


@dataclass
class TeamSideBySide:
    areas: list[SkillArea]
    people: list[Person]
    self_levels: dict  # (person_id, area_id) -> level
    supervisor_levels: dict  # (person_id, area_id) -> level

    def average(self, levels: dict, area_id: int) -> float | None:
        values = [v for (p, a), v in levels.items() if a == area_id and v is not None]
        return sum(values) / len(values) if values else None

    def difference(self, area_id: int) -> float | None:
        """Average self minus supervisor, over people rated by both."""
        pairs = [
            (self.self_levels[key], level)
            for key, level in self.supervisor_levels.items()
            if key[1] == area_id and self.self_levels.get(key) is not None
        ]
        if not pairs:
            return None
        return sum(s - v for s, v in pairs) / len(pairs)


def team_side_by_side(supervisor: Person, cycle, limit: int = 200) -> TeamSideBySide:
    """Self-ratings beside supervisor ratings for the people `supervisor` evaluates."""
    heads = [supervisor.id, *permissions.delegator_ids(supervisor)]
    people = list(
        db.session.scalars(
            select(Person)
            .where(
                Person.supervisor_id.in_(heads),
                Person.id != supervisor.id,
                still_here(),
            )
            .order_by(Person.name_th)
            .limit(limit)
        )
    )
    ids = [p.id for p in people]
    self_levels = {
        (person_id, area_id): level
        for person_id, area_id, level in db.session.execute(
            select(SelfAssessment.person_id, Rating.area_id, Rating.level)
            .join(Rating, Rating.assessment_id == SelfAssessment.id)
            .where(
                SelfAssessment.cycle_id == cycle.id,
                SelfAssessment.status == AssessmentStatus.SUBMITTED,
                SelfAssessment.person_id.in_(ids),
            )
        )
    }
    supervisor_levels = {
        (r.person_id, r.area_id): r.level
        for r in db.session.scalars(
            select(SupervisorRating).where(
                SupervisorRating.cycle_id == cycle.id, SupervisorRating.person_id.in_(ids)
            )
        )
    }
    return TeamSideBySide(cycle_areas(cycle), people, self_levels, supervisor_levels)
