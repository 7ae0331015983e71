"""People: lists with their progress in a cycle (scoped by permissions.py), a person's
years, and accounts made from the command line."""

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, case, func, null, or_, select
from sqlalchemy.orm import joinedload

from lms.audit import audit
from lms.auth.services import password_problem, set_password
from lms.clock import today
from lms.extensions import db
from lms.models import (
    Cycle,
    Goal,
    LearningActivity,
    Person,
    Plan,
    PlannedActivity,
    RoleGroup,
    SelfAssessment,
    Unit,
    still_here,
)
from lms.models.lines import below_any, team_size
from lms.people.org import add_person, add_unit, unit_by_code
from lms.permissions import delegator_ids, team_lines, visible_people_query
from lms.rules import RuleError
from lms.text import LIKE_ESCAPE, contains_pattern, fold
from lms.vocab import BUCKETS, PLAN_SENT, AssessmentStatus, Outcome, PlanStatus, Role

PAGE_SIZE = 50


class PeopleError(RuleError):
    """A person or account cannot be created or changed as asked."""


@dataclass
class PersonRow:
    person: Person
    assessment_status: str  # none, draft, submitted


@dataclass
class Page:
    rows: list[PersonRow]
    total: int
    page: int
    pages: int


def _with_status(query: Select, cycle: Cycle | None) -> Select:
    if cycle is None:
        return query.add_columns(null().label("status"))
    return query.outerjoin(
        SelfAssessment,
        (SelfAssessment.person_id == Person.id) & (SelfAssessment.cycle_id == cycle.id),
    ).add_columns(SelfAssessment.status)


def _rows(query: Select) -> list[PersonRow]:
    result = db.session.execute(
        query.options(joinedload(Person.unit), joinedload(Person.role_group))
    )
    return [PersonRow(person, status or "none") for person, status in result]


TEAM_SORTS = ("name", "unit", "hours", "last", "behind", "plan")
TEAM_FILTERS = ("all", "direct", "behind", "waiting")


@dataclass
class TeamRow:
    """One person of a team, with their cycle at a glance."""

    person: Person
    direct: bool
    assessment_status: str
    plan_status: str
    planned_hours: float
    done: dict  # bucket -> hours
    goals_behind: int
    last_activity: date | None
    to_verify: int
    plan_waiting: bool
    evaluation_due: bool
    behind: bool

    @property
    def done_hours(self) -> float:
        return sum(self.done.values())

    @property
    def mix(self) -> dict:
        total = self.done_hours
        return {b: (self.done[b] / total if total else 0) for b in BUCKETS}


@dataclass
class TeamPage:
    rows: list[TeamRow]
    total: int
    page: int
    pages: int
    people: int  # the whole team, before the filter
    submitted: int  # of them, with a submitted self-assessment


def team_page(
    supervisor: Person,
    cycle: Cycle | None,
    *,
    sort: str = "name",
    show: str = "all",
    page: int = 1,
) -> TeamPage:
    """Direct and indirect reports of `supervisor` (and of those they stand in for today), each
    with the cycle at a glance; sortable, filterable, paginated. The statements do not depend
    on the team's size: the team is an index range of the reporting line (lms.models.lines),
    and when the order needs no figures (by name or unit) the page's people are chosen first,
    so only their figures are summed (by name, in the order of an index of names)."""
    heads = [supervisor.id, *delegator_ids(supervisor)]
    direct = Person.supervisor_id.in_(heads)
    lines = team_lines(supervisor, with_delegations=True)
    team = and_(below_any(lines), still_here(), Person.id != supervisor.id)
    people, submitted = team_size(supervisor, lines, cycle.id if cycle else None)
    # Whoever is waiting for the supervisor reports to them directly: the rest need not be read.
    chosen = and_(team, direct) if show in ("direct", "waiting") else team
    if show in ("all", "direct") and sort in ("name", "unit"):
        total = people if show == "all" else _count(select(Person.id).where(chosen))
        pages, page = _pages(total, page)
        ids = _page_of_people(chosen, direct, sort, (page - 1) * PAGE_SIZE)
        query, _figures = _team_query(heads, cycle, ids)
        query = query.order_by(direct.desc(), *_PEOPLE_ORDER[sort], Person.id)
    else:
        query, figures = _team_query(heads, cycle, select(Person.id).where(chosen))
        if show == "behind":
            query = query.where(figures["behind"])
        elif show == "waiting":
            query = query.where(figures["waiting"])
        total = _count(query)
        pages, page = _pages(total, page)
        order = _PEOPLE_ORDER.get(sort) or figures["order"][sort]
        query = (
            query.order_by(direct.desc(), *order, Person.id)
            .offset((page - 1) * PAGE_SIZE)
            .limit(PAGE_SIZE)
        )
    rows = [_team_row(row) for row in db.session.execute(query)]
    return TeamPage(rows, total, page, pages, people, submitted)


