"""`flask lms remind`, run by cron: reminders before each deadline of an open cycle, reminders
for items waiting too long, escalation one level up, then the e-mails; and the reminder HR or a
supervisor sends to everyone behind in a unit or a team (not assessed, no plan sent, no learning
this quarter), once each.

Each reminder has a key naming what it is about (the deadline and person, or the plan and the
moment it was sent); a key is used once, so running the command often never repeats one.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from lms import permissions
from lms.audit import audit
from lms.clock import today, utcnow
from lms.extensions import db
from lms.i18n import BEDate
from lms.models import (
    Cycle,
    FeedbackMessage,
    FeedbackThread,
    LearningActivity,
    Notification,
    Person,
    Plan,
    SelfAssessment,
    SystemState,
    still_here,
)
from lms.notifications import deliver_pending, link_to, notify, notify_many
from lms.vocab import PLAN_SENT, AssessmentStatus, CycleStatus, PlanStatus


@dataclass
class ReminderRun:
    sent: dict[str, int] = field(default_factory=dict)
    emailed: int = 0

    def count(self, kind: str, notification) -> None:
        if notification is not None:
            self.sent[kind] = self.sent.get(kind, 0) + 1

    def add(self, kind: str, how_many: int) -> None:
        if how_many:
            self.sent[kind] = self.sent.get(kind, 0) + how_many


def _stamp(moment) -> str:
    return moment.strftime("%Y%m%d%H%M%S") if moment else "0"


def remind(*, days_before: int, waiting_days: int, send_mail: bool = True) -> ReminderRun:
    run = ReminderRun()
    with permissions.delegations_known():  # one read for the thousands of routes below
        for cycle in db.session.scalars(select(Cycle).where(Cycle.status == CycleStatus.OPEN)):
            _deadlines(run, cycle, days_before)
        _waiting_plans(run, waiting_days)
        _returned_plans(run, waiting_days)
        _unread_feedback(run, waiting_days)
    db.session.commit()
    if send_mail:
        run.emailed = deliver_pending()
    _note_run(run)
    return run


def _note_run(run: ReminderRun) -> None:
    """Say when this run happened and what it did, for the administrators' health page."""
    state = db.session.get(SystemState, "remind") or SystemState(name="remind")
    state.value = {"at": utcnow().isoformat(), "sent": dict(run.sent), "emailed": run.emailed}
    state.updated_at = utcnow()
    db.session.add(state)
    db.session.commit()


def _active_people(key_prefix: str):
    """Active people not reminded under `key_prefix` yet (so a second run reads no one)."""
    reminded = select(Notification.person_id).where(
        Notification.dedupe_key.startswith(key_prefix, autoescape=True)
    )
    return select(Person).where(still_here(), Person.id.not_in(reminded))


def _deadlines(run: ReminderRun, cycle: Cycle, days_before: int) -> None:
    """Before each deadline (from `days_before` days ahead until the day itself), once per
    person who has not done the step."""
    day = today()

    def due(deadline) -> bool:
        return deadline - timedelta(days=days_before) <= day <= deadline

    if due(cycle.assessment_due):
        done = select(SelfAssessment.person_id).where(
            SelfAssessment.cycle_id == cycle.id,
            SelfAssessment.status == AssessmentStatus.SUBMITTED,
        )
        _remind_who_has_not(
            run,
            "assessment_due",
            f"due:assessment:{cycle.id}:",
            done,
            _l(
                "Your self-assessment for FY %(year)d is due on %(date)s.",
                year=cycle.be_year,
                date=BEDate(cycle.assessment_due),
            ),
            link_to("assessments.overview", be_year=cycle.be_year),
        )
    if due(cycle.idp_due):
        sent = select(Plan.person_id).where(
            Plan.cycle_id == cycle.id, Plan.status.in_([str(s) for s in PLAN_SENT])
        )
        _remind_who_has_not(
            run,
            "plan_due",
            f"due:plan:{cycle.id}:",
            sent,
            _l(
                "Your development plan for FY %(year)d should be sent by %(date)s.",
                year=cycle.be_year,
                date=BEDate(cycle.idp_due),
            ),
            link_to("plans.show", be_year=cycle.be_year),
        )
    if due(cycle.evaluation_due):
        message = _l(
            "Your year-end self-evaluation for FY %(year)d is due on %(date)s.",
            year=cycle.be_year,
            date=BEDate(cycle.evaluation_due),
        )
        link = link_to("evaluations.self_evaluation", be_year=cycle.be_year)
        plans = db.session.scalars(
            select(Plan)
            .where(
                Plan.cycle_id == cycle.id,
                Plan.status == PlanStatus.APPROVED,
                Plan.self_evaluated_at.is_(None),
            )
            .options(joinedload(Plan.person))
        )
        for plan in plans:
            key = f"due:self_evaluation:{cycle.id}:{plan.person_id}"
            run.count(
                "evaluation_due",
                notify(plan.person, "deadline", message, link=link, dedupe_key=key),
            )


