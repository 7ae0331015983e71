"""Notifications: in the app always, by e-mail when a mail backend is configured.

A notification is written in the same transaction as the change it tells of, in Thai and in
English (each reader gets their own language, in the app and by e-mail). A `dedupe_key` makes a
reminder unique: the same key is never written twice, so no one hears the same thing twice.

E-mail goes out in batches (`deliver_pending`, called by `flask lms remind`), never inside a
page's request: a slow mail server must not slow anyone's click. The backend is chosen by
MAIL_BACKEND: `smtp` (MAIL_SERVER…), `file` (one .eml per message in MAIL_FILE_DIR), `console`
(the log), `memory` (tests) or `none`.
"""

import logging
import smtplib
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path

from flask import current_app, has_request_context, url_for
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from lms.clock import utcnow
from lms.extensions import db
from lms.models import Notification, Person
from lms.models.common import insert_skipping

log = logging.getLogger(__name__)

# The pages notifications point to (`link_to`): opening one reads the notifications about it.
LINKED_ENDPOINTS = frozenset(
    {
        "activities.detail",
        "activities.log",
        "assessments.overview",
        "feedback.thread",
        "inbox.index",
        "plans.show",
        "evaluations.evaluate",
        "reviews.plan",
        "evaluations.self_evaluation",
    }
)
EMAIL_MAX_AGE = timedelta(days=3)  # older unsent notifications stay in the app only
BATCH = 500


def notify(
    person: Person | None,
    kind: str,
    message,
    *,
    link: str | None = None,
    dedupe_key: str | None = None,
) -> Notification | None:
    """Tell `person` something; `message` is a lazy string, rendered in both languages now.
    Returns None when there is no one to tell or `dedupe_key` was used before."""
    if person is None or not person.is_active:
        return None
    if dedupe_key is not None:
        seen = select(Notification.id).where(Notification.dedupe_key == dedupe_key)
        if db.session.scalar(seen) is not None:
            return None
    message_th, message_en = in_both_languages(message)
    notification = Notification(
        person_id=person.id,
        kind=kind,
        message_th=message_th,
        message_en=message_en,
        link=link,
        dedupe_key=dedupe_key,
    )
    if dedupe_key is None:
        db.session.add(notification)
        return notification
    try:  # two reminder runs at once: the unique key lets only one through
        with db.session.begin_nested():
            db.session.add(notification)
    except IntegrityError:
        return None
    return notification


def notify_many(items) -> int:
    """Many notifications at once (a reminder run): `items` are (person, kind, message, link,
    dedupe_key), each key new to the caller. Inserted in chunks; a key another run used in the
    meantime is skipped by the database. Returns how many went in."""
    rows, rendered, items = [], {}, list(items)  # kept alive: `rendered` goes by id()
    for person, kind, message, link, key in items:
        if person is None or not person.is_active:
            continue
        if id(message) not in rendered:  # a deadline's one message for thousands of people
            rendered[id(message)] = in_both_languages(message)
        text = rendered[id(message)]
        rows.append(
            {
                "person_id": person.id,
                "kind": kind,
                "message_th": text[0],
                "message_en": text[1],
                "link": link,
                "dedupe_key": key,
                "created_at": utcnow(),
            }
        )
    table, added = Notification.__table__, 0
    statement = insert_skipping(table, ["dedupe_key"]).returning(table.c.id)
    for start in range(0, len(rows), 2000):
        added += len(db.session.execute(statement, rows[start : start + 2000]).all())
    return added


def in_both_languages(message) -> tuple[str, str]:
    """A lazy message rendered in Thai and in English (notifications keep both)."""
    with force_locale("th"):
        thai = str(message)
    with force_locale("en"):
        return thai, str(message)


def link_to(endpoint: str, **values) -> str:
    """The path of a page, also outside a request (the reminder run, the demo)."""
    if endpoint not in LINKED_ENDPOINTS:  # opening it would never read the notification
        raise ValueError(f"add {endpoint} to notifications.LINKED_ENDPOINTS")
    if has_request_context():
        return url_for(endpoint, **values)
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        return url_for(endpoint, **values)


