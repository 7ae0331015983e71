"""Feedback threads: who may read and write them, posting, unread markers."""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, or_, select, update
from sqlalchemy.orm import joinedload

from lms import permissions
from lms.clock import utcnow
from lms.extensions import db
from lms.models import FeedbackMessage, FeedbackThread, Goal, LearningActivity, Person, Plan
from lms.notifications import link_to, notify
from lms.rules import RuleError
from lms.text import clean_text

MAX_BODY = 4000
KINDS = ("plan", "goal", "activity")


class FeedbackError(RuleError):
    """A message cannot be posted as asked."""


def can_take_part(viewer: Person, subject: Person) -> bool:
    """The person themselves and those who review them write feedback."""
    return permissions.is_owner(viewer, subject.id) or permissions.can_review_plans_of(
        viewer, subject
    )


def can_read(viewer: Person, subject: Person) -> bool:
    return can_take_part(viewer, subject) or permissions.is_admin(viewer)


@dataclass
class Target:
    """What a thread is about: a plan, one of its goals, or an activity of the log."""

    kind: str
    obj: Plan | Goal | LearningActivity

    @property
    def subject(self) -> Person:
        if self.kind == "goal":
            return self.obj.plan.person
        return self.obj.person

    @property
    def cycle_id(self) -> int:
        return self.obj.plan.cycle_id if self.kind == "goal" else self.obj.cycle_id

    @property
    def plan_id(self) -> int | None:
        if self.kind == "plan":
            return self.obj.id
        if self.kind == "goal":
            return self.obj.plan_id
        return None

    def matches(self):
        column = {
            "plan": FeedbackThread.plan_id,
            "goal": FeedbackThread.goal_id,
            "activity": FeedbackThread.activity_id,
        }[self.kind]
        others = [
            c.is_(None)
            for k, c in (("goal", FeedbackThread.goal_id), ("activity", FeedbackThread.activity_id))
            if k != self.kind
        ]
        return and_(column == self.obj.id, *others)


def target(kind: str, target_id: int) -> Target | None:
    model = {"plan": Plan, "goal": Goal, "activity": LearningActivity}.get(kind)
    obj = db.session.get(model, target_id) if model else None
    return Target(kind, obj) if obj is not None else None


def readable_target(reader: Person, kind: str, target_id: int) -> Target | None:
    """What a thread is about, if `reader` may read it (a draft plan stays private, its
    goals too): None else, for pages and the API alike."""
    if kind not in KINDS or not 0 < target_id < 2**31:
        return None
    on = target(kind, target_id)
    if on is None or not can_read(reader, on.subject):
        return None
    if kind != "activity" and not permissions.can_view_plan(
        reader, on.obj if kind == "plan" else on.obj.plan
    ):
        return None
    return on


def thread_on(on: Target) -> FeedbackThread | None:
    query = (
        select(FeedbackThread)
        .where(on.matches())
        .options(joinedload(FeedbackThread.messages).joinedload(FeedbackMessage.author))
        .order_by(FeedbackThread.id)
    )
    return db.session.scalars(query).unique().first()


def post(on: Target, body: str, *, by: Person) -> FeedbackMessage:
    """Add a message to the thread on `on` (started on the first message) and tell the
    other side."""
    subject = on.subject
    if not can_take_part(by, subject):
        raise FeedbackError(_l("Only the person and their supervisors write feedback here."))
    text = clean_text(body)
    if not text:
        raise FeedbackError(_l("Please write a message."), {"body": _l("Please write a message.")})
    if len(text) > MAX_BODY:
        raise FeedbackError(
            _l("At most 4,000 characters."), {"body": _l("At most 4,000 characters.")}
        )
    thread = thread_on(on)
    if thread is None:
        thread = FeedbackThread(subject_id=subject.id, cycle_id=on.cycle_id, plan_id=on.plan_id)
        if on.kind == "goal":
            thread.goal_id = on.obj.id
        elif on.kind == "activity":
            thread.activity_id = on.obj.id
        db.session.add(thread)
        db.session.flush()
    message = FeedbackMessage(thread_id=thread.id, author_id=by.id, body=text)
    db.session.add(message)
    db.session.flush()
    link = link_to("feedback.thread", kind=on.kind, target_id=on.obj.id)
    if by.id == subject.id:
        readers = {m.author_id: m.author for m in thread.messages if m.author_id != subject.id}
        said = (
            _l("%(name)s replied to your feedback.", name=subject.name_th)
            if readers
            else _l("%(name)s wrote to you about their development.", name=subject.name_th)
        )
        reviewer = permissions.review_route(subject).reviewer
        if reviewer is not None:
            readers.setdefault(reviewer.id, reviewer)
        for reader in readers.values():
            if permissions.can_review_plans_of(reader, subject):
                notify(reader, "feedback", said, link=link)
    else:
        notify(
            subject,
            "feedback",
            _l("%(name)s wrote you feedback.", name=by.name_th),
            link=link,
        )
    return message