def _remind_who_has_not(run, kind: str, prefix: str, done, message, link: str) -> None:
    """Remind every active person not in `done` (ids) once under the key `prefix<id>`, in
    a few statements however many they are."""
    people = db.session.scalars(_active_people(prefix).where(Person.id.not_in(done)))
    run.add(
        kind,
        notify_many(
            (person, "deadline", message, link, prefix + str(person.id)) for person in people
        ),
    )


def _used_keys(keys) -> set[str]:
    """Which of `keys` earlier runs used (one statement per thousand), so that a run that has
    nothing new to say asks nothing more of the reporting lines."""
    keys, used = list(keys), set()
    for start in range(0, len(keys), 1000):
        used.update(
            db.session.scalars(
                select(Notification.dedupe_key).where(
                    Notification.dedupe_key.in_(keys[start : start + 1000])
                )
            )
        )
    return used


def _waiting_plans(run: ReminderRun, waiting_days: int) -> None:
    """A plan waiting for review longer than `waiting_days`: a reminder to the reviewer; after
    twice as long, the same goes to the next person up (or HR for the top of a line). Plans
    whose reminders went out before are set aside first, in a few statements."""
    now = utcnow()
    plans = list(
        db.session.scalars(
            select(Plan)
            .join(Cycle, Plan.cycle_id == Cycle.id)
            .where(
                Plan.status == PlanStatus.SUBMITTED,
                Cycle.status == CycleStatus.OPEN,
                Plan.submitted_at < now - timedelta(days=waiting_days),
            )
            .options(joinedload(Plan.person), joinedload(Plan.cycle))
        )
    )
    escalate_before = now - timedelta(days=2 * waiting_days)

    def keys(plan) -> tuple[str, str | None]:
        stamp = _stamp(plan.submitted_at)
        return (
            f"wait:plan:{plan.id}:{stamp}",
            f"escalate:plan:{plan.id}:{stamp}" if plan.submitted_at < escalate_before else None,
        )

    used = _used_keys(k for plan in plans for k in keys(plan) if k)
    waiting, escalated = [], []
    for plan in plans:
        wait_key, escalate_key = keys(plan)
        if wait_key in used and (escalate_key is None or escalate_key in used):
            continue
        route = permissions.review_route(plan.person)
        if route.reviewer is None:
            continue
        link = link_to(
            "reviews.plan", employee_no=plan.person.employee_no, be_year=plan.cycle.be_year
        )
        days = (now - plan.submitted_at).days
        if wait_key not in used:
            message = _l(
                "The development plan of %(name)s has waited %(days)d days for your review.",
                name=plan.person.name_th,
                days=days,
            )
            waiting.append((route.reviewer, "reminder", message, link, wait_key))
        if escalate_key is not None and escalate_key not in used:
            up = permissions.escalation_route(plan.person).reviewer
            if up is None:
                continue
            message = _l(
                "The development plan of %(name)s has waited %(days)d days for %(reviewer)s: "
                "please follow it up or review it yourself.",
                name=plan.person.name_th,
                days=days,
                reviewer=route.reviewer.name_th,
            )
            escalated.append((up, "escalation", message, link, escalate_key))
    run.add("plan_waiting", notify_many(waiting))
    run.add("plan_escalated", notify_many(escalated))


def _returned_plans(run: ReminderRun, waiting_days: int) -> None:
    plans = db.session.scalars(
        select(Plan)
        .join(Cycle, Plan.cycle_id == Cycle.id)
        .where(
            Plan.status == PlanStatus.RETURNED,
            Cycle.status == CycleStatus.OPEN,
            Plan.reviewed_at < utcnow() - timedelta(days=waiting_days),
        )
        .options(joinedload(Plan.person), joinedload(Plan.cycle))
    )
    plans = list(plans)
    used = _used_keys(f"wait:returned:{p.id}:{_stamp(p.reviewed_at)}" for p in plans)
    for plan in plans:
        key = f"wait:returned:{plan.id}:{_stamp(plan.reviewed_at)}"
        if key in used:
            continue
        message = _l(
            "Your development plan for FY %(year)d was returned to you: please update it "
            "and send it again.",
            year=plan.cycle.be_year,
        )
        run.count(
            "plan_returned",
            notify(
                plan.person,
                "reminder",
                message,
                link=link_to("plans.show", be_year=plan.cycle.be_year),
                dedupe_key=key,
            ),
        )


