"""A self-assessment through the API: as it goes out (each area's level, the steps its owner
may take), and one area's rating as a client sends it."""

from marshmallow import Schema, fields, validate

from lms.api.schemas.plans import ActionSchema

LEVEL = validate.Range(min=0, max=4)


class AreaRatingSchema(Schema):
    area = fields.String(required=True, metadata={"description": "skill-area code"})
    name_th = fields.String(required=True)
    name_en = fields.String(required=True, allow_none=True)
    level = fields.Integer(
        required=True, allow_none=True, metadata={"description": "0-4, null: not rated"}
    )
    justification = fields.String(required=True, allow_none=True)


class AssessmentSchema(Schema):
    cycle = fields.Integer(required=True)
    status = fields.String(required=True, metadata={"description": "none, draft or submitted"})
    submitted_at = fields.DateTime(required=True, allow_none=True)
    version = fields.Integer(
        required=True,
        allow_none=True,
        metadata={"description": "send it as If-Match; null: not started"},
    )
    areas = fields.List(fields.Nested(AreaRatingSchema), required=True)
    actions = fields.Dict(keys=fields.String(), values=fields.Nested(ActionSchema), required=True)


class RateSchema(Schema):
    level = fields.Integer(required=True, allow_none=True, validate=LEVEL)
    justification = fields.String(load_default=None, validate=validate.Length(max=2000))
