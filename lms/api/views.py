"""API v1 endpoints: thin adapters over the report services (tokens in, JSON or CSV out)."""

from functools import wraps

from flask import Response, g, jsonify, request

from lms.api import bp
from lms.api.openapi import OPENAPI
from lms.api.tokens import person_for_token
from lms.extensions import csrf, db
from lms.reports.export import people_csv_lines
from lms.reports.lookups import ReportNotFound, report_subject
from lms.reports.queries import ensure_summary, unit_report

csrf.exempt(bp)  # no cookies: a bearer token in every call


def api_error(status: int, code: str, message: str):
    return jsonify({"error": {"code": code, "message": message}}), status


def token_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        header = request.headers.get("Authorization", "")
        scheme, _, plain = header.partition(" ")
        person = person_for_token(plain.strip()) if scheme.lower() == "bearer" else None
        if person is None:
            response, status = api_error(
                401, "unauthorized", "A valid bearer token is required (Authorization: Bearer ...)."
            )
            response.headers["WWW-Authenticate"] = 'Bearer realm="thaksa"'
            return response, status
        g.api_person = person
        return view(*args, **kwargs)

    return wrapped


def _subject(code: str):
    """(subject, None) with the summary up to date and committed, or (None, a JSON error)."""
    try:
        subject = report_subject(
            g.api_person,
            code,
            request.args.get("cycle"),
            request.args.get("role_group"),
            request.args.get("track"),
        )
    except ReportNotFound as problem:
        return None, api_error(problem.status, problem.code, str(problem.message))
    ensure_summary(subject.cycle)
    db.session.commit()
    return subject, None


@bp.get("/openapi.json")
def openapi():
    return jsonify(OPENAPI)


@bp.get("/reports/units/<code>")
@token_required
def unit_report_json(code: str):
    subject, problem = _subject(code)
    if problem:
        return problem
    report = unit_report(subject.unit, subject.cycle, subject.role_group, track=subject.track)
    body = {
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
    return jsonify(body)


@bp.get("/reports/units/<code>/people.csv")
@token_required
def people_csv(code: str):
    subject, problem = _subject(code)
    if problem:
        return problem
    lines = _people_lines(
        db.engine, subject.unit.path, subject.cycle.id, subject.cycle.framework_id
    )
    response = Response(lines, mimetype="text/csv")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="people-{subject.unit.code}-FY{subject.cycle.be_year}.csv"'
    )
    return response


def _people_lines(engine, unit_path: str, cycle_id: int, framework_id: int):
    """The CSV streamed on a connection of its own, after the request's context has ended
    (100,000 lines are never held at once)."""
    with engine.connect() as connection:
        yield from people_csv_lines(unit_path, cycle_id, framework_id, connection)


def _unit(unit) -> dict:
    return {"code": unit.code, "name_th": unit.name_th, "name_en": unit.name_en}