def unread_count(person: Person, *, except_kinds: tuple[str, ...] = ()) -> int:
    query = select(func.count(Notification.id)).where(
        Notification.person_id == person.id, Notification.read_at.is_(None)
    )
    if except_kinds:
        query = query.where(Notification.kind.not_in(except_kinds))
    return db.session.scalar(query) or 0


def recent(person: Person, limit: int = 30) -> list[Notification]:
    return list(
        db.session.scalars(
            select(Notification)
            .where(Notification.person_id == person.id)
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(limit)
        )
    )


def mark_read(person: Person, *, ids: list[int] | None = None, link: str | None = None) -> int:
    """Mark `person`'s notifications read: those in `ids`, those pointing at `link`, or all."""
    query = update(Notification).where(
        Notification.person_id == person.id, Notification.read_at.is_(None)
    )
    if ids is not None:
        query = query.where(Notification.id.in_(ids))
    if link is not None:
        query = query.where(Notification.link == link)
    return db.session.execute(query.values(read_at=utcnow())).rowcount or 0


# -- e-mail ---------------------------------------------------------------------------------------


@dataclass
class Mail:
    to: str
    subject: str
    body: str


def _backend() -> str:
    return current_app.config.get("MAIL_BACKEND", "none")


def send_mail(mail: Mail) -> None:
    """Send one e-mail now through the configured backend (an account link); raises when the
    server refuses it."""
    if _backend() != "none":
        _send(mail)


def _send(mail: Mail) -> None:
    backend, config = _backend(), current_app.config
    if backend == "memory":
        current_app.extensions.setdefault("outbox", []).append(mail)
        return
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message.set_content(mail.body)
    if backend == "console":
        log.info("e-mail (console backend, not sent):\n%s", message.as_string())
    elif backend == "file":
        folder = Path(config["MAIL_FILE_DIR"])
        folder.mkdir(parents=True, exist_ok=True)
        stamp = utcnow().strftime("%Y%m%dT%H%M%S%f")
        (folder / f"{stamp}-{abs(hash(mail.to)) % 10**8}.eml").write_bytes(message.as_bytes())
    elif backend == "smtp":
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
            if config["MAIL_USE_TLS"]:
                smtp.starttls()
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(message)


def _mail_for(notification: Notification, person: Person) -> Mail:
    locale = person.locale if person.locale in ("th", "en") else "th"
    base = current_app.config["BASE_URL"].rstrip("/")
    text = notification.message(locale)
    with force_locale(locale):
        subject = str(_l("Thaksa: %(text)s", text=text[:80]))
        footer = str(
            _l("You receive this because you take part in digital-skills development in Thaksa.")
        )
    lines = [text, ""]
    if notification.link:
        lines += [base + notification.link, ""]
    lines.append(footer)
    return Mail(to=person.email, subject=subject, body="\n".join(lines))


def deliver_pending() -> int:
    """E-mail the notifications not sent yet (of the last few days), in each person's
    language; returns how many went out. A failure leaves the rest for the next run."""
    if _backend() == "none":
        return 0
    sent = 0
    since = utcnow() - EMAIL_MAX_AGE
    while True:
        batch = db.session.execute(
            select(Notification, Person)
            .join(Person, Person.id == Notification.person_id)
            .where(Notification.emailed_at.is_(None), Notification.created_at >= since)
            .order_by(Notification.id)
            .limit(BATCH)
        ).all()
        if not batch:
            return sent
        for notification, person in batch:
            try:
                _send(_mail_for(notification, person))
            except (OSError, smtplib.SMTPException):
                log.exception("mail delivery failed; the rest waits for the next run")
                db.session.commit()
                return sent
            notification.emailed_at = utcnow()
            sent += 1
        db.session.commit()
