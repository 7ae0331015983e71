"""What a supervisor does beyond approving a plan: verify learning (and recognise it as applied
at work), evaluate the year against the person's own evaluation, hand review over while on
leave; and what HR does when a reporting line changes. Plan status changes stay in
`lms.plans.workflow`."""

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lms import permissions
from lms.assessments.services import find_assessment
from lms.audit import audit
from lms.clock import today, utcnow
from lms.cycles import cycle_areas
from lms.extensions import db
from lms.i18n import BEDate
from lms.models import (
    Delegation,
    LearningActivity,
    Person,
    Plan,
    Rating,
    SelfAssessment,
    SkillArea,
    SupervisorRating,
)
from lms.notifications import link_to, notify
from lms.plans.services import check_version, touch
from lms.plans.workflow import complete_plan
from lms.rules import RuleError
from lms.text import clean_text
from lms.vocab import AssessmentStatus, Outcome, PlanStatus

MAX_NOTE = 2000
MAX_DELEGATION_DAYS = 366


class ReviewError(RuleError):
    """A review step cannot be done as asked."""


def _refuse_if(errors: dict) -> None:
    if errors:
        raise ReviewError(
            _l("Please check the highlighted answers. Nothing was saved yet."), errors
        )


def _check_reviews(by: Person, person: Person) -> None:
    if permissions.is_owner(by, person.id):
        raise ReviewError(_l("You cannot review your own development."))
    if not permissions.can_review_plans_of(by, person):
        raise ReviewError(_l("Only a supervisor of this person can do this."))


# -- verification --------------------------------------------------------------------------------


def verify_activity(
    activity: LearningActivity, *, by: Person, applied: bool | None = None
) -> LearningActivity:
    """The supervisor confirms the activity happened; `applied` also marks (or unmarks) it
    as applied at work, the recognition the study asks for."""
    _check_reviews(by, activity.person)
    if activity.cycle.is_closed:
        raise ReviewError(_l("This cycle is closed, so its learning log cannot change."))
    first_time = activity.verified_at is None
    if first_time:
        activity.verified_at, activity.verified_by_id = utcnow(), by.id
    newly_applied = applied is True and not activity.applied_at_work
    if applied is not None:
        activity.applied_at_work = applied
    audit("activity_verified", by, activity, applied=activity.applied_at_work)
    if first_time or newly_applied:
        message = (
            _l(
                "%(name)s recognised “%(title)s” as applied at work.",
                name=by.name_th,
                title=activity.title[:80],
            )
            if activity.applied_at_work
            else _l("%(name)s verified “%(title)s”.", name=by.name_th, title=activity.title[:80])
        )
        notify(
            activity.person,
            "activity_verified",
            message,
            link=link_to(
                "activities.detail", be_year=activity.cycle.be_year, activity_id=activity.id
            ),
        )
    db.session.flush()
    return activity


def unverify_activity(activity: LearningActivity, *, by: Person) -> LearningActivity:
    """Take a verification back (a wrong click)."""
    _check_reviews(by, activity.person)
    if activity.cycle.is_closed:
        raise ReviewError(_l("This cycle is closed, so its learning log cannot change."))
    activity.verified_at = activity.verified_by_id = None
    activity.applied_at_work = False
    audit("activity_unverified", by, activity)
    db.session.flush()
    return activity


def verify_many(activities: list[LearningActivity], *, by: Person) -> int:
    """Verify several activities of the people `by` reviews; returns how many were new."""
    done = 0
    for activity in activities:
        if activity.verified_at is None:
            verify_activity(activity, by=by)
            done += 1
    return done


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


def _clean_note(value, field: str, errors: dict) -> str | None:
    text = clean_text(value)
    if len(text) > MAX_NOTE:
        errors[field] = _l("At most 2,000 characters.")
    return text or None


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
        goal.self_note = _clean_note(note, f"note-{goal.id}", errors)
    _refuse_if(errors)
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
                    "review.evaluate",
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
    _check_reviews(by, plan.person)
    _check_evaluable(plan)
    check_version(plan, version)
    errors: dict = {}
    areas = cycle_areas(plan.cycle)
    existing = supervisor_ratings(plan.person, plan.cycle)
    for area in areas:
        raw, comment = ratings.get(area.id, (None, None))
        level = _clean_level(raw, f"level-{area.id}", errors, required=complete)
        comment = _clean_note(comment, f"comment-{area.id}", errors)
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
        goal.supervisor_note = _clean_note(note, f"goal-note-{goal.id}", errors)
    _refuse_if(errors)
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


# -- delegation ----------------------------------------------------------------------------------


