"""What the home page shows a person: where they are in the cycle, what is due, their gaps."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from lms import permissions
from lms.assessments.services import (
    AreaResult,
    find_assessment,
    latest_submitted,
    rated_area_ids,
    results,
    top_gaps,
)
from lms.clock import today
from lms.cycles import cycle_areas, open_cycle, open_past_their_end
from lms.extensions import db
from lms.inbox.services import EVALUATION_WINDOW, is_reviewer, plans_waiting_count
from lms.learning import Balance, actual_balance, goal_progress
from lms.models import Cycle, Person, Plan, PlannedActivity, Unit, still_here
from lms.people.services import team_counts
from lms.plans.services import find_plan
from lms.vocab import PLAN_REVIEWED, PLAN_SENT, AssessmentStatus, CycleStatus, PlanStatus


@dataclass
class Milestone:
    label: str
    due: date
    done: bool

    @property
    def overdue(self) -> bool:
        return not self.done and self.due < today()


@dataclass
class TeamSummary:
    people: int
    submitted: int


@dataclass
class HomeSummary:
    cycle: Cycle | None
    assessment_status: str = "none"  # none, draft, submitted
    areas_total: int = 0
    areas_rated: int = 0
    plan_status: str = "none"
    milestones: list[Milestone] = field(default_factory=list)
    gaps: list[AreaResult] = field(default_factory=list)
    gaps_cycle: Cycle | None = None
    team: TeamSummary | None = None
    has_gaps_source: bool = False  # a submitted self-assessment to build a plan from
    plan_goals: int = 0
    next_planned: PlannedActivity | None = None
    actual: Balance | None = None

    plan_self_evaluated: bool = False
    reviews_waiting: int = 0  # plans waiting for this person's review

    @property
    def next_step(self) -> str:
        """The earliest unfinished step: assess, plan, send the plan, fix it, wait, learn,
        evaluate the year — or none when the plan is completed."""
        if self.cycle is None or not self.cycle.is_open:
            return "none"
        if self.assessment_status != AssessmentStatus.SUBMITTED and (
            not self.has_gaps_source or self.cycle.assessment_due < today()
        ):
            return "assess"
        if self.plan_status in ("none", PlanStatus.DRAFT) and not self.plan_goals:
            return "plan_build"
        if self.plan_status == PlanStatus.DRAFT:
            return "plan_send"
        if self.plan_status == PlanStatus.RETURNED:
            return "plan_fix"
        if self.plan_status == PlanStatus.SUBMITTED:
            return "plan_wait"
        if self.plan_status == PlanStatus.COMPLETED:
            return "done"
        if (
            not self.plan_self_evaluated
            and self.cycle.evaluation_due - timedelta(days=EVALUATION_WINDOW) <= today()
        ):
            return "evaluate"
        return "learn"


def home_summary(person: Person) -> HomeSummary:
    """Everything the home page needs, in a handful of queries."""
    cycle = open_cycle()
    summary = HomeSummary(cycle=cycle)
    assessment, areas = None, None
    if cycle is not None:
        assessment = find_assessment(person, cycle)
        areas = cycle_areas(cycle)
        summary.areas_total = len(areas)
        if assessment is not None:
            summary.assessment_status = assessment.status
            summary.areas_rated = len(rated_area_ids(assessment))
        plan = find_plan(person, cycle)
        summary.plan_status = plan.status if plan else "none"
        summary.plan_goals = len(plan.goals) if plan else 0
        summary.plan_self_evaluated = bool(plan and plan.self_evaluated_at)
        summary.next_planned = _next_planned(plan)
        summary.actual = actual_balance(person, cycle)
        plan_sent = summary.plan_status in PLAN_SENT
        summary.milestones = [
            Milestone(
                str(_l("Self-assessment")),
                cycle.assessment_due,
                summary.assessment_status == AssessmentStatus.SUBMITTED,
            ),
            Milestone(str(_l("Development plan (IDP) sent")), cycle.idp_due, plan_sent),
            Milestone(
                str(_l("Plan reviewed by supervisor")),
                cycle.review_due,
                summary.plan_status in PLAN_REVIEWED,
            ),
            Milestone(
                str(_l("End-of-year evaluation")),
                cycle.evaluation_due,
                summary.plan_status == PlanStatus.COMPLETED,
            ),
        ]
    if assessment is not None and assessment.is_submitted:
        latest = assessment  # this cycle's, already loaded
    else:
        latest = latest_submitted(person)
        if (
            latest is not None
            and cycle is not None
            and latest.cycle.framework_id != cycle.framework_id
        ):
            areas = None  # an earlier cycle on another framework: its own areas
    summary.has_gaps_source = latest is not None
    if latest is not None:
        summary.gaps = top_gaps(results(latest, areas=areas), limit=7)
        summary.gaps_cycle = latest.cycle
    summary.team = _team_summary(person, cycle)
    if summary.team is not None or is_reviewer(person):
        summary.reviews_waiting = plans_waiting_count(person)
    return summary


def _next_planned(plan: Plan | None) -> PlannedActivity | None:
    """The first planned activity of the goal with the least logged progress."""
    progress = [p for p in goal_progress(plan) if p.goal.activities]
    if not progress:
        return None
    behind = min(progress, key=lambda p: (p.hours_share or 0, p.goal.position))
    done = behind.done_count
    activities = behind.goal.activities
    return activities[min(done, len(activities) - 1)]


def _team_summary(person: Person, cycle: Cycle | None) -> TeamSummary | None:
    """How many active people report to `person`, and how many of them submitted their
    self-assessment in `cycle` (one query, whatever the team's size)."""
    people, done = team_counts(person, cycle)
    return TeamSummary(people=people, submitted=done) if people else None


@dataclass
class YearTasks:
    """What the people who run the year should do next on their home page: open a fiscal
    year when none is open (the planned one, or a new one), close one whose year is over."""

    planned: Cycle | None = None
    none_open: bool = False
    past_end: list[Cycle] = field(default_factory=list)
    units: int = 0  # while no year is open: how far the installation is (the first steps)
    people: int = 0

    def __bool__(self) -> bool:
        return self.none_open or bool(self.past_end)


def year_tasks(person: Person, open_now: Cycle | None) -> YearTasks:
    """For those who run the year; `open_now` is the open cycle the home summary read."""
    if not permissions.runs_the_year(person):
        return YearTasks()
    tasks = YearTasks(none_open=open_now is None, past_end=open_past_their_end())
    if tasks.none_open:
        tasks.planned = db.session.scalars(
            select(Cycle).where(Cycle.status == CycleStatus.PLANNED).order_by(Cycle.be_year)
        ).first()
        tasks.units = db.session.scalar(select(func.count()).select_from(Unit)) or 0
        tasks.people = db.session.scalar(select(func.count(Person.id)).where(still_here())) or 0
    return tasks
