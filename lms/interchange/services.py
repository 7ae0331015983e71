"""The learning record store's rules: providers' credentials, statements kept as sent and acted
on — a "completed" or "passed" of a known person and course becomes a completion waiting for
them; anything Thaksa cannot place is kept aside for HR with the reason, never lost."""

import hashlib
import hmac
import json
import re
import secrets
from datetime import UTC, timedelta
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import parse_qs, urlsplit

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from lms.activities.received import Reported, record_completions
from lms.audit import audit
from lms.clock import BANGKOK, today, utcnow
from lms.cycles import cycle_on
from lms.extensions import db
from lms.interchange.statements import (
    COMPLETING,
    VERB_PASSED,
    VERB_VOIDED,
    Reading,
    email_sha1,
    read_statement,
    same_statement,
    utc_stamp,
)
from lms.models import Course, Person, Provider, XapiClient, XapiStatement, still_here
from lms.rules import RuleError

KEY_PREFIX = "xk_"
TOUCH_EVERY = timedelta(minutes=5)
REASONS = {
    "unknown_person": _l("No one in Thaksa has this e-mail address or account."),
    "unknown_course": _l("The course is not in the catalogue (by its address or code)."),
    "no_year": _l("There is no fiscal year in Thaksa for the day it was completed."),
    "year_closed": _l("The fiscal year of the day it was completed is closed."),
}


class StatementConflict(RuleError):
    """A statement id already kept with other content (xAPI: 409, nothing written)."""


# -- providers' credentials --------------------------------------------------------------------


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_client(
    name: str, *, provider: Provider | None = None, by: Person | None = None
) -> tuple[XapiClient, str]:
    """Credentials for a learning provider: the row, and "KEY:SECRET" (shown once; only the
    secret's hash is kept). Names are unique."""
    name = " ".join(name.split())[:120]
    if not name:
        raise RuleError(_l("Please give the provider's name."), {"name": _l("Required.")})
    if db.session.scalar(select(XapiClient.id).where(func.lower(XapiClient.name) == name.lower())):
        raise RuleError(
            _l("Credentials with this name exist already."),
            {"name": _l("Choose another name, or revoke the old credentials first.")},
        )
    key, secret = KEY_PREFIX + secrets.token_hex(12), secrets.token_urlsafe(24)
    client = XapiClient(
        name=name,
        key=key,
        secret_hash=_digest(secret),
        provider_id=provider.id if provider else None,
        created_by_id=by.id if by else None,
    )
    db.session.add(client)
    db.session.flush()
    audit("create_xapi_client", by, None, client_id=client.id, name=name)
    return client, f"{key}:{secret}"


def revoke_client(client: XapiClient, *, by: Person | None) -> bool:
    if client.revoked_at is not None:
        return False
    client.revoked_at = utcnow()
    audit("revoke_xapi_client", by, None, client_id=client.id, name=client.name)
    return True


def clients() -> list[XapiClient]:
    query = select(XapiClient).order_by(XapiClient.revoked_at.is_not(None), XapiClient.name)
    return list(db.session.scalars(query))


def client_for(key: str, secret: str) -> XapiClient | None:
    """The live provider whose credentials these are (the secret compared in constant time)."""
    if not key.startswith(KEY_PREFIX) or len(key) > 40:
        return None
    client = db.session.scalars(select(XapiClient).where(XapiClient.key == key)).first()
    if client is None or client.revoked_at is not None:
        return None
    if not hmac.compare_digest(client.secret_hash, _digest(secret)):
        return None
    now = utcnow()
    if client.last_used_at is None or now - client.last_used_at > TOUCH_EVERY:
        client.last_used_at = now
        db.session.commit()  # also when the call itself writes nothing (a GET)
    return client


# -- statements in -----------------------------------------------------------------------------


