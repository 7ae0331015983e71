"""Every API error: `{"error": {"code", "message", "fields"}}` (lms.errors writes it)."""

from marshmallow import Schema, fields


class ErrorBody(Schema):
    code = fields.String(
        required=True,
        metadata={"description": "a stable word for programs, e.g. unit_not_found"},
    )
    message = fields.String(required=True, metadata={"description": "for people to read"})
    fields_ = fields.Dict(
        data_key="fields",
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={"description": "per field of the request, what is wrong with it (or empty)"},
    )


class ErrorSchema(Schema):
    error = fields.Nested(ErrorBody, required=True)
