"""/xapi/: the statements resource of xAPI 1.0.3, the parts learning providers and common
client libraries use. Providers (HTTP Basic KEY:SECRET) post and read back their statements;
people (a Thaksa API token) read their own learning — or that of people they may see — as
statements. Every answer carries X-Experience-API-Version; every error is JSON."""

import json
from urllib.parse import urlencode

from flask import Response, current_app, g, request
from sqlalchemy import false, select
from sqlalchemy.exc import IntegrityError

from lms.api.tokens import limit_per_credential, token_for
from lms.clock import utcnow
from lms.errors import error_response
from lms.extensions import csrf, db
from lms.interchange import bp
from lms.interchange.outgoing import activities_query, activity_id_of, as_statement
from lms.interchange.services import Lookups, StatementConflict, client_for, receive
from lms.interchange.statements import (
    VERSION,
    BadStatement,
    agent_key,
    is_iri,
    parse_timestamp,
    read_statement,
    utc_stamp,
)
from lms.models import Course, LearningActivity, Person, XapiStatement
from lms.permissions import can_view_person

csrf.exempt(bp)  # no cookies: credentials in every call

MAX_BATCH = 500  # statements in one POST
PAGE, MAX_PAGE = 100, 500
QUERY_PARAMS = {
    "statementId",
    "voidedStatementId",
    "agent",
    "verb",
    "activity",
    "since",
    "until",
    "limit",
    "ascending",
    "format",
    "attachments",
    "related_activities",
    "related_agents",
    "registration",
    "cursor",
}


limit_per_credential(bp, "xapi")


def _bad(field: str, message: str, code: str = "invalid_statement", status: int = 400):
    return error_response(status, message, code, {field: [message]} if field else None)


@bp.after_request
def _version(response: Response) -> Response:
    response.headers["X-Experience-API-Version"] = VERSION
    return response


@bp.before_request
def _credentials():
    """Who calls: a provider (Basic) or a person (Bearer token). /xapi/about is open."""
    g.xapi_client = g.xapi_person = None
    if request.endpoint == "xapi.about" or request.method == "OPTIONS":
        return None
    sent = request.headers.get("X-Experience-API-Version", "")
    if not sent.startswith("1.0"):
        return _bad(
            "X-Experience-API-Version",
            "Send the X-Experience-API-Version header (1.0.3).",
            "version_required",
        )
    auth = request.authorization
    if auth is not None and auth.type == "basic":
        g.xapi_client = client_for(auth.username or "", auth.password or "")
    elif auth is not None and auth.type == "bearer":
        token = token_for((auth.token or "").strip())
        g.xapi_person = token.person if token is not None else None
    if g.xapi_client is None and g.xapi_person is None:
        response, status = error_response(
            401,
            "Give a provider's credentials (Basic KEY:SECRET) or a Thaksa API token (Bearer).",
            "unauthorized",
        )
        response.headers["WWW-Authenticate"] = 'Basic realm="thaksa-xapi"'
        return response, status
    if g.xapi_client is None and request.method not in ("GET", "HEAD"):
        return error_response(
            403, "Only a learning provider's credentials send statements.", "forbidden"
        )
    return None


@bp.get("/about")
def about():
    return {"version": [VERSION], "extensions": {}}


def _body():
    """The JSON sent (a 400 answer when it is not JSON)."""
    if not (request.mimetype or "").endswith("json"):
        return None, _bad("", "Send the statements as application/json.", "not_json")
    try:
        return json.loads(request.get_data(cache=False) or b""), None
    except (ValueError, UnicodeDecodeError):
        return None, _bad("", "The body is not valid JSON.", "malformed_json")


def _readings(sent: list, given_id: str | None = None):
    readings, seen = [], set()
    for number, statement in enumerate(sent):
        where = f"[{number}]" if given_id is None and len(sent) > 1 else ""
        try:
            reading = read_statement(statement, given_id=given_id)
        except BadStatement as problem:
            return None, _bad(f"{where}{problem.field}", problem.message)
        if reading.statement_id in seen:
            return None, _bad(f"{where}id", "The same statement id twice in one request.")
        seen.add(reading.statement_id)
        readings.append(reading)
    return readings, None


