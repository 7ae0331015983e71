"""A reviewer's team through the API: the people below them (and below those they stand in for
today) with the year at a glance, as the team page shows it."""

from marshmallow import Schema, fields, validate

from lms.api.schemas.learning import YEAR
from lms.api.schemas.paging import page_schema
from lms.api.schemas.reports import BucketsSchema
from lms.people.services import TEAM_FILTERS, TEAM_SORTS


class TeamQuery(Schema):
    cycle = fields.Integer(
        validate=YEAR, metadata={"description": "fiscal year (BE); default the open one"}
    )
    show = fields.String(
        load_default="all",
        validate=validate.OneOf(TEAM_FILTERS),
        metadata={"description": "all, direct reports, those behind, or those waiting for me"},
    )
    sort = fields.String(load_default="name", validate=validate.OneOf(TEAM_SORTS))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10**6))


class TeamMemberSchema(Schema):
    employee_no = fields.String(required=True)
    name_th = fields.String(required=True)
    name_en = fields.String(required=True, allow_none=True)
    unit_code = fields.String(required=True)
    direct = fields.Boolean(required=True, metadata={"description": "reports to me directly"})
    assessment_status = fields.String(required=True)
    plan_status = fields.String(required=True)
    planned_hours = fields.Float(required=True)
    hours_by_bucket = fields.Nested(BucketsSchema, required=True)
    goals_behind = fields.Integer(required=True)
    last_activity = fields.Date(required=True, allow_none=True)
    to_verify = fields.Integer(required=True, metadata={"description": "learning to verify"})
    plan_waiting = fields.Boolean(required=True, metadata={"description": "a plan waits for me"})
    evaluation_due = fields.Boolean(required=True)
    behind = fields.Boolean(required=True)


TeamPageSchema = page_schema(TeamMemberSchema, "TeamPage")
