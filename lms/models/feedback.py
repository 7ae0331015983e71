"""Feedback threads between a person and their supervisors, and in-app notifications."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.extensions import db
from lms.models.common import utcnow
from lms.models.person import Person


class FeedbackThread(db.Model):
    """A conversation about a person's IDP, one of its goals or one activity."""

    __tablename__ = "feedback_threads"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id"))
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    goal_id: Mapped[int | None] = mapped_column(ForeignKey("goals.id", ondelete="CASCADE"))
    activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("learning_activities.id", ondelete="CASCADE")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    subject: Mapped[Person] = relationship()
    plan = relationship("Plan")
    goal = relationship("Goal")
    activity = relationship("LearningActivity")
    messages: Mapped[list["FeedbackMessage"]] = relationship(
        back_populates="thread", order_by="FeedbackMessage.created_at", cascade="all, delete-orphan"
    )


class FeedbackMessage(db.Model):
    __tablename__ = "feedback_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(
        ForeignKey("feedback_threads.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]  # when the other side first read it

    thread: Mapped[FeedbackThread] = relationship(back_populates="messages")
    author: Mapped[Person] = relationship()

    __table_args__ = (
        CheckConstraint("length(body) > 0", name="body_not_empty"),
        Index("ix_feedback_messages_unread", "thread_id", "read_at"),
    )


class Notification(db.Model):
    """Something waiting for a person: in the app always, by e-mail when SMTP is set."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    kind: Mapped[str] = mapped_column(String(40))
    message_th: Mapped[str] = mapped_column(Text)
    message_en: Mapped[str | None] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    emailed_at: Mapped[datetime | None]
    dedupe_key: Mapped[str | None] = mapped_column(String(120), unique=True)

    __table_args__ = (
        Index("ix_notifications_person_unread", "person_id", "read_at"),
        Index("ix_notifications_unsent", "emailed_at"),
    )

    def message(self, locale: str = "th") -> str:
        return (self.message_en if locale == "en" else None) or self.message_th