def _keep(readings) -> Response | None:
    """Keep the statements (None), or the 409 of a conflicting one. The same statement sent
    twice at the same moment: the second finds the first's and compares, as if sent later."""
    for attempt in (1, 2):
        try:
            receive(g.xapi_client, readings)
            db.session.commit()
        except StatementConflict as problem:
            db.session.rollback()
            return error_response(409, str(problem.message), "statement_conflict")
        except IntegrityError:
            db.session.rollback()
            if attempt == 2:
                raise
            continue
        return None
    return None


@bp.post("/statements")
def post_statements():
    """One statement or an array of them: all kept, or none. The ids, in order."""
    sent, problem = _body()
    if problem:
        return problem
    batch = sent if isinstance(sent, list) else [sent]
    if not batch:
        return _bad("", "Send at least one statement.")
    if len(batch) > MAX_BATCH:
        return _bad("", f"At most {MAX_BATCH} statements in one request.", "too_many", 413)
    readings, problem = _readings(batch)
    if problem:
        return problem
    refused = _keep(readings)
    if refused:
        return refused
    return Response(json.dumps([r.statement_id for r in readings]), mimetype="application/json")


@bp.put("/statements")
def put_statement():
    """One statement with its id in the query (statementId): 204, also when sent before."""
    given = request.args.get("statementId")
    if not given:
        return _bad("statementId", "PUT names the statement: ?statementId=<UUID>.")
    sent, problem = _body()
    if problem:
        return problem
    if not isinstance(sent, dict):
        return _bad("", "PUT sends one statement.")
    readings, problem = _readings([sent], given_id=given)
    if problem:
        return problem
    return _keep(readings) or Response(status=204)


# -- reading -----------------------------------------------------------------------------------


def _query():
    """The query's filters, checked (a 400 answer else)."""
    unknown = set(request.args) - QUERY_PARAMS
    if unknown:
        return None, _bad(sorted(unknown)[0], "Not a parameter of the statements resource.")
    args, found = request.args, {}
    try:
        if "agent" in args:
            found["agent"] = agent_key(args["agent"])
        for name in ("verb", "activity"):
            if name in args:
                if not is_iri(args[name]):
                    raise BadStatement(name, f"{name} is an IRI.")
                found[name] = args[name]
        for name in ("since", "until"):
            if name in args:
                found[name] = parse_timestamp(args[name], name)
        limit = args.get("limit", "0")
        if not limit.isdigit():
            raise BadStatement("limit", "limit is a whole number (0: the server's page).")
        found["limit"] = min(int(limit) or PAGE, MAX_PAGE)
        found["ascending"] = args.get("ascending", "false").lower() == "true"
        cursor = args.get("cursor", "0")
        if not cursor.isdigit() or int(cursor) >= 2**31:
            raise BadStatement("cursor", "Use the more link as it was given.")
        found["cursor"] = int(cursor)
    except BadStatement as problem:
        return None, _bad(problem.field, problem.message, "invalid_query")
    return found, None


def _page(statements: list[dict], more_after: int | None) -> Response:
    more = ""
    if more_after is not None:
        kept = [(k, v) for k, v in request.args.items(multi=True) if k != "cursor"]
        more = f"{request.path}?{urlencode([*kept, ('cursor', str(more_after))])}"
    response = Response(
        json.dumps({"statements": statements, "more": more}, ensure_ascii=False),
        mimetype="application/json",
    )
    response.headers["X-Experience-API-Consistent-Through"] = utc_stamp(utcnow())
    return response


def _one(statement: dict) -> Response:
    response = Response(json.dumps(statement, ensure_ascii=False), mimetype="application/json")
    response.headers["Last-Modified"] = statement.get("stored", "")
    return response


def _not_found() -> Response:
    return error_response(404, "There is no such statement for you.", "not_found")


@bp.get("/statements")
def get_statements():
    """By statementId, or a page of statements filtered by agent, verb, activity, since,
    until, with a `more` link to the next page."""
    if "statementId" in request.args and "voidedStatementId" in request.args:
        return _bad("statementId", "Give statementId or voidedStatementId, not both.")
    query, problem = _query()
    if problem:
        return problem
    if g.xapi_client is not None:
        return _provider_statements(query)
    return _learning_statements(query)