def _unread_feedback(run: ReminderRun, waiting_days: int) -> None:
    """Feedback unread for longer than `waiting_days`: one reminder per thread and reader."""
    rows = db.session.execute(
        select(FeedbackMessage, FeedbackThread)
        .join(FeedbackThread, FeedbackMessage.thread_id == FeedbackThread.id)
        .where(
            FeedbackMessage.read_at.is_(None),
            FeedbackMessage.created_at < utcnow() - timedelta(days=waiting_days),
        )
        .options(joinedload(FeedbackThread.subject))
        .order_by(FeedbackMessage.id)
    ).all()
    reminded = {  # (thread, message) already brought to their reader's attention
        tuple(key.split(":")[2:5:2])
        for key in db.session.scalars(
            select(Notification.dedupe_key).where(
                Notification.dedupe_key.startswith("wait:feedback:")
            )
        )
    }
    seen = set()
    for message, thread in rows:
        if (str(thread.id), str(message.id)) in reminded:
            continue  # its reader was told (asked once: no reporting line is read again)
        if message.author_id == thread.subject_id:
            reader = permissions.review_route(thread.subject).reviewer
        else:
            reader = thread.subject
        if reader is None or (thread.id, reader.id) in seen:
            continue
        seen.add((thread.id, reader.id))
        if thread.activity_id:
            kind, target_id = "activity", thread.activity_id
        elif thread.goal_id:
            kind, target_id = "goal", thread.goal_id
        else:
            kind, target_id = "plan", thread.plan_id
        key = f"wait:feedback:{thread.id}:{reader.id}:{message.id}"
        run.count(
            "feedback_unread",
            notify(
                reader,
                "reminder",
                _l("A feedback message has waited for you to read it."),
                link=link_to("feedback.thread", kind=kind, target_id=target_id),
                dedupe_key=key,
            ),
        )


# -- HR's and supervisors' reminder to everyone behind --------------------------------------------

BEHIND = ("not_assessed", "no_plan_sent", "no_learning")


def quarter_start(day) -> date:
    """The first day of the fiscal quarter `day` falls in (October, January, April, July: the
    Thai fiscal year's quarters are the calendar's)."""
    return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def _behind(cycle: Cycle, kind: str, people) -> Select:
    """The active people among `people` (a SELECT of ids) behind in `kind` in `cycle`."""
    query = select(Person).where(still_here(), Person.id.in_(people))
    if kind == "not_assessed":
        done = select(SelfAssessment.person_id).where(
            SelfAssessment.cycle_id == cycle.id,
            SelfAssessment.status == AssessmentStatus.SUBMITTED,
        )
    elif kind == "no_plan_sent":
        done = select(Plan.person_id).where(
            Plan.cycle_id == cycle.id, Plan.status.in_([str(s) for s in PLAN_SENT])
        )
    else:
        done = select(LearningActivity.person_id).where(
            LearningActivity.cycle_id == cycle.id,
            LearningActivity.occurred_on >= quarter_start(today()),
        )
    return query.where(Person.id.not_in(done))


def _behind_prefix(cycle: Cycle, kind: str) -> str:
    """Once per person: a step of the year once a cycle, learning once a quarter."""
    quarter = f"{quarter_start(today()).isoformat()}:" if kind == "no_learning" else ""
    return f"behind:{kind}:{cycle.id}:{quarter}"


def count_behind(cycle: Cycle, people) -> dict[str, tuple[int, int]]:
    """Per kind: how many of `people` are behind, and how many of them a reminder would
    reach (those not reminded of it yet)."""
    counts = {}
    for kind in BEHIND:
        behind = _behind(cycle, kind, people).with_only_columns(Person.id).subquery()
        total = db.session.scalar(select(func.count()).select_from(behind)) or 0
        reminded = select(Notification.person_id).where(
            Notification.dedupe_key.startswith(_behind_prefix(cycle, kind), autoescape=True)
        )
        fresh = (
            db.session.scalar(
                select(func.count()).select_from(behind).where(behind.c.id.not_in(reminded))
            )
            or 0
        )
        counts[kind] = (total, fresh)
    return counts


def _behind_message(cycle: Cycle, kind: str):
    if kind == "not_assessed":
        return (
            _l(
                "A reminder: your self-assessment for FY %(year)d is not sent yet. It "
                "takes about fifteen minutes.",
                year=cycle.be_year,
            ),
            link_to("assessments.overview", be_year=cycle.be_year),
        )
    if kind == "no_plan_sent":
        return (
            _l(
                "A reminder: your development plan for FY %(year)d is not sent to your "
                "supervisor yet.",
                year=cycle.be_year,
            ),
            link_to("plans.show", be_year=cycle.be_year),
        )
    return (
        _l(
            "A reminder: nothing is in your learning log since %(date)s. Record what you "
            "learned at work, from others or on a course.",
            date=BEDate(quarter_start(today())),
        ),
        link_to("activities.log", be_year=cycle.be_year),
    )


def remind_behind(cycle: Cycle, people, kinds, *, by: Person, about: str) -> dict[str, int]:
    """Remind once each of `people` behind in each of `kinds` (through the in-app reminders,
    e-mailed by the next `flask lms remind`); `about` says whose people (audited)."""
    sent = {}
    for kind in kinds:
        if kind not in BEHIND:
            continue
        prefix = _behind_prefix(cycle, kind)
        message, link = _behind_message(cycle, kind)
        reminded = select(Notification.person_id).where(
            Notification.dedupe_key.startswith(prefix, autoescape=True)
        )
        targets = db.session.scalars(_behind(cycle, kind, people).where(Person.id.not_in(reminded)))
        sent[kind] = notify_many(
            (person, "reminder", message, link, prefix + str(person.id)) for person in targets
        )
    audit("reminders_sent", by, None, cycle=cycle.be_year, about=about, sent=sent)
    return sent