def delegations_of(person: Person) -> list[Delegation]:
    """Delegations `person` made or received, current and future first."""
    query = (
        select(Delegation)
        .where((Delegation.delegator_id == person.id) | (Delegation.delegate_id == person.id))
        .order_by(Delegation.ends_on.desc(), Delegation.id.desc())
    )
    return list(db.session.scalars(query))


def delegate_review(
    delegator: Person,
    delegate: Person | None,
    starts_on: date | None,
    ends_on: date | None,
    *,
    by: Person,
    note: str | None = None,
) -> Delegation:
    """`delegator` (on leave) hands their review to `delegate` from `starts_on` to
    `ends_on`, both days included."""
    if not (permissions.is_owner(by, delegator.id) or permissions.is_admin(by)):
        raise ReviewError(_l("Only the supervisor themselves can hand over their review."))
    errors: dict = {}
    if delegate is None or delegate.deactivated_on is not None:
        errors["delegate"] = _l("No active person has this employee number or e-mail.")
    elif delegate.id == delegator.id:
        errors["delegate"] = _l("Choose someone other than yourself.")
    if starts_on is None:
        errors["starts_on"] = _l("Please give the first day.")
    if ends_on is None:
        errors["ends_on"] = _l("Please give the last day.")
    if starts_on and ends_on:
        if ends_on < starts_on:
            errors["ends_on"] = _l("The last day cannot be before the first day.")
        elif ends_on < today():
            errors["ends_on"] = _l("The last day has already passed.")
        elif ends_on - starts_on > timedelta(days=MAX_DELEGATION_DAYS):
            errors["ends_on"] = _l("A hand-over lasts at most one year.")
    note = _clean_note(note, "note", errors)
    _refuse_if(errors)
    delegation = Delegation(
        delegator_id=delegator.id,
        delegate_id=delegate.id,
        starts_on=starts_on,
        ends_on=ends_on,
        note=note,
        created_by_id=by.id,
    )
    db.session.add(delegation)
    db.session.flush()
    audit(
        "review_delegated",
        by,
        delegation,
        delegator=delegator.employee_no,
        delegate=delegate.employee_no,
        starts_on=starts_on.isoformat(),
        ends_on=ends_on.isoformat(),
    )
    notify(
        delegate,
        "delegation",
        _l(
            "%(name)s asked you to review for them from %(start)s to %(end)s.",
            name=delegator.name_th,
            start=BEDate(starts_on),
            end=BEDate(ends_on),
        ),
        link=link_to("inbox.index"),
    )
    return delegation


def cancel_delegation(delegation: Delegation, *, by: Person) -> Delegation:
    if not (permissions.is_owner(by, delegation.delegator_id) or permissions.is_admin(by)):
        raise ReviewError(_l("Only the supervisor themselves can end their hand-over."))
    if delegation.cancelled_at is None:
        delegation.cancelled_at = utcnow()
        audit("review_delegation_cancelled", by, delegation)
        db.session.flush()
    return delegation


# -- reporting lines -----------------------------------------------------------------------------


def reassign_supervisor(person: Person, supervisor: Person | None, *, by: Person) -> Person:
    """HR (of the person's unit) or an administrator names a new supervisor; what waits for
    review follows, since it is always worked out from the reporting line."""
    if not permissions.may_change_supervisor(by, person):
        raise ReviewError(_l("Only HR of this person's unit can change their supervisor."))
    if supervisor is not None:
        if supervisor.deactivated_on is not None:
            raise ReviewError(
                _l("No active person has this employee number or e-mail."),
                {"supervisor": _l("No active person has this employee number or e-mail.")},
            )
        if supervisor.id == person.id or permissions.supervises(person, supervisor):
            raise ReviewError(
                _l("This would make a circle in the reporting line."),
                {"supervisor": _l("Choose someone who is not below this person.")},
            )
    before = person.supervisor.employee_no if person.supervisor else None
    person.supervisor = supervisor
    audit(
        "supervisor_changed",
        by,
        person,
        before=before,
        after=supervisor.employee_no if supervisor else None,
    )
    db.session.flush()
    waiting = db.session.scalars(
        select(Plan).where(Plan.person_id == person.id, Plan.status == PlanStatus.SUBMITTED)
    ).first()
    if waiting is not None and supervisor is not None:
        notify(
            permissions.review_route(person).reviewer,
            "plan_submitted",
            _l(
                "%(name)s now reports to you; their development plan for FY %(year)d waits "
                "for your review.",
                name=person.name_th,
                year=waiting.cycle.be_year,
            ),
            link=link_to(
                "review.plan", employee_no=person.employee_no, be_year=waiting.cycle.be_year
            ),
        )
    return person


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
                Person.deactivated_on.is_(None),
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