def _unread_for(reader: Person):
    """Messages `reader` has not read: to the person, those of others; to a reviewer, the
    person's own."""
    return and_(
        FeedbackMessage.read_at.is_(None),
        FeedbackMessage.author_id != reader.id,
        or_(
            FeedbackThread.subject_id == reader.id,
            FeedbackMessage.author_id == FeedbackThread.subject_id,
        ),
    )


def mark_thread_read(thread: FeedbackThread, reader: Person) -> None:
    """`reader` has seen the thread's messages to them (the notifications pointing to the
    thread are read by opening it, as every page does)."""
    if not can_take_part(reader, thread.subject):
        return  # an administrator looking in does not read it for them
    ids = [
        m.id
        for m in thread.messages
        if m.read_at is None
        and m.author_id != reader.id
        and (thread.subject_id == reader.id or m.author_id == thread.subject_id)
    ]
    if ids:
        db.session.execute(
            update(FeedbackMessage).where(FeedbackMessage.id.in_(ids)).values(read_at=utcnow())
        )


@dataclass
class ThreadSummary:
    thread: FeedbackThread
    last_at: datetime
    messages: int
    unread: int


def threads_for(reader: Person, *, subject_ids=None, limit: int = 100) -> list[ThreadSummary]:
    """Threads about `reader` (or about the people in `subject_ids`), latest first, with
    their unread counts for `reader`."""
    stats = (
        select(
            FeedbackMessage.thread_id,
            func.max(FeedbackMessage.created_at).label("last_at"),
            func.count(FeedbackMessage.id).label("messages"),
            func.sum(case((_unread_for(reader), 1), else_=0)).label("unread"),
        )
        .join(FeedbackThread, FeedbackMessage.thread_id == FeedbackThread.id)
        .group_by(FeedbackMessage.thread_id)
    )
    if subject_ids is None:
        stats = stats.where(FeedbackThread.subject_id == reader.id)
    else:
        stats = stats.where(FeedbackThread.subject_id.in_(subject_ids))
    stats = stats.subquery()
    query = (
        select(FeedbackThread, stats.c.last_at, stats.c.messages, stats.c.unread)
        .join(stats, stats.c.thread_id == FeedbackThread.id)
        .order_by(stats.c.last_at.desc())
        .limit(limit)
        .options(
            joinedload(FeedbackThread.subject),
            joinedload(FeedbackThread.goal).joinedload(Goal.area),
            joinedload(FeedbackThread.activity),
        )
    )
    rows = db.session.execute(query).unique().all()
    return [ThreadSummary(t, last, count, int(unread or 0)) for t, last, count, unread in rows]


def unread_count(reader: Person, *, subject_ids=None) -> int:
    query = (
        select(func.count(FeedbackMessage.id))
        .join(FeedbackThread, FeedbackMessage.thread_id == FeedbackThread.id)
        .where(_unread_for(reader))
    )
    if subject_ids is None:
        query = query.where(FeedbackThread.subject_id == reader.id)
    else:
        query = query.where(FeedbackThread.subject_id.in_(subject_ids))
    return db.session.scalar(query) or 0


def counts_by_target(
    subject: Person, reader: Person, cycle_id: int
) -> dict[tuple[str, int], tuple[int, int]] | None:
    """(kind, id) → (messages, unread for `reader`) for every thread about `subject` in the
    cycle: for the "feedback (3, 1 new)" links beside a plan's goals and activities. None when
    `reader` may not open those threads (HR, executives): the pages then show no link."""
    if not can_read(reader, subject):
        return None
    query = (
        select(
            FeedbackThread.plan_id,
            FeedbackThread.goal_id,
            FeedbackThread.activity_id,
            func.count(FeedbackMessage.id),
            func.sum(case((_unread_for(reader), 1), else_=0)),
        )
        .join(FeedbackMessage, FeedbackMessage.thread_id == FeedbackThread.id)
        .where(FeedbackThread.subject_id == subject.id, FeedbackThread.cycle_id == cycle_id)
        .group_by(
            FeedbackThread.id,
            FeedbackThread.plan_id,
            FeedbackThread.goal_id,
            FeedbackThread.activity_id,
        )
    )
    counts = {}
    for plan_id, goal_id, activity_id, total, unread in db.session.execute(query):
        if activity_id is not None:
            key = ("activity", activity_id)
        elif goal_id is not None:
            key = ("goal", goal_id)
        else:
            key = ("plan", plan_id)
        counts[key] = (total, int(unread or 0))
    return counts
