"""A person's learning log as xAPI 1.0.3 statements, so that a learning record store can take
it: each activity one statement, with its 70:20:10 bucket and its verification as context
extensions. An activity's statement id is fixed (it encodes the activity), so the same
activity sent twice is one statement for the store."""

import uuid
from datetime import datetime, time
from decimal import Decimal

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from lms.clock import BANGKOK
from lms.interchange.statements import VERB_COMPLETED, VERSION, utc_stamp
from lms.models import ActivityKind, Course, LearningActivity, Person

VERB_EXPERIENCED = "http://adlnet.gov/expapi/verbs/experienced"
COURSE_TYPE = "http://adlnet.gov/expapi/activities/course"
LEARNING_TYPE = "http://adlnet.gov/expapi/activities/module"
PREFIX = "7468616b-7361-8000-8"  # "thaksa", a version-8 (custom) UUID: then the activity id
EXTENSIONS = ("bucket", "kind", "fiscal-year", "verified", "applied-at-work", "received-from")


def statement_id_of(activity_id: int) -> str:
    return f"{PREFIX}000-{activity_id:012x}"


def activity_id_of(statement_id: str) -> int | None:
    """The activity a statement id of ours stands for (None: not one of ours)."""
    try:
        text = str(uuid.UUID(statement_id))
    except (ValueError, TypeError, AttributeError):
        return None
    if not text.startswith(PREFIX):
        return None
    number = int(text[-12:], 16)
    return number if 0 < number < 2**31 and statement_id_of(number) == text else None


def extension_iri(base_url: str, name: str) -> str:
    return f"{base_url.rstrip('/')}/xapi/extensions/{name}"


def _hours(hours: Decimal) -> str:
    minutes = int(hours * 60)
    return f"PT{minutes // 60}H{minutes % 60}M" if minutes % 60 else f"PT{minutes // 60}H"


def agent_of(person: Person, base_url: str) -> dict:
    """How a person is named in statements: by e-mail, else by their employee number."""
    agent = {"objectType": "Agent", "name": person.name_th}
    if person.email:
        agent["mbox"] = f"mailto:{person.email.lower()}"
    else:
        agent["account"] = {"homePage": base_url, "name": person.employee_no}
    return agent


def object_iri(activity: LearningActivity, base_url: str) -> str:
    """The course's own page (a store joins it with the provider's statements), else the
    activity's page in Thaksa."""
    if activity.course is not None and activity.course.url:
        return activity.course.url
    return f"{base_url.rstrip('/')}/learning/{activity.cycle.be_year}/{activity.id}"


def as_statement(activity: LearningActivity, base_url: str) -> dict:
    ext = {name: extension_iri(base_url, name) for name in EXTENSIONS}
    verb = VERB_COMPLETED if activity.completed else VERB_EXPERIENCED
    definition = {
        "name": {"th-TH": activity.title},
        "type": COURSE_TYPE if activity.course_id else LEARNING_TYPE,
    }
    result: dict = {"duration": _hours(activity.hours), "completion": activity.completed}
    if activity.post_score is not None:
        result["score"] = {
            "scaled": activity.post_score / 100,
            "raw": activity.post_score,
            "min": 0,
            "max": 100,
        }
    verified = None
    if activity.verified_at is not None:
        verified = {"at": utc_stamp(activity.verified_at)}
        if activity.verified_by is not None:
            verified["by"] = agent_of(activity.verified_by, base_url)
    context = {
        "platform": "Thaksa",
        "language": "th-TH",
        "extensions": {
            ext["bucket"]: activity.bucket,
            ext["kind"]: activity.kind.code if activity.kind else None,
            ext["fiscal-year"]: activity.cycle.be_year,
            ext["verified"]: verified,
            ext["applied-at-work"]: activity.applied_at_work,
            ext["received-from"]: activity.received_from,
        },
    }
    when = datetime.combine(activity.ended_on or activity.occurred_on, time(12, 0), BANGKOK)
    return {
        "id": statement_id_of(activity.id),
        "actor": agent_of(activity.person, base_url),
        "verb": {
            "id": verb,
            "display": {"en-US": verb.rsplit("/", 1)[-1], "th-TH": _THAI[verb]},
        },
        "object": {
            "objectType": "Activity",
            "id": object_iri(activity, base_url),
            "definition": definition,
        },
        "result": result,
        "context": context,
        "timestamp": when.isoformat(),
        "stored": utc_stamp(activity.updated_at),
        "authority": {
            "objectType": "Agent",
            "name": "Thaksa",
            "account": {"homePage": base_url, "name": "thaksa"},
        },
        "version": VERSION,
    }


_THAI = {VERB_COMPLETED: "เรียนจบ", VERB_EXPERIENCED: "ได้เรียนรู้"}


def activities_query(person_id: int) -> Select:
    """A person's activities as the statements resource lists them (oldest change first)."""
    return (
        select(LearningActivity)
        .where(LearningActivity.person_id == person_id)
        .options(
            selectinload(LearningActivity.kind).load_only(ActivityKind.code),
            selectinload(LearningActivity.course).load_only(Course.url),
            selectinload(LearningActivity.cycle),
            selectinload(LearningActivity.person),
            selectinload(LearningActivity.verified_by),
        )
    )