_PEOPLE_ORDER = {"name": (Person.name_th,), "unit": (Unit.code, Person.name_th)}


def _page_of_people(chosen, direct, sort: str, start: int) -> list[int]:
    """Ids of the people of one page, direct reports first, in `sort` order: the direct ones
    (a few, by supervisor) and the others each read apart, so the database sorts only the
    part of the team the page shows (three statements, whichever part the page is in)."""
    order = (*_PEOPLE_ORDER[sort], Person.id)

    def part(condition, offset: int, limit: int) -> list[int]:
        query = select(Person.id).where(chosen, condition)
        if sort == "unit":
            query = query.join(Unit, Person.unit_id == Unit.id)
        return list(db.session.scalars(query.order_by(*order).offset(offset).limit(limit)))

    directs = _count(select(Person.id).where(chosen, direct))
    first = part(direct, min(start, directs), PAGE_SIZE if start < directs else 0)
    return first + part(~direct, max(start - directs, 0), PAGE_SIZE - len(first))


def _pages(total: int, page: int) -> tuple[int, int]:
    pages = max(1, -(-total // PAGE_SIZE))
    return pages, min(max(page, 1), pages)


def _count(query: Select) -> int:
    return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0


def _team_query(heads: list[int], cycle: Cycle | None, members) -> tuple[Select, dict]:
    """The team rows of `members` (ids, or a SELECT of them) with their figures in `cycle`, and
    the figures' expressions by name (for filters and orders)."""
    cycle_id = cycle.id if cycle is not None else -1
    day = today()
    in_cycle = LearningActivity.cycle_id == cycle_id
    done = (
        select(
            LearningActivity.person_id.label("person_id"),
            *[
                func.coalesce(
                    func.sum(case((LearningActivity.bucket == b, LearningActivity.hours), else_=0)),
                    0,
                ).label(f"h{b}")
                for b in BUCKETS
            ],
            func.max(LearningActivity.occurred_on).label("last"),
            func.sum(case((LearningActivity.verified_at.is_(None), 1), else_=0)).label(
                "unverified"
            ),
        )
        .where(in_cycle, LearningActivity.person_id.in_(members))
        .group_by(LearningActivity.person_id)
        .subquery()
    )
    plans_of_members = select(Plan.id).where(Plan.cycle_id == cycle_id, Plan.person_id.in_(members))
    goal_planned = (
        select(PlannedActivity.goal_id, func.sum(PlannedActivity.hours).label("h"))
        .join(Goal, PlannedActivity.goal_id == Goal.id)
        .where(Goal.plan_id.in_(plans_of_members))
        .group_by(PlannedActivity.goal_id)
        .subquery()
    )
    goal_done = (
        select(LearningActivity.goal_id, func.sum(LearningActivity.hours).label("h"))
        .where(
            in_cycle, LearningActivity.goal_id.is_not(None), LearningActivity.person_id.in_(members)
        )
        .group_by(LearningActivity.goal_id)
        .subquery()
    )
    planned_h, done_h = func.coalesce(goal_planned.c.h, 0), func.coalesce(goal_done.c.h, 0)
    goals = (
        select(
            Goal.plan_id.label("plan_id"),
            func.coalesce(func.sum(goal_planned.c.h), 0).label("planned"),
            func.sum(
                case(
                    (
                        and_(
                            Goal.due_on < day,
                            or_(
                                Goal.supervisor_outcome.is_(None),
                                Goal.supervisor_outcome != Outcome.ACHIEVED,
                            ),
                            or_(done_h == 0, done_h < planned_h),
                        ),
                        1,
                    ),
                    else_=0,
                )
            ).label("behind"),
        )
        .outerjoin(goal_planned, goal_planned.c.goal_id == Goal.id)
        .outerjoin(goal_done, goal_done.c.goal_id == Goal.id)
        .where(Goal.plan_id.in_(plans_of_members))
        .group_by(Goal.plan_id)
        .subquery()
    )
    assessment_status = func.coalesce(SelfAssessment.status, "none")
    plan_status = func.coalesce(Plan.status, "none")
    direct = Person.supervisor_id.in_(heads)
    unverified = func.coalesce(done.c.unverified, 0)
    behind_goals = func.coalesce(goals.c.behind, 0)
    late = []
    if cycle is not None:
        if cycle.assessment_due < day:
            late.append(assessment_status != AssessmentStatus.SUBMITTED)
        if cycle.idp_due < day:
            late.append(plan_status.not_in([str(x) for x in PLAN_SENT]))
    behind = or_(behind_goals > 0, *late)
    plan_waiting = Plan.status == PlanStatus.SUBMITTED
    evaluation_due = and_(Plan.status == PlanStatus.APPROVED, Plan.self_evaluated_at.is_not(None))
    hours = sum(func.coalesce(getattr(done.c, f"h{b}"), 0) for b in BUCKETS)
    query = (
        select(
            Person,
            direct.label("direct"),
            assessment_status.label("assessment"),
            plan_status.label("plan"),
            func.coalesce(goals.c.planned, 0).label("planned"),
            *[func.coalesce(getattr(done.c, f"h{b}"), 0).label(f"h{b}") for b in BUCKETS],
            behind_goals.label("goals_behind"),
            done.c.last,
            unverified.label("unverified"),
            case((plan_waiting, True), else_=False).label("plan_waiting"),
            case((evaluation_due, True), else_=False).label("evaluation_due"),
            case((behind, True), else_=False).label("behind"),
        )
        .join(Unit, Person.unit_id == Unit.id)
        .outerjoin(
            SelfAssessment,
            (SelfAssessment.person_id == Person.id) & (SelfAssessment.cycle_id == cycle_id),
        )
        .outerjoin(Plan, (Plan.person_id == Person.id) & (Plan.cycle_id == cycle_id))
        .outerjoin(done, done.c.person_id == Person.id)
        .outerjoin(goals, goals.c.plan_id == Plan.id)
        .where(Person.id.in_(members))
        .options(
            joinedload(Person.unit), joinedload(Person.role_group), joinedload(Person.supervisor)
        )
    )
    figures = {
        "behind": behind,
        "waiting": and_(direct, or_(plan_waiting, unverified > 0, evaluation_due)),
        "order": {
            "hours": (hours.desc(), Person.name_th),
            "last": (done.c.last.desc().nulls_last(), Person.name_th),
            "behind": (behind_goals.desc(), Person.name_th),
            "plan": (plan_status, Person.name_th),
        },
    }
    return query, figures


def _team_row(row) -> TeamRow:
    return TeamRow(
        person=row[0],
        direct=bool(row.direct),
        assessment_status=row.assessment,
        plan_status=row.plan,
        planned_hours=float(row.planned or 0),
        done={b: float(getattr(row, f"h{b}") or 0) for b in BUCKETS},
        goals_behind=int(row.goals_behind or 0),
        last_activity=row.last,
        to_verify=int(row.unverified or 0),
        plan_waiting=bool(row.plan_waiting),
        evaluation_due=bool(row.evaluation_due),
        behind=bool(row.behind),
    )


def team_counts(supervisor: Person, cycle: Cycle | None) -> tuple[int, int]:
    """How many people still here are below `supervisor`, and how many of them submitted their
    self-assessment in `cycle` (one statement over the supervisors' counts: lines.team_size)."""
    return team_size(supervisor, [supervisor.line], cycle.id if cycle else None)


def search_people(
    viewer: Person, cycle: Cycle | None, *, text: str = "", unit: Unit | None = None, page: int = 1
) -> Page:
    """People `viewer` may see, filtered by name/number/e-mail text and unit subtree."""
    query = visible_people_query(viewer).where(still_here())
    for word in fold(text).split()[:5]:  # names with or without tone marks, number, e-mail
        query = query.where(Person.search_key.like(contains_pattern(word), escape=LIKE_ESCAPE))
    if unit is not None:
        query = query.where(Unit.path.startswith(unit.path))
    total = _count(query)
    pages, page = _pages(total, page)
    query = (
        query.order_by(Unit.code, Person.name_th).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
    )
    return Page(_rows(_with_status(query, cycle)), total, page, pages)


def person_by_employee_no(employee_no: str) -> Person | None:
    return db.session.scalars(select(Person).where(Person.employee_no == employee_no)).first()


@dataclass
class CycleSummary:
    cycle: Cycle
    assessment: SelfAssessment | None
    plan: Plan | None
    activities: int


def year_by_year(person: Person) -> list[CycleSummary]:
    """Every cycle, newest first, with the person's assessment, plan and activity count."""
    cycles = db.session.scalars(select(Cycle).order_by(Cycle.be_year.desc())).all()
    assessments = {
        a.cycle_id: a
        for a in db.session.scalars(
            select(SelfAssessment).where(SelfAssessment.person_id == person.id)
        )
    }
    plans = {
        p.cycle_id: p for p in db.session.scalars(select(Plan).where(Plan.person_id == person.id))
    }
    counts = {
        cycle_id: count
        for cycle_id, count in db.session.execute(
            select(LearningActivity.cycle_id, func.count())
            .where(LearningActivity.person_id == person.id)
            .group_by(LearningActivity.cycle_id)
        )
    }
    return [
        CycleSummary(c, assessments.get(c.id), plans.get(c.id), counts.get(c.id, 0)) for c in cycles
    ]


def create_admin(
    *,
    email: str,
    employee_no: str,
    name_th: str,
    unit_code: str,
    role_group_code: str,
    password: str,
) -> Person:
    """An administrator (scoped to everything) in unit `unit_code`, created as a root unit when
    the organisation is still empty. The role grant is audited."""
    problem = password_problem(password, hints=(email, employee_no, name_th, "thaksa"))
    if problem:
        raise PeopleError(problem)
    taken = select(Person.id).where((Person.email == email) | (Person.employee_no == employee_no))
    if db.session.scalars(taken).first() is not None:
        raise PeopleError(_l("A person with this e-mail or employee number already exists."))
    group = db.session.scalars(select(RoleGroup).where(RoleGroup.code == role_group_code)).first()
    if group is None:
        raise PeopleError(
            _l(
                "Unknown role group %(code)s; run 'flask lms init' first.",
                code=repr(role_group_code),
            )
        )
    unit = unit_by_code(unit_code) or add_unit(unit_code, unit_code)
    person = add_person(
        unit=unit,
        since=today(),
        roles=((Role.ADMIN, None),),
        email=email,
        employee_no=employee_no,
        name_th=name_th,
        role_group_id=group.id,
    )
    set_password(person, password)
    audit("role_granted", None, person, role=Role.ADMIN.value, via="cli")
    db.session.flush()
    return person
