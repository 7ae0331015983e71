"""API v1 endpoints: thin adapters over the report services (a token in, JSON or CSV out),
declared with their schemas so the OpenAPI document is generated from them."""

from flask import Response, g, request
from flask_smorest import abort
from sqlalchemy import func, select

from lms.api import bp
from lms.api.paging import page_of
from lms.api.schemas.errors import ErrorSchema
from lms.api.schemas.reports import (
    PeoplePageQuery,
    PeoplePageSchema,
    ReportQuery,
    UnitReportSchema,
)
from lms.api.tokens import limit_per_credential, token_for
from lms.errors import error_response
from lms.extensions import csrf, db
from lms.models import Person, ReportPerson, RoleGroup, Unit
from lms.reports.export import people_csv_lines
from lms.reports.lookups import ReportNotFound, report_subject
from lms.reports.queries import ensure_summary, unit_report

csrf.exempt(bp)  # no cookies: a bearer token in every call


limit_per_credential(bp, "api")


READING = ("GET", "HEAD", "OPTIONS")


@bp.before_request
def _token_required():
    """Every endpoint needs a live token: its owner's rights are the call's (g.api_person);
    a token that reads only changes nothing."""
    scheme, _, plain = request.headers.get("Authorization", "").partition(" ")
    token = token_for(plain.strip()) if scheme.lower() == "bearer" else None
    if token is None:
        response, status = error_response(
            401, "A valid bearer token is required (Authorization: Bearer ...).", "unauthorized"
        )
        response.headers["WWW-Authenticate"] = 'Bearer realm="thaksa"'
        return response, status
    if request.method not in READING and token.scope != "write":
        return error_response(
            403, "This token reads only: make one that also writes.", "token_reads_only"
        )
    g.api_person, g.api_token = token.person, token
    return None


def _subject(code: str, query: dict):
    """The report's subject with the summary up to date and committed (a JSON error else)."""
    try:
        subject = report_subject(
            g.api_person,
            code,
            str(query["cycle"]) if query.get("cycle") is not None else None,
            query.get("role_group"),
            query.get("track"),
        )
    except ReportNotFound as problem:
        abort(problem.status, message=str(problem.message), error_code=problem.code)
    ensure_summary(subject.cycle)
    db.session.commit()
    return subject


@bp.route("/reports/units/<code>")
@bp.arguments(ReportQuery, location="query", as_kwargs=True)
@bp.response(200, UnitReportSchema)
@bp.alt_response(400, schema=ErrorSchema, description="an unknown role group or track")
@bp.alt_response(401, schema=ErrorSchema, description="no live token")
@bp.alt_response(
    404, schema=ErrorSchema, description="no such unit in the reader's scope, or no such year"
)
@bp.alt_response(422, schema=ErrorSchema, description="a query value of the wrong type")
def unit_report_json(code: str, **query):
    """A unit's report: section 5's figures of its subtree, per child unit and last year.

    Optionally only one role group's people, or one development track's."""
    subject = _subject(code, query)
    report = unit_report(subject.unit, subject.cycle, subject.role_group, track=subject.track)
    return {
        "unit": _unit(report.unit),
        "cycle": report.cycle.be_year,
        "role_group": report.role_group.code if report.role_group else None,
        "track": report.track.code if report.track else None,
        "as_of": report.as_of.isoformat(),
        **report.figures.as_dict(),
        "children": [{**_unit(c.unit), **c.figures.as_dict()} for c in report.children],
        # the people placed in the unit itself, so that own + children add up to the unit
        "own": report.own.figures.as_dict() if report.own is not None else None,
        "trend": (
            {"cycle": report.previous_cycle.be_year, **report.previous.as_dict()}
            if report.previous is not None
            else None
        ),
    }


@bp.route("/reports/units/<code>/people.csv")
@bp.arguments(ReportQuery(only=("cycle",)), location="query", as_kwargs=True)
@bp.response(
    200,
    description="one row per person counted in the subtree: employee_no, unit_code, "
    "role_group, self_assessed, idp_status, activities, hours_70, hours_20, hours_10, "
    "courses_completed, then level_<AREA> and target_<AREA> for every area",
    content_type="text/csv",
)
@bp.alt_response(401, schema=ErrorSchema, description="no live token")
@bp.alt_response(
    404, schema=ErrorSchema, description="no such unit in the reader's scope, or no such year"
)
def people_csv(code: str, **query):
    """The people of a unit's subtree, one CSV row each (streamed)."""
    subject = _subject(code, query)
    lines = _people_lines(
        db.engine, subject.unit.path, subject.cycle.id, subject.cycle.framework_id
    )
    response = Response(lines, mimetype="text/csv")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="people-{subject.unit.code}-FY{subject.cycle.be_year}.csv"'
    )
    return response


@bp.route("/reports/units/<code>/people", endpoint="people_of_unit")
@bp.arguments(PeoplePageQuery, location="query", as_kwargs=True)
@bp.response(200, PeoplePageSchema)
@bp.alt_response(401, schema=ErrorSchema, description="no live token")
@bp.alt_response(404, schema=ErrorSchema, description="no such unit in the reader's scope, or year")
def people_of_unit(code: str, page: int, per_page: int, **query):
    """The people counted in a unit's subtree (HR's and executives' scope) and where each is
    in the year: self-assessment, plan, year-end, learning. By employee number, a page at a
    time."""
    subject = _subject(code, query)
    rows = ReportPerson.__table__.c
    mine = (rows.cycle_id == subject.cycle.id, Unit.path.startswith(subject.unit.path))
    total = db.session.scalar(
        select(func.count())
        .select_from(ReportPerson)
        .join(Unit, Unit.id == rows.unit_id)
        .where(*mine)
    )
    found = db.session.execute(
        select(
            Person.employee_no,
            Person.name_th,
            Person.name_en,
            Unit.code.label("unit_code"),
            RoleGroup.code.label("role_group"),
            rows.self_assessed,
            rows.idp_status,
            rows.self_evaluated,
            rows.evaluated,
            rows.activities,
            (rows.hours_70 + rows.hours_20 + rows.hours_10).label("hours"),
            rows.verified_activities,
            rows.applied_activities,
        )
        .select_from(ReportPerson)
        .join(Person, Person.id == rows.person_id)
        .join(Unit, Unit.id == rows.unit_id)
        .outerjoin(RoleGroup, RoleGroup.id == rows.role_group_id)
        .where(*mine)
        .order_by(Person.employee_no)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    items = [
        {
            **row._asdict(),
            "self_assessed": bool(row.self_assessed),
            "self_evaluated": bool(row.self_evaluated),
            "evaluated": bool(row.evaluated),
            "hours": float(row.hours),
        }
        for row in found
    ]
    return page_of(
        items, total, page, per_page, "api.people_of_unit", code=code, cycle=subject.cycle.be_year
    )


def _people_lines(engine, unit_path: str, cycle_id: int, framework_id: int):
    """The CSV streamed on a connection of its own, after the request's context has ended
    (100,000 lines are never held at once)."""
    with engine.connect() as connection:
        yield from people_csv_lines(unit_path, cycle_id, framework_id, connection)


def _unit(unit) -> dict:
    return {"code": unit.code, "name_th": unit.name_th, "name_en": unit.name_en}
