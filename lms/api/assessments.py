"""API v1: my self-assessment (issue 22, part 2) — read it with the steps I may take, rate an
area, submit it; through the assessment's services (its rules, its reasons). A rating starts
the assessment on first use; once started every change needs If-Match (its version)."""

from flask import g
from flask_smorest import abort
from sqlalchemy import select

from lms.api import bp
from lms.api.answers import action_out, refuse
from lms.api.etags import check_if_match, etag
from lms.api.learning import year_or_404
from lms.api.schemas.assessments import AssessmentSchema, RateSchema
from lms.api.schemas.errors import ErrorSchema
from lms.api.schemas.plans import CycleQuery
from lms.assessments.services import (
    AssessmentError,
    assessment_actions,
    find_assessment,
    save_area,
    start_assessment,
    submit_assessment,
)
from lms.cycles import cycle_areas
from lms.extensions import db
from lms.models import Cycle, SelfAssessment, SkillArea


def _out(assessment: SelfAssessment | None, cycle: Cycle) -> dict:
    ratings = {r.area_id: r for r in assessment.ratings} if assessment else {}
    actions = assessment_actions(assessment, cycle, g.api_person, by=g.api_person)
    return {
        "cycle": cycle.be_year,
        "status": str(assessment.status) if assessment else "none",
        "submitted_at": assessment.submitted_at if assessment else None,
        "version": assessment.version if assessment else None,
        "areas": [
            {
                "area": area.code,
                "name_th": area.name_th,
                "name_en": area.name_en,
                "level": ratings[area.id].level if area.id in ratings else None,
                "justification": ratings[area.id].justification if area.id in ratings else None,
            }
            for area in cycle_areas(cycle)
        ],
        "actions": {name: action_out(a) for name, a in actions.items()},
    }


def _headers(assessment: SelfAssessment | None) -> dict:
    return etag(assessment.version) if assessment is not None else {}


@bp.route("/me/assessment", endpoint="my_assessment")
@bp.arguments(CycleQuery, location="query", as_kwargs=True)
@bp.response(200, AssessmentSchema)
@bp.alt_response(404, schema=ErrorSchema, description="no such fiscal year")
def my_assessment(cycle: int | None = None):
    """My self-assessment of a fiscal year: each skill area's level, and what I may do now."""
    year = year_or_404(cycle)
    assessment = find_assessment(g.api_person, year)
    return _out(assessment, year), 200, _headers(assessment)


@bp.route("/me/assessment/areas/<area_code>", methods=["PUT"], endpoint="rate_my_area")
@bp.arguments(RateSchema)
@bp.arguments(CycleQuery, location="query", as_kwargs=True)
@bp.response(200, AssessmentSchema)
@bp.alt_response(404, schema=ErrorSchema, description="no such area in the year's framework")
@bp.alt_response(409, schema=ErrorSchema, description="submitted already, or the year is closed")
@bp.alt_response(412, schema=ErrorSchema, description="it changed since the ETag sent")
@bp.alt_response(428, schema=ErrorSchema, description="no If-Match (once it is started)")
def rate_my_area(data: dict, area_code: str, cycle: int | None = None):
    """Rate one skill area of my self-assessment (a draft; null clears the level)."""
    year = year_or_404(cycle)
    area = db.session.scalars(
        select(SkillArea).where(
            SkillArea.framework_id == year.framework_id, SkillArea.code == area_code[:20]
        )
    ).first()
    if area is None:
        abort(404, message="There is no such skill area in this year's framework.")
    assessment = find_assessment(g.api_person, year)
    if assessment is not None:
        check_if_match(assessment.version, "The self-assessment")
    try:
        assessment = start_assessment(g.api_person, year, by=g.api_person)
        save_area(
            assessment,
            area,
            level=data["level"],
            justification=data["justification"],
            by=g.api_person,
        )
    except AssessmentError as problem:
        refuse(problem)
    db.session.commit()
    return _out(assessment, year), 200, _headers(assessment)


@bp.route("/me/assessment/submit", methods=["POST"], endpoint="submit_my_assessment")
@bp.arguments(CycleQuery, location="query", as_kwargs=True)
@bp.response(200, AssessmentSchema)
@bp.alt_response(404, schema=ErrorSchema, description="not started, or no such year")
@bp.alt_response(409, schema=ErrorSchema, description="areas still to rate, or submitted already")
@bp.alt_response(412, schema=ErrorSchema, description="it changed since the ETag sent")
@bp.alt_response(428, schema=ErrorSchema, description="no If-Match")
def submit_my_assessment(cycle: int | None = None):
    """Submit my self-assessment: every area must have a level; it cannot change after."""
    year = year_or_404(cycle)
    assessment = find_assessment(g.api_person, year)
    if assessment is None:
        abort(404, message="Rate the skill areas first: nothing is started yet.")
    check_if_match(assessment.version, "The self-assessment")
    try:
        submit_assessment(assessment, by=g.api_person)
    except AssessmentError as problem:
        refuse(problem)
    db.session.commit()
    return _out(assessment, year), 200, _headers(assessment)