class Lookups:
    """Who an actor is, which course an activity is, which year a day is in — each asked once
    per request. An actor by e-mail (the batch's addresses read in one statement), by the
    SHA-1 of their mailto (all e-mails hashed once, only when a statement names someone that
    way), or by an account whose name is an employee number or an e-mail."""

    def __init__(self):
        self._by_sha1: dict[str, int] | None = None
        self._people: dict[str, Person | None] = {}
        self._courses: dict[tuple[str, int], Course | None] = {}
        self._cycles: dict = {}

    def preload(self, readings: list[Reading]) -> None:
        """The people the batch names by e-mail or employee number, in two statements."""
        emails = sorted({r.email for r in readings if r.email} - set(self._people))
        numbers = sorted({r.account_name for r in readings if r.account_name})
        for column, keys, key_of in (
            (Person.email, emails, lambda p: f"mailto:{(p.email or '').lower()}"),
            (Person.employee_no, numbers, lambda p: f"number:{p.employee_no}"),
        ):
            for start in range(0, len(keys), 900):
                query = select(Person).where(column.in_(keys[start : start + 900]), still_here())
                for person in db.session.scalars(query):
                    self._people[key_of(person)] = person

    def find(self, reading: Reading) -> Person | None:
        return self.find_key(reading.actor_key)

    def find_key(self, actor_key: str) -> Person | None:
        """The person an actor key (`statements.Reading.actor_key`) names, if still here."""
        kind, _, value = actor_key.partition(":")
        if kind == "mailto":
            if actor_key not in self._people:
                self._people[actor_key] = _by_email(value)
            return self._people[actor_key]
        if kind == "account":
            name = value.rpartition("|")[2]
            number = f"number:{name}"
            if number not in self._people:
                self._people[number] = _active(Person.employee_no == name)
            if self._people[number] is not None or "@" not in name:
                return self._people[number]
            return self.find_key(f"mailto:{name.lower()}")
        if kind == "sha1":
            if self._by_sha1 is None:
                rows = db.session.execute(
                    select(Person.id, Person.email).where(Person.email.is_not(None), still_here())
                )
                self._by_sha1 = {email_sha1(email): pid for pid, email in rows}
            found = self._by_sha1.get(value)
            return db.session.get(Person, found) if found else None
        return None

    def course(self, iri: str, client: XapiClient) -> Course | None:
        key = (iri, client.id)
        if key not in self._courses:
            self._courses[key] = find_course(iri, client)
        return self._courses[key]

    def cycle(self, day):
        if day not in self._cycles:
            self._cycles[day] = cycle_on(day)
        return self._cycles[day]


def _by_email(email: str) -> Person | None:
    """By e-mail: the unique index first (addresses are kept in lower case), then any case."""
    return _active(Person.email == email) or _active(func.lower(Person.email) == email)


def _active(condition) -> Person | None:
    return db.session.scalars(select(Person).where(condition, still_here()).limit(2)).first()


OPEN_EDX = re.compile(r"course-v1:([^+/]+)\+([^+/]+)\+")


def course_codes(iri: str) -> list[str]:
    """What in an activity's IRI may be the provider's course code: the whole IRI, its last
    path segment, an `id` in its query, an Open edX course's code (course-v1:ORG+CODE+RUN)."""
    parts = urlsplit(iri)
    codes = [iri]
    segments = [s for s in parts.path.split("/") if s]
    if segments:
        codes.append(segments[-1])
    codes += parse_qs(parts.query).get("id", [])
    for found in OPEN_EDX.finditer(iri):
        codes += [found.group(2), f"{found.group(1)}-{found.group(2)}"]
    return [c for c in dict.fromkeys(codes) if 0 < len(c) <= 40]


def find_course(iri: str, client: XapiClient) -> Course | None:
    """The catalogue course an activity IRI names: by its page's address, else by its code
    (among the provider's courses when the credentials name one; anywhere when only one
    course has it)."""
    addresses = {iri, iri.rstrip("/"), iri.rstrip("/") + "/"}
    found = db.session.scalars(
        select(Course).where(Course.url.in_(addresses), Course.active.is_(True)).limit(2)
    ).all()
    if len(found) == 1:
        return found[0]
    codes = course_codes(iri)
    query = select(Course).where(Course.code.in_(codes), Course.active.is_(True))
    if client.provider_id is not None:
        query = query.where(Course.provider_id == client.provider_id)
    found = db.session.scalars(query.limit(2)).all()
    return found[0] if len(found) == 1 else None


def receive(client: XapiClient, readings: list[Reading]) -> list[str]:
    """Keep and act on statements (all or nothing: the caller commits): the ids, in order. One
    already kept the same is skipped; one kept with other content refuses the lot."""
    ids = [r.statement_id for r in readings]
    kept = {
        s.statement_id: s
        for s in db.session.scalars(
            select(XapiStatement).where(XapiStatement.statement_id.in_(ids))
        )
    }
    for reading in readings:
        earlier = kept.get(reading.statement_id)
        if earlier is not None and not same_statement(json.loads(earlier.body), reading.body):
            raise StatementConflict(
                _l(
                    "Statement %(id)s was received before with other content.",
                    id=earlier.statement_id,
                )
            )
    lookups, stored = Lookups(), utcnow()
    lookups.preload([r for r in readings if r.statement_id not in kept and r.verb in COMPLETING])
    new, voids, added = [], [], []
    for reading in readings:
        if reading.statement_id in kept:
            continue
        statement = XapiStatement(
            statement_id=reading.statement_id,
            client_id=client.id,
            body=json.dumps(_as_stored(reading.body, client, stored), ensure_ascii=False),
            verb=reading.verb[:500],
            activity_iri=(reading.activity_iri or None) and reading.activity_iri[:500],
            actor_key=reading.actor_key[:600],
            timestamp=reading.timestamp,
            stored=stored,
            status="stored",
        )
        kept[reading.statement_id] = statement
        added.append(statement)
        if reading.verb == VERB_VOIDED:
            voids.append(reading.ref_id)
        elif reading.verb in COMPLETING and reading.object_type == "Activity":
            new.append((statement, reading, client))
    _place_all(new, lookups)
    db.session.add_all(added)  # in the order sent: a provider reads them back so
    db.session.flush()
    for ref_id in voids:  # after the batch's own statements are there: it may void them
        _void(client, ref_id)
    db.session.flush()
    return ids