def _provider_statements(query: dict) -> Response:
    """What this provider sent, as kept (voided ones only by voidedStatementId)."""
    own = XapiStatement.client_id == g.xapi_client.id
    for name, voided in (("statementId", False), ("voidedStatementId", True)):
        if name in request.args:
            found = db.session.scalars(
                select(XapiStatement).where(
                    own, XapiStatement.statement_id == request.args[name].lower()
                )
            ).first()
            if found is None or (found.status == "voided") != voided:
                return _not_found()
            return _one(json.loads(found.body))
    rows = XapiStatement.__table__.c
    where = [own, rows.status != "voided"]
    if "agent" in query:
        where.append(rows.actor_key == query["agent"])
    if "verb" in query:
        where.append(rows.verb == query["verb"])
    if "activity" in query:
        where.append(rows.activity_iri == query["activity"])
    if "since" in query:
        where.append(rows.stored > query["since"])
    if "until" in query:
        where.append(rows.stored <= query["until"])
    if query["cursor"]:
        where.append(rows.id > query["cursor"] if query["ascending"] else rows.id < query["cursor"])
    order = rows.id.asc() if query["ascending"] else rows.id.desc()
    found = db.session.execute(
        select(rows.id, rows.body).where(*where).order_by(order).limit(query["limit"] + 1)
    ).all()
    more = found[query["limit"] - 1].id if len(found) > query["limit"] else None
    return _page([json.loads(r.body) for r in found[: query["limit"]]], more)


def _person_named(agent: str | None) -> Person | None:
    """The person the `agent` filter names (the caller when none), if the caller may see
    their learning."""
    reader = g.xapi_person
    if agent is None:
        return reader
    person = Lookups().find_key(agent)
    return person if person is not None and can_view_person(reader, person) else None


def _about_activity(iri: str, base: str):
    """SQL: activities whose statement's object is `iri` (outgoing.object_iri): a course's
    page, or the activity's own page in Thaksa."""
    own = f"{base.rstrip('/')}/learning/"
    if iri.startswith(own):
        year, _, number = iri.removeprefix(own).partition("/")
        if year.isdigit() and number.isdigit() and int(number) < 2**31:
            return LearningActivity.id == int(number)
        return false()
    return LearningActivity.course_id.in_(select(Course.id).where(Course.url == iri))


def _learning_statements(query: dict) -> Response:
    """A person's learning log as statements (their own, or someone's they may see)."""
    base = current_app.config["BASE_URL"]
    if "voidedStatementId" in request.args:
        return _not_found()  # Thaksa voids none of the statements it gives out
    if "statementId" in request.args:
        activity_id = activity_id_of(request.args["statementId"])
        activity = db.session.get(LearningActivity, activity_id) if activity_id else None
        if activity is None or not can_view_person(g.xapi_person, activity.person):
            return _not_found()
        return _one(as_statement(activity, base))
    person = _person_named(query.get("agent"))
    if person is None:
        return _page([], None)  # no one the reader may see is named so
    items = activities_query(person.id)
    columns = LearningActivity
    if query.get("verb") == "http://adlnet.gov/expapi/verbs/completed":
        items = items.where(columns.completed.is_(True))
    elif query.get("verb") == "http://adlnet.gov/expapi/verbs/experienced":
        items = items.where(columns.completed.is_(False))
    elif "verb" in query:
        return _page([], None)
    if "since" in query:
        items = items.where(columns.updated_at > query["since"])
    if "until" in query:
        items = items.where(columns.updated_at <= query["until"])
    if query["cursor"]:
        items = items.where(
            columns.id > query["cursor"] if query["ascending"] else columns.id < query["cursor"]
        )
    order = columns.id.asc() if query["ascending"] else columns.id.desc()
    if "activity" in query:
        items = items.where(_about_activity(query["activity"], base))
    found = list(db.session.scalars(items.order_by(order).limit(query["limit"] + 1)))
    more = found[query["limit"] - 1].id if len(found) > query["limit"] else None
    return _page([as_statement(a, base) for a in found[: query["limit"]]], more)
