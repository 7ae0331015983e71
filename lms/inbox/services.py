"""What waits for a person: as a reviewer (plans, learning to verify, evaluations, replies) and
as staff (a returned plan, new feedback, deadlines), worked out from the data each time — so
when a reporting line changes or a delegation starts or ends, the waiting items follow."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import g, has_request_context
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from lms import permissions
from lms.clock import today, utcnow
from lms.extensions import db
from lms.feedback.services import unread_count as unread_feedback
from lms.models import (
    Completion,
    Cycle,
    LearningActivity,
    Person,
    Plan,
    SelfAssessment,
)
from lms.notifications import unread_count as unread_notifications
from lms.vocab import PLAN_SENT, AssessmentStatus, CycleStatus, PlanStatus

DEADLINE_WINDOW = 30  # days before a deadline from which it shows in the inbox
SHOWN = 50  # items shown per section, the longest waiting first; the rest come up as these go
EVALUATION_WINDOW = 45  # days before the evaluation deadline from which evaluations are due


def reviewees_query(reviewer: Person) -> Select:
    """Ids of the people whose plans go to `reviewer` now (permissions.reviews decides)."""
    return permissions.waiting_for_query(reviewer)


def _first(people: Select, name: str) -> Select:
    """`people` (a SELECT of ids) read first, as a materialised CTE: the database then looks
    up their few plans or activities by person, instead of sorting every waiting plan of the
    organisation and checking each against the people (the head of a million: 250 → 60 ms)."""
    found = people.cte(name).prefix_with("MATERIALIZED")
    return select(found.c.id)


def _open_cycles():
    return select(Cycle.id).where(Cycle.status == CycleStatus.OPEN)


def _plans_waiting(reviewer: Person) -> Select:
    return (
        select(Plan)
        .where(
            Plan.status == PlanStatus.SUBMITTED,
            Plan.cycle_id.in_(_open_cycles()),
            Plan.person_id.in_(_first(reviewees_query(reviewer), "reviewees")),
        )
        .order_by(Plan.submitted_at.asc().nulls_last(), Plan.id)
    )


def _escalated(reviewer: Person, waiting_days: int) -> Select:
    """Plans waiting more than twice the reminder period for someone whose plans come to
    `reviewer`: they come up one level."""
    return (
        select(Plan)
        .where(
            Plan.status == PlanStatus.SUBMITTED,
            Plan.cycle_id.in_(_open_cycles()),
            Plan.person_id.in_(_first(permissions.escalated_to_query(reviewer), "escalating")),
            Plan.submitted_at < utcnow() - timedelta(days=2 * waiting_days),
        )
        .order_by(Plan.submitted_at.asc().nulls_last(), Plan.id)
    )


@dataclass
class VerifyItem:
    person: Person
    cycle: Cycle
    count: int
    hours: float
    oldest: date


@dataclass
class Deadline:
    kind: str  # assessment, plan, self_evaluation
    cycle: Cycle
    due: date


@dataclass
class Inbox:
    plans: list[Plan] = field(default_factory=list)
    plans_total: int = 0  # all the plans waiting, of which `plans` are the first SHOWN
    more: set[str] = field(default_factory=set)  # the sections with more than they show
    escalated: list[Plan] = field(default_factory=list)
    to_verify: list[VerifyItem] = field(default_factory=list)
    evaluations: list[Plan] = field(default_factory=list)
    team_feedback: int = 0
    returned: list[Plan] = field(default_factory=list)
    feedback: int = 0
    deadlines: list[Deadline] = field(default_factory=list)
    # courses completed elsewhere waiting for the person to confirm: (year, how many)
    completions: list[tuple[Cycle, int]] = field(default_factory=list)
    is_reviewer: bool = False

    @property
    def empty(self) -> bool:
        return not (
            self.plans
            or self.escalated
            or self.to_verify
            or self.evaluations
            or self.team_feedback
            or self.returned
            or self.feedback
            or self.deadlines
            or self.completions
        )


def _load_plans(query: Select) -> list[Plan]:
    """The first SHOWN plans of `query`, and one more if there is one (see `_shown`)."""
    query = query.options(
        joinedload(Plan.person).joinedload(Person.unit),
        joinedload(Plan.person).joinedload(Person.supervisor),
        joinedload(Plan.cycle),
        selectinload(Plan.goals),
    ).limit(SHOWN + 1)
    return list(db.session.scalars(query).unique())


def _shown(box: "Inbox", section: str, items: list) -> list:
    """`items` cut to SHOWN, noting on `box` that the section has more."""
    if len(items) > SHOWN:
        box.more.add(section)
    return items[:SHOWN]


def is_reviewer(person: Person) -> bool:
    """Does anything ever go to `person` for review?"""
    return permissions.reviews_anyone(person) or bool(permissions.delegator_ids(person))


def inbox(person: Person, *, waiting_days: int = 7) -> Inbox:
    box = Inbox(is_reviewer=is_reviewer(person))
    if box.is_reviewer:
        reviewees = _first(reviewees_query(person), "reviewees")
        box.plans = _shown(box, "plans", _load_plans(_plans_waiting(person)))
        box.plans_total = plans_waiting_count(person)  # the menu's count: read once a request
        box.escalated = _shown(box, "escalated", _load_plans(_escalated(person, waiting_days)))
        box.to_verify = _shown(box, "to_verify", _to_verify(reviewees))
        box.evaluations = _shown(box, "evaluations", _evaluations_due(reviewees))
        box.team_feedback = unread_feedback(person, subject_ids=reviewees)
    box.returned = _load_plans(
        select(Plan).where(
            Plan.person_id == person.id,
            Plan.status == PlanStatus.RETURNED,
            Plan.cycle_id.in_(_open_cycles()),
        )
    )
    box.feedback = unread_feedback(person)
    box.deadlines = deadlines(person)
    box.completions = completions_waiting(person)
    return box


def completions_waiting(person: Person) -> list[tuple[Cycle, int]]:
    """How many courses completed elsewhere wait for `person` to confirm, per open year."""
    query = (
        select(Cycle, func.count(Completion.id))
        .join(Completion, Completion.cycle_id == Cycle.id)
        .where(
            Completion.person_id == person.id,
            Completion.status == "pending",
            Cycle.status == CycleStatus.OPEN,
        )
        .group_by(Cycle.id)
        .order_by(Cycle.be_year)
    )
    return [(cycle, count) for cycle, count in db.session.execute(query)]


def _to_verify(reviewees: Select) -> list[VerifyItem]:
    """People with learning not verified yet, the longest waiting first."""
    query = (
        select(
            LearningActivity.person_id,
            LearningActivity.cycle_id,
            func.count(LearningActivity.id),
            func.sum(LearningActivity.hours),
            func.min(LearningActivity.occurred_on),
        )
        .where(
            LearningActivity.verified_at.is_(None),
            LearningActivity.cycle_id.in_(_open_cycles()),
            LearningActivity.person_id.in_(reviewees),
        )
        .group_by(LearningActivity.person_id, LearningActivity.cycle_id)
        .order_by(func.min(LearningActivity.occurred_on))
        .limit(SHOWN + 1)
    )
    rows = db.session.execute(query).all()
    people = _by_id(Person, {r[0] for r in rows}, joinedload(Person.unit))
    cycles = _by_id(Cycle, {r[1] for r in rows})
    return [
        VerifyItem(people[p], cycles[c], count, float(hours or 0), oldest)
        for p, c, count, hours, oldest in rows
    ]


def _by_id(model, ids, *options) -> dict:
    if not ids:
        return {}
    return {
        o.id: o
        for o in db.session.scalars(select(model).where(model.id.in_(ids)).options(*options))
    }


def _evaluations_due(reviewees: Select) -> list[Plan]:
    """Approved plans to evaluate: the person has evaluated themselves, or the evaluation
    deadline is near."""
    window = today() + timedelta(days=EVALUATION_WINDOW)
    return _load_plans(
        select(Plan)
        .join(Cycle, Plan.cycle_id == Cycle.id)
        .where(
            Plan.status == PlanStatus.APPROVED,
            Cycle.status == CycleStatus.OPEN,
            Plan.person_id.in_(reviewees),
            or_(Plan.self_evaluated_at.is_not(None), Cycle.evaluation_due <= window),
        )
        .order_by(Plan.self_evaluated_at.is_(None), Cycle.evaluation_due, Plan.id)
    )


def deadlines(person: Person) -> list[Deadline]:
    """The person's own steps due within a month (or overdue) in the open cycle."""
    cycle = db.session.scalars(
        select(Cycle).where(Cycle.status == CycleStatus.OPEN).order_by(Cycle.be_year.desc())
    ).first()
    if cycle is None:
        return []
    horizon = today() + timedelta(days=DEADLINE_WINDOW)
    status = db.session.scalar(
        select(SelfAssessment.status).where(
            SelfAssessment.person_id == person.id, SelfAssessment.cycle_id == cycle.id
        )
    )
    plan = db.session.scalars(
        select(Plan).where(Plan.person_id == person.id, Plan.cycle_id == cycle.id)
    ).first()
    items = []
    if status != AssessmentStatus.SUBMITTED and cycle.assessment_due <= horizon:
        items.append(Deadline("assessment", cycle, cycle.assessment_due))
    if (plan is None or plan.status not in PLAN_SENT) and cycle.idp_due <= horizon:
        items.append(Deadline("plan", cycle, cycle.idp_due))
    if (
        plan is not None
        and plan.status == PlanStatus.APPROVED
        and plan.self_evaluated_at is None
        and cycle.evaluation_due <= horizon
    ):
        items.append(Deadline("self_evaluation", cycle, cycle.evaluation_due))
    return items


def plans_waiting(reviewer: Person) -> Select:
    """The plans sent to `reviewer` for review in open years, the longest waiting first."""
    return _plans_waiting(reviewer)


def plans_waiting_count(reviewer: Person) -> int:
    query = _plans_waiting(reviewer).order_by(None).subquery()
    return permissions.per_request(
        "plans_waiting",
        reviewer,
        lambda: db.session.scalar(select(func.count()).select_from(query)) or 0,
    )


def badge_count(person: Person) -> int:
    """The number on the inbox link: unread notifications, and plans waiting for review.
    Worked out once per request."""
    if has_request_context() and "inbox_badge" in g:
        return g.inbox_badge
    # A plan waiting is counted once: as the plan, not also as the notification about it.
    count = unread_notifications(person, except_kinds=("plan_submitted",))
    if is_reviewer(person):
        count += plans_waiting_count(person)
    if has_request_context():
        g.inbox_badge = count
    return count
