"""xAPI 1.0.3 statements (IEEE 9274.1.1), read strictly: what a learning provider sends is
checked whole before anything is kept (`read_statement` raises `BadStatement` with the field),
then reduced to what Thaksa acts on (`Reading`). Pure functions: no database here."""

import hashlib
import json
import math
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from urllib.parse import urlsplit

VERSION = "1.0.3"
VERB_COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
VERB_PASSED = "http://adlnet.gov/expapi/verbs/passed"
VERB_VOIDED = "http://adlnet.gov/expapi/verbs/voided"
COMPLETING = (VERB_COMPLETED, VERB_PASSED)

STATEMENT_KEYS = {
    "id",
    "actor",
    "verb",
    "object",
    "result",
    "context",
    "timestamp",
    "stored",
    "authority",
    "version",
    "attachments",
}
AGENT_KEYS = {"objectType", "name", "mbox", "mbox_sha1sum", "openid", "account", "member"}
IDENTIFIERS = ("mbox", "mbox_sha1sum", "openid", "account")
RESULT_KEYS = {"score", "success", "completion", "response", "duration", "extensions"}
SCORE_KEYS = {"scaled", "raw", "min", "max"}
OBJECT_TYPES = {"Activity", "Agent", "Group", "StatementRef", "SubStatement"}
# ISO 8601 durations as xAPI uses them (PnYnMnDTnHnMnS, or weeks)
DURATION = re.compile(
    r"^P(?!$)(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?"
    r"(?:T(?=\d)(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$"
)
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)$")
SHA1 = re.compile(r"^[0-9a-f]{40}$")
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")


