"""Plans (IDPs) through the API: a plan as it goes out with the steps its reader may take,
a reviewer's decision, a verification, and a page of plans waiting for review."""

from decimal import Decimal

from marshmallow import Schema, ValidationError, fields, validate, validates

from lms.api.schemas.learning import YEAR
from lms.api.schemas.paging import page_schema


class CycleQuery(Schema):
    cycle = fields.Integer(
        load_default=None,
        validate=YEAR,
        metadata={"description": "fiscal year (BE); default: the open one"},
    )


class PlannedActivitySchema(Schema):
    id = fields.Integer(required=True)
    bucket = fields.String(required=True)
    kind = fields.String(required=True, allow_none=True)
    title = fields.String(required=True)
    hours = fields.Float(required=True, allow_none=True)
    course_id = fields.Integer(required=True, allow_none=True)
    starts_on = fields.Date(required=True, allow_none=True)
    ends_on = fields.Date(required=True, allow_none=True)


class GoalSchema(Schema):
    id = fields.Integer(required=True)
    area = fields.String(required=True, metadata={"description": "skill-area code"})
    current_level = fields.Integer(required=True, allow_none=True)
    target_level = fields.Integer(required=True)
    success_criteria = fields.String(required=True, allow_none=True)
    support_needed = fields.String(required=True, allow_none=True)
    due_on = fields.Date(required=True, allow_none=True)
    activities = fields.List(fields.Nested(PlannedActivitySchema), required=True)


class ActionSchema(Schema):
    allowed = fields.Boolean(required=True)
    reason = fields.String(required=True, allow_none=True, metadata={"description": "why not"})


class PlanSchema(Schema):
    id = fields.Integer(required=True)
    employee_no = fields.String(required=True)
    name_th = fields.String(required=True)
    cycle = fields.Integer(required=True)
    status = fields.String(
        required=True, metadata={"description": "draft, submitted, returned, approved, completed"}
    )
    submitted_at = fields.DateTime(required=True, allow_none=True)
    reviewed_at = fields.DateTime(required=True, allow_none=True)
    review_comment = fields.String(required=True, allow_none=True)
    version = fields.Integer(required=True, metadata={"description": "send it as If-Match"})
    goals = fields.List(fields.Nested(GoalSchema), required=True)
    actions = fields.Dict(
        keys=fields.String(),
        values=fields.Nested(ActionSchema),
        required=True,
        metadata={"description": "every step of the workflow for the reader: allowed, or why not"},
    )


class DecisionSchema(Schema):
    comment = fields.String(
        load_default=None,
        validate=validate.Length(max=2000),
        metadata={"description": "required to return a plan"},
    )


class VerifySchema(Schema):
    applied_at_work = fields.Boolean(
        load_default=None, metadata={"description": "also mark (or unmark) it applied at work"}
    )


class WaitingSchema(Schema):
    employee_no = fields.String(required=True)
    name_th = fields.String(required=True)
    name_en = fields.String(required=True, allow_none=True)
    cycle = fields.Integer(required=True)
    status = fields.String(required=True)
    submitted_at = fields.DateTime(required=True, allow_none=True)
    url = fields.String(required=True, metadata={"description": "the plan in the API"})


WaitingPageSchema = page_schema(WaitingSchema, "WaitingPage")


class WaitingQuery(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class GoalInSchema(Schema):
    area = fields.String(
        required=True, validate=validate.Length(max=20), metadata={"description": "skill-area code"}
    )
    current_level = fields.Integer(load_default=None, validate=validate.Range(min=0, max=4))
    target_level = fields.Integer(required=True, validate=validate.Range(min=0, max=4))
    due_on = fields.Date(load_default=None)
    success_criteria = fields.String(load_default=None, validate=validate.Length(max=2000))
    support_needed = fields.String(load_default=None, validate=validate.Length(max=2000))


class PlannedInSchema(Schema):
    """A planned activity as a client sends it (all of it, to add or to change one)."""

    @validates("hours")
    def _one_decimal(self, value, **_kwargs):
        if value is not None and (abs(value) > 10**6 or value != value.quantize(Decimal("0.1"))):
            raise ValidationError("Hours are a number with at most one decimal, e.g. 1.5.")

    bucket = fields.String(required=True, validate=validate.OneOf(("70", "20", "10")))
    kind = fields.String(load_default=None, validate=validate.Length(max=30))
    title = fields.String(load_default="", validate=validate.Length(max=500))
    hours = fields.Decimal(
        load_default=None,
        as_string=False,
        allow_nan=False,
        validate=validate.Predicate("is_finite", error="Hours are a number, e.g. 1.5."),
        metadata={"description": "more than 0, at most 1,000, one decimal at most"},
    )
    course_id = fields.Integer(load_default=None, validate=validate.Range(min=1, max=2**31 - 1))
    starts_on = fields.Date(load_default=None)
    ends_on = fields.Date(load_default=None)


class StartSchema(Schema):
    from_gaps = fields.Boolean(
        load_default=True,
        metadata={"description": "one goal per gap of my submitted self-assessment"},
    )
