"""API v1: a person's own learning log (issue 22, part 2) — list, log, read, change and delete
their activities, through the same services (and so the same rules) as the learning-log pages.
A change needs the version the client read (If-Match: 428 without it, 412 when it changed)."""

from flask import g, send_file, url_for
from flask_smorest import abort
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from lms.activities.evidence import EvidenceError, attach_evidence, safe_filename, stored_path
from lms.activities.services import ActivityError, delete_activity, log_activity, update_activity
from lms.api import bp
from lms.api.answers import refuse
from lms.api.etags import check_if_match, etag
from lms.api.paging import page_of
from lms.api.schemas.errors import ErrorSchema
from lms.api.schemas.learning import (
    ActivityInSchema,
    ActivityPageSchema,
    ActivitySchema,
    EvidenceKindSchema,
    EvidenceSchema,
    EvidenceUploadSchema,
    PageQuery,
)
from lms.cycles import cycle_by_year, open_cycle
from lms.extensions import db
from lms.models import ActivityKind, Course, Cycle, EvidenceFile, Goal, LearningActivity

MINE = "/me/activities"


def activity_out(activity: LearningActivity) -> dict:
    return {
        "id": activity.id,
        "cycle": activity.cycle.be_year,
        "bucket": activity.bucket,
        "kind": activity.kind.code if activity.kind else None,
        "title": activity.title,
        "occurred_on": activity.occurred_on,
        "ended_on": activity.ended_on,
        "hours": float(activity.hours),
        "course_id": activity.course_id,
        "goal_id": activity.goal_id,
        "provider_name": activity.provider_name,
        "url": activity.url,
        "pre_score": activity.pre_score,
        "post_score": activity.post_score,
        "completed": activity.completed,
        "learned": activity.learned,
        "applied": activity.applied,
        "verified": activity.verified_at is not None,
        "applied_at_work": activity.applied_at_work,
        "version": activity.version,
        "evidence": [_evidence(e) for e in activity.evidence],
    }


def _evidence(item: EvidenceFile) -> dict:
    return {
        "id": item.id,
        "name": item.original_name,
        "content_type": item.content_type,
        "size": item.size,
        "kind": item.kind,
        "url": url_for("api.my_evidence_file", activity_id=item.activity_id, evidence_id=item.id),
    }


def year_or_404(year: int | None) -> Cycle:
    """The fiscal year asked for (the open one when none), or a JSON 404 cycle_not_found."""
    cycle = open_cycle() if year is None else cycle_by_year(year)
    if cycle is None:
        abort(404, message="There is no such fiscal year in Thaksa.", error_code="cycle_not_found")
    return cycle


def _values(data: dict) -> dict:
    """The service's values from the request: codes and ids turned into what they name (an
    unknown one is a 422 on its field)."""
    values = {k: v for k, v in data.items() if k not in ("cycle", "kind", "course_id", "goal_id")}
    problems = {}
    lookups = (
        ("kind", ActivityKind, "code", data.get("kind")),
        ("course", Course, "id", data.get("course_id")),
        ("goal", Goal, "id", data.get("goal_id")),
    )
    for name, model, column, key in lookups:
        found = None
        if key is not None:
            found = db.session.scalars(select(model).where(getattr(model, column) == key)).first()
            if found is None or (name == "course" and not found.active):
                problems[name if name == "kind" else f"{name}_id"] = [f"There is no {name} {key}."]
        values[name] = found
    if problems:
        abort(422, message="Please check the fields named.", errors=problems)
    return values


def _mine(activity_id: int) -> LearningActivity:
    activity = db.session.get(LearningActivity, activity_id) if activity_id < 2**31 else None
    if activity is None or activity.person_id != g.api_person.id:
        abort(404, message="There is no such activity in your learning log.")
    return activity


def _etag(activity: LearningActivity) -> dict:
    return etag(activity.version)


def _check_if_match(activity: LearningActivity) -> None:
    check_if_match(activity.version, "The activity")


@bp.route(MINE, endpoint="my_activities")
@bp.arguments(PageQuery, location="query", as_kwargs=True)
@bp.response(200, ActivityPageSchema)
@bp.alt_response(404, schema=ErrorSchema, description="no such fiscal year")
def my_activities(page: int, per_page: int, cycle: int | None = None):
    """My learning activities of a fiscal year, newest first, a page at a time."""
    return activities_page(g.api_person, year_or_404(cycle), page, per_page, "api.my_activities")