class BadStatement(ValueError):
    """A statement that is not valid xAPI: `field` says where (e.g. "actor.mbox")."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


@dataclass
class Reading:
    """What Thaksa acts on in a valid statement."""

    statement_id: str
    verb: str
    actor_key: str
    email: str | None  # from mbox
    email_sha1: str | None  # from mbox_sha1sum
    account_name: str | None
    object_type: str
    activity_iri: str | None  # the object's id when it is an activity
    activity_name: str | None
    ref_id: str | None  # a StatementRef's target (voiding)
    timestamp: datetime  # naive UTC
    score: int | None  # 0-100
    success: bool | None
    completion: bool | None
    hours: Decimal | None  # from result.duration
    body: dict  # the statement as sent, with its id


def is_iri(value) -> bool:
    """An absolute IRI: a scheme, then something (xAPI's verbs, activities, extensions)."""
    if not isinstance(value, str) or not value or len(value) > 500 or " " in value:
        return False
    parts = urlsplit(value)
    return bool(re.match(r"^[A-Za-z][A-Za-z0-9+.-]*$", parts.scheme or "")) and bool(
        parts.netloc or parts.path
    )


def parse_timestamp(value, field: str = "timestamp") -> datetime:
    """An ISO 8601 timestamp with its offset, as naive UTC (BadStatement otherwise)."""
    if not isinstance(value, str) or not TIMESTAMP.match(value):
        raise BadStatement(field, "Give an ISO 8601 timestamp with its time zone.")
    text = value.replace("Z", "+00:00")
    if re.search(r"[+-]\d{2}$", text):
        text += ":00"
    try:
        return datetime.fromisoformat(text).astimezone(UTC).replace(tzinfo=None)
    except (ValueError, OverflowError):  # no such day, or a year beyond 1-9999 in UTC
        raise BadStatement(field, "Give an ISO 8601 timestamp with its time zone.") from None


def utc_stamp(moment: datetime) -> str:
    """A naive UTC moment as xAPI writes it: ISO 8601 to the millisecond, with Z."""
    return moment.isoformat(timespec="milliseconds") + "Z"


def duration_hours(value: str) -> Decimal:
    """Hours of an ISO 8601 duration (a year counted 365 days, a month 30)."""
    found = DURATION.match(value)
    if not found:
        raise BadStatement("result.duration", "Give an ISO 8601 duration, e.g. PT3H30M.")
    years, months, weeks, days, hours, minutes, seconds = (Decimal(g or 0) for g in found.groups())
    total = ((years * 365 + months * 30 + weeks * 7 + days) * 24) + hours
    return total + minutes / 60 + seconds / 3600


def _object(value, field: str) -> dict:
    if not isinstance(value, dict):
        raise BadStatement(field, "Must be a JSON object.")
    return value


def _language_map(value, field: str) -> None:
    if value is None:
        return
    for tag, text in _object(value, field).items():
        if not LANGUAGE_TAG.match(tag) or not isinstance(text, str):
            raise BadStatement(field, "A language map is {language tag: text}.")


def _agent(value, field: str) -> tuple[str, str | None, str | None, str | None]:
    """Check an agent: exactly one identifier. (actor key, e-mail, e-mail's SHA-1, account)."""
    agent = _object(value, field)
    unknown = set(agent) - AGENT_KEYS
    if unknown:
        raise BadStatement(f"{field}.{sorted(unknown)[0]}", "Not a property of an agent.")
    kind = agent.get("objectType", "Agent")
    if kind not in ("Agent", "Group"):
        raise BadStatement(f"{field}.objectType", "An actor is an Agent or a Group.")
    if "name" in agent and not isinstance(agent["name"], str):
        raise BadStatement(f"{field}.name", "A name is text.")
    given = [k for k in IDENTIFIERS if k in agent]
    if kind == "Group" and not given:
        raise BadStatement(field, "Thaksa takes identified groups only (one identifier).")
    if len(given) != 1:
        raise BadStatement(
            field, "An agent has exactly one of mbox, mbox_sha1sum, openid or account."
        )
    which = given[0]
    ident = agent[which]
    if which == "mbox":
        if not isinstance(ident, str) or not re.match(r"^mailto:[^@\s]+@[^@\s]+$", ident):
            raise BadStatement(f"{field}.mbox", "An mbox is mailto: and an e-mail address.")
        email = ident.removeprefix("mailto:").strip().lower()
        return f"mailto:{email}", email, None, None
    if which == "mbox_sha1sum":
        if not isinstance(ident, str) or not SHA1.match(ident.lower()):
            raise BadStatement(f"{field}.mbox_sha1sum", "Give the 40 hex digits of a SHA-1.")
        return f"sha1:{ident.lower()}", None, ident.lower(), None
    if which == "openid":
        if not is_iri(ident):
            raise BadStatement(f"{field}.openid", "An openid is a URI.")
        return f"openid:{ident}", None, None, None
    account = _object(ident, f"{field}.account")
    if set(account) - {"homePage", "name"} or not is_iri(account.get("homePage")):
        raise BadStatement(f"{field}.account", "An account is {homePage: an IRL, name}.")
    if not isinstance(account.get("name"), str) or not account["name"].strip():
        raise BadStatement(f"{field}.account.name", "An account has a name.")
    name = account["name"].strip()
    return f"account:{account['homePage']}|{name}", None, None, name


def email_sha1(email: str) -> str:
    """The mbox_sha1sum of an e-mail address, as xAPI defines it."""
    return hashlib.sha1(f"mailto:{email.strip().lower()}".encode()).hexdigest()  # noqa: S324


def _score(result: dict) -> int | None:
    score = result.get("score")
    if score is None:
        return None
    score = _object(score, "result.score")
    if set(score) - SCORE_KEYS:
        raise BadStatement("result.score", "A score has scaled, raw, min and max only.")
    for key in SCORE_KEYS & set(score):
        if isinstance(score[key], bool) or not isinstance(score[key], int | float):
            raise BadStatement(f"result.score.{key}", "Must be a number.")
    scaled, raw = score.get("scaled"), score.get("raw")
    low, high = score.get("min"), score.get("max")
    if scaled is not None and not -1 <= scaled <= 1:
        raise BadStatement("result.score.scaled", "A scaled score is from -1 to 1.")
    if low is not None and high is not None and low >= high:
        raise BadStatement("result.score.max", "max must be more than min.")
    if raw is not None and ((low is not None and raw < low) or (high is not None and raw > high)):
        raise BadStatement("result.score.raw", "raw must be between min and max.")
    if scaled is not None:
        return max(0, round(scaled * 100))
    if raw is not None and high is not None:
        try:
            share = (raw - (low or 0)) * 100 / (high - (low or 0))
        except (OverflowError, ZeroDivisionError):
            return None
        return max(0, min(100, round(share))) if math.isfinite(share) else None
    if raw is not None and 0 <= raw <= 100:
        return round(raw)
    return None


def _result(value) -> tuple[int | None, bool | None, bool | None, Decimal | None]:
    if value is None:
        return None, None, None, None
    result = _object(value, "result")
    unknown = set(result) - RESULT_KEYS
    if unknown:
        raise BadStatement(f"result.{sorted(unknown)[0]}", "Not a property of a result.")
    for key in ("success", "completion"):
        if key in result and not isinstance(result[key], bool):
            raise BadStatement(f"result.{key}", "Must be true or false.")
    if "response" in result and not isinstance(result["response"], str):
        raise BadStatement("result.response", "A response is text.")
    if "extensions" in result:
        _extensions(result["extensions"], "result.extensions")
    hours = None
    if "duration" in result:
        if not isinstance(result["duration"], str):
            raise BadStatement("result.duration", "Give an ISO 8601 duration, e.g. PT3H30M.")
        hours = duration_hours(result["duration"])
    return _score(result), result.get("success"), result.get("completion"), hours


def _extensions(value, field: str) -> None:
    for key in _object(value, field):
        if not is_iri(key):
            raise BadStatement(field, "Extension keys are IRIs.")


def _activity(value: dict) -> tuple[str, str | None]:
    if set(value) - {"objectType", "id", "definition"}:
        raise BadStatement("object", "An activity has objectType, id and definition only.")
    if not is_iri(value.get("id")):
        raise BadStatement("object.id", "An activity's id is an IRI.")
    name = None
    if "definition" in value:
        definition = _object(value["definition"], "object.definition")
        _language_map(definition.get("name"), "object.definition.name")
        _language_map(definition.get("description"), "object.definition.description")
        if "type" in definition and not is_iri(definition["type"]):
            raise BadStatement("object.definition.type", "An activity type is an IRI.")
        if "extensions" in definition:
            _extensions(definition["extensions"], "object.definition.extensions")
        names = definition.get("name") or {}
        name = next(
            (names[t] for t in ("th-TH", "th", "en-US", "en-GB", "en") if names.get(t)),
            next(iter(names.values()), None),
        )
    return value["id"], name


def _uuid(value, field: str) -> str:
    try:
        return str(uuid.UUID(str(value))) if isinstance(value, str) else _bad_uuid(field)
    except ValueError:
        return _bad_uuid(field)


def _bad_uuid(field: str) -> str:
    raise BadStatement(field, "Give a UUID.")


def read_statement(value, *, given_id: str | None = None) -> Reading:
    """Check one statement whole; `given_id` is PUT's statementId (it must agree with an id in
    the statement). A statement without an id gets one."""
    statement = _object(value, "statement")
    unknown = set(statement) - STATEMENT_KEYS
    if unknown:
        raise BadStatement(sorted(unknown)[0], "Not a property of an xAPI statement.")
    if "attachments" in statement:
        raise BadStatement("attachments", "Thaksa does not take attachments; send a link.")
    if "version" in statement and not (
        isinstance(statement["version"], str) and statement["version"].startswith("1.0")
    ):
        raise BadStatement("version", "Thaksa speaks xAPI 1.0.x.")
    statement_id = _uuid(statement["id"], "id") if "id" in statement else None
    if given_id is not None:
        given_id = _uuid(given_id, "statementId")
        if statement_id is not None and statement_id != given_id:
            raise BadStatement("id", "The statement's id is not the statementId of the URL.")
        statement_id = given_id
    statement_id = statement_id or str(uuid.uuid4())

    if "actor" not in statement:
        raise BadStatement("actor", "A statement has an actor.")
    actor_key, email, sha1, account_name = _agent(statement["actor"], "actor")

    verb = _object(statement.get("verb"), "verb")
    if set(verb) - {"id", "display"}:
        raise BadStatement("verb", "A verb has an id and a display only.")
    if not is_iri(verb.get("id")):
        raise BadStatement("verb.id", "A verb's id is an IRI.")
    _language_map(verb.get("display"), "verb.display")

    target = _object(statement.get("object"), "object")
    object_type = target.get("objectType", "Activity")
    if object_type not in OBJECT_TYPES:
        raise BadStatement("object.objectType", "Not a kind of xAPI object.")
    activity_iri = activity_name = ref_id = None
    if object_type == "Activity":
        activity_iri, activity_name = _activity(target)
    elif object_type == "StatementRef":
        ref_id = _uuid(target.get("id"), "object.id")
    elif object_type in ("Agent", "Group"):
        _agent(target, "object")
    if verb["id"] == VERB_VOIDED and object_type != "StatementRef":
        raise BadStatement("object", "A voiding statement's object is a StatementRef.")

    score, success, completion, hours = _result(statement.get("result"))
    if "context" in statement:
        context = _object(statement["context"], "context")
        if "extensions" in context:
            _extensions(context["extensions"], "context.extensions")
        if "registration" in context:
            _uuid(context["registration"], "context.registration")
    timestamp = parse_timestamp(statement["timestamp"]) if "timestamp" in statement else None
    if "stored" in statement:
        parse_timestamp(statement["stored"], "stored")
    body = {**statement, "id": statement_id}
    return Reading(
        statement_id=statement_id,
        verb=verb["id"],
        actor_key=actor_key,
        email=email,
        email_sha1=sha1,
        account_name=account_name,
        object_type=object_type,
        activity_iri=activity_iri,
        activity_name=activity_name,
        ref_id=ref_id,
        timestamp=timestamp or datetime.now(UTC).replace(tzinfo=None),
        score=score,
        success=success,
        completion=completion,
        hours=hours,
        body=body,
    )


def same_statement(kept: dict, sent: dict) -> bool:
    """Is `sent` the statement already kept (the LRS's own stored, authority and version
    aside)? The same id with other content is a conflict (409)."""
    ignored = {"stored", "authority", "version", "id"}

    def core(statement: dict) -> str:
        return json.dumps({k: v for k, v in statement.items() if k not in ignored}, sort_keys=True)

    return core(kept) == core(sent)


def agent_key(value: str) -> str:
    """The actor key of the `agent` query parameter (JSON of an agent); BadStatement else."""
    try:
        agent = json.loads(value)
    except ValueError:
        raise BadStatement("agent", "agent is the JSON of an agent.") from None
    return _agent(agent, "agent")[0]
