"""API v1: a reviewer's team (issue 22, part 2) — the team page's service, the same people
and figures: direct and indirect reports, and those of people they stand in for today."""

from flask import g

from lms.api import bp
from lms.api.learning import year_or_404
from lms.api.paging import page_of
from lms.api.schemas.errors import ErrorSchema
from lms.api.schemas.team import TeamPageSchema, TeamQuery
from lms.people.services import PAGE_SIZE, team_page


@bp.route("/team", endpoint="my_team")
@bp.arguments(TeamQuery, location="query", as_kwargs=True)
@bp.response(200, TeamPageSchema)
@bp.alt_response(404, schema=ErrorSchema, description="no such fiscal year")
def my_team(show: str, sort: str, page: int, cycle: int | None = None):
    """My team with the year at a glance (empty for someone nobody reports to)."""
    year = year_or_404(cycle)
    result = team_page(g.api_person, year, sort=sort, show=show, page=page)
    items = [
        {
            "employee_no": row.person.employee_no,
            "name_th": row.person.name_th,
            "name_en": row.person.name_en,
            "unit_code": row.person.unit.code,
            "direct": row.direct,
            "assessment_status": row.assessment_status,
            "plan_status": row.plan_status,
            "planned_hours": row.planned_hours,
            "hours_by_bucket": row.done,
            "goals_behind": row.goals_behind,
            "last_activity": row.last_activity,
            "to_verify": row.to_verify,
            "plan_waiting": row.plan_waiting,
            "evaluation_due": row.evaluation_due,
            "behind": row.behind,
        }
        for row in result.rows
    ]
    return page_of(
        items,
        result.total,
        result.page,
        PAGE_SIZE,
        "api.my_team",
        sized=False,
        cycle=year.be_year,
        show=show,
        sort=sort,
    )