def activities_page(person, year: Cycle, page: int, per_page: int, endpoint: str, **args) -> dict:
    """A page of `person`'s activities of `year`, newest first, with links to `endpoint`."""
    mine = (LearningActivity.person_id == person.id, LearningActivity.cycle_id == year.id)
    total = db.session.scalar(select(func.count()).where(*mine))
    items = db.session.scalars(
        select(LearningActivity)
        .where(*mine)
        .options(selectinload(LearningActivity.evidence), selectinload(LearningActivity.kind))
        .order_by(LearningActivity.occurred_on.desc(), LearningActivity.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return page_of(
        [activity_out(a) for a in items],
        total,
        page,
        per_page,
        endpoint,
        cycle=year.be_year,
        **args,
    )


@bp.route(MINE, methods=["POST"], endpoint="log_my_activity")
@bp.arguments(ActivityInSchema)
@bp.response(201, ActivitySchema)
@bp.alt_response(403, schema=ErrorSchema, description="a token that only reads")
@bp.alt_response(409, schema=ErrorSchema, description="the year is closed")
@bp.alt_response(422, schema=ErrorSchema, description="what is wrong, per field")
def log_my_activity(data: dict):
    """Log a learning activity of mine (the same activity sent twice within seconds is one)."""
    cycle = year_or_404(data["cycle"])
    try:
        activity = log_activity(g.api_person, cycle, _values(data), by=g.api_person)
    except ActivityError as problem:
        refuse(problem)
    db.session.commit()
    return activity_out(activity), 201, _etag(activity)


@bp.route(f"{MINE}/<int:activity_id>", endpoint="my_activity")
@bp.response(200, ActivitySchema)
@bp.alt_response(404, schema=ErrorSchema, description="not an activity of mine")
def my_activity(activity_id: int):
    """One activity of mine, with its version as the ETag."""
    activity = _mine(activity_id)
    return activity_out(activity), 200, _etag(activity)


@bp.route(f"{MINE}/<int:activity_id>", methods=["PUT"], endpoint="change_my_activity")
@bp.arguments(ActivityInSchema)
@bp.response(200, ActivitySchema)
@bp.alt_response(412, schema=ErrorSchema, description="it changed since the ETag sent")
@bp.alt_response(428, schema=ErrorSchema, description="no If-Match")
@bp.alt_response(422, schema=ErrorSchema, description="what is wrong, per field")
def change_my_activity(data: dict, activity_id: int):
    """Change an activity of mine (all of it, as read with GET and changed). A change of what a
    supervisor verified asks for their look again."""
    activity = _mine(activity_id)
    _check_if_match(activity)
    if data["cycle"] != activity.cycle.be_year:
        abort(422, message="An activity stays in its year.", errors={"cycle": ["stays"]})
    try:
        update_activity(activity, _values(data), by=g.api_person)
    except ActivityError as problem:
        refuse(problem)
    db.session.commit()
    return activity_out(activity), 200, _etag(activity)


@bp.route(f"{MINE}/<int:activity_id>", methods=["DELETE"], endpoint="delete_my_activity")
@bp.response(204)
@bp.alt_response(412, schema=ErrorSchema, description="it changed since the ETag sent")
@bp.alt_response(428, schema=ErrorSchema, description="no If-Match")
def delete_my_activity(activity_id: int):
    """Delete an activity of mine (and its evidence files)."""
    activity = _mine(activity_id)
    _check_if_match(activity)
    try:
        files = [stored_path(e) for e in delete_activity(activity, by=g.api_person)]
    except ActivityError as problem:
        refuse(problem)
    db.session.commit()
    for path in files:
        path.unlink(missing_ok=True)
    return "", 204


@bp.route(f"{MINE}/<int:activity_id>/evidence", methods=["POST"], endpoint="add_my_evidence")
@bp.arguments(EvidenceUploadSchema, location="files")
@bp.arguments(EvidenceKindSchema, location="form")
@bp.response(201, EvidenceSchema)
@bp.alt_response(404, schema=ErrorSchema, description="not an activity of mine")
@bp.alt_response(413, schema=ErrorSchema, description="larger than the app accepts")
@bp.alt_response(422, schema=ErrorSchema, description="not a PDF, PNG or JPEG, too large, ...")
def add_my_evidence(files: dict, form: dict, activity_id: int):
    """Attach an evidence file (a certificate, a screenshot) to an activity of mine: checked by
    its content, as on the page."""
    activity = _mine(activity_id)
    upload = files["file"]
    try:
        item = attach_evidence(
            activity, upload.read(), upload.filename or "", form["kind"], by=g.api_person
        )
    except EvidenceError as problem:
        refuse(problem)
    db.session.commit()
    return _evidence(item), 201


@bp.route(f"{MINE}/<int:activity_id>/evidence/<int:evidence_id>", endpoint="my_evidence_file")
@bp.response(
    200, description="the file as it was uploaded", content_type="application/octet-stream"
)
@bp.alt_response(404, schema=ErrorSchema, description="not a file of an activity of mine")
def my_evidence_file(activity_id: int, evidence_id: int):
    """Download an evidence file of an activity of mine."""
    activity = _mine(activity_id)
    item = db.session.get(EvidenceFile, evidence_id) if evidence_id < 2**31 else None
    if item is None or item.activity_id != activity.id or not stored_path(item).is_file():
        abort(404, message="There is no such file on this activity.")
    return send_file(
        stored_path(item),
        mimetype=item.content_type,
        download_name=safe_filename(item.original_name) or "evidence",
        as_attachment=True,
        max_age=0,
    )