def _as_stored(body: dict, client: XapiClient, stored) -> dict:
    """The statement as the LRS returns it: its stored time, the provider as authority."""
    return {
        **body,
        "stored": utc_stamp(stored),
        "authority": {
            "objectType": "Agent",
            "name": client.name,
            "account": {"homePage": "urn:thaksa:xapi-client", "name": client.key},
        },
        "version": body.get("version", "1.0.3"),
    }


def _place_all(placing: list[tuple[XapiStatement, Reading, XapiClient]], lookups) -> None:
    """Make (or add to) the completions the statements tell of, all at once, or keep each
    statement aside with why."""
    reports, of = [], []
    with db.session.no_autoflush:  # the look-ups first, then every write together
        for statement, reading, client in placing:
            report = _report(statement, reading, client, lookups)
            if report is not None:
                reports.append(report)
                of.append(statement)
    for statement, (completion, _new) in zip(of, record_completions(reports), strict=True):
        statement.status, statement.reason = "used", None
        statement.completion_id = completion.id


def _report(statement: XapiStatement, reading: Reading, client: XapiClient, lookups):
    """The completion a statement reports, or None with the statement kept aside and why."""
    person = lookups.find(reading)
    statement.person_id = person.id if person else None
    if person is None:
        statement.status, statement.reason = "aside", "unknown_person"
        return None
    course = lookups.course(reading.activity_iri or "", client)
    if course is None:
        statement.status, statement.reason = "aside", "unknown_course"
        return None
    day = reading.timestamp.replace(tzinfo=UTC).astimezone(BANGKOK).date()
    cycle = lookups.cycle(day)
    if cycle is None or not cycle.is_open:
        statement.status, statement.reason = "aside", "no_year" if cycle is None else "year_closed"
        return None
    return Reported(
        person,
        cycle,
        course,
        source="xapi",
        source_name=client.name,
        completed_on=min(day, today()),  # a provider's clock ahead of ours: not a day to come
        score=reading.score,
        passed=True if reading.verb == VERB_PASSED else reading.success,
        hours=_tenths(reading.hours),
    )


def _tenths(hours: Decimal | None) -> Decimal | None:
    """A duration's hours as the log keeps them (one decimal), if they are possible at all."""
    if hours is None or not Decimal(0) < hours <= 1000:
        return None
    hours = hours.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return hours if hours > 0 else None


def _void(client: XapiClient, ref_id: str | None) -> None:
    """A provider takes back one of its statements: a completion it alone made, still
    waiting, goes; one the person confirmed stays theirs."""
    target = db.session.scalars(
        select(XapiStatement).where(
            XapiStatement.statement_id == ref_id, XapiStatement.client_id == client.id
        )
    ).first()
    if target is None or target.status == "voided" or target.verb == VERB_VOIDED:
        return
    completion = target.completion
    target.status, target.reason, target.completion_id = "voided", None, None
    db.session.flush()
    if completion is not None and completion.status == "pending":
        others = db.session.scalar(
            select(func.count()).where(
                XapiStatement.completion_id == completion.id, XapiStatement.status == "used"
            )
        )
        if not others:
            db.session.delete(completion)


# -- kept aside: HR's list, and a second try once the person or course is there -----------------


def aside_query(viewer_sees_everyone: bool, unit_paths: tuple[str, ...]):
    """Statements kept aside that a reader may see: all of them for the whole organisation's
    HR and administrators; for HR of a subtree, those of people placed in it."""
    from lms.models import Unit

    query = select(XapiStatement).where(XapiStatement.status == "aside")
    if viewer_sees_everyone:
        return query
    if not unit_paths:
        return query.where(XapiStatement.id.is_(None))
    return (
        query.join(Person, Person.id == XapiStatement.person_id)
        .join(Unit, Unit.id == Person.unit_id)
        .where(or_(*(Unit.path.startswith(p) for p in unit_paths)))
    )


def try_again(statements: list[XapiStatement], *, by: Person | None) -> int:
    """Place statements kept aside again (after HR added the person or the course, or opened
    the year): how many found their place."""
    lookups = Lookups()
    waiting = [s for s in statements if s.status == "aside"]
    _place_all([(s, read_statement(json.loads(s.body)), s.client) for s in waiting], lookups)
    placed = 0
    for statement in waiting:
        if statement.status == "used":
            statement.resolved_at = utcnow()
            placed += 1
    db.session.flush()
    if statements:
        audit("retry_xapi_statements", by, None, tried=len(statements), placed=placed)
    return placed
