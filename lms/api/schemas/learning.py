"""A person's own learning log through the API: an activity as it goes out, what a client
sends to log or change one, and a page of them."""

from decimal import Decimal

from flask_smorest.fields import Upload
from marshmallow import Schema, ValidationError, fields, validate, validates

from lms.api.schemas.paging import page_schema
from lms.vocab import BUCKETS

YEAR = validate.Range(min=0, max=9999)
ID = validate.Range(min=1, max=2**31 - 1)  # what the database's integer keys hold


class EvidenceSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    content_type = fields.String(required=True)
    size = fields.Integer(required=True)
    kind = fields.String(required=True)
    url = fields.String(required=True, metadata={"description": "where to download it"})


class EvidenceUploadSchema(Schema):
    file = Upload(required=True, metadata={"description": "PDF, PNG or JPEG, at most 5 MB"})


class EvidenceKindSchema(Schema):
    kind = fields.String(
        load_default="other",
        validate=validate.OneOf(("certificate", "screenshot", "document", "other")),
    )


class ActivitySchema(Schema):
    id = fields.Integer(required=True)
    cycle = fields.Integer(required=True, metadata={"description": "fiscal year (BE)"})
    bucket = fields.String(required=True, metadata={"description": "70, 20 or 10"})
    kind = fields.String(required=True, allow_none=True, metadata={"description": "kind code"})
    title = fields.String(required=True)
    occurred_on = fields.Date(required=True)
    ended_on = fields.Date(required=True, allow_none=True)
    hours = fields.Float(required=True)
    course_id = fields.Integer(required=True, allow_none=True)
    goal_id = fields.Integer(required=True, allow_none=True)
    provider_name = fields.String(required=True, allow_none=True)
    url = fields.String(required=True, allow_none=True)
    pre_score = fields.Integer(required=True, allow_none=True)
    post_score = fields.Integer(required=True, allow_none=True)
    completed = fields.Boolean(required=True)
    learned = fields.String(required=True, allow_none=True)
    applied = fields.String(required=True, allow_none=True)
    verified = fields.Boolean(required=True, metadata={"description": "a supervisor verified it"})
    applied_at_work = fields.Boolean(required=True)
    version = fields.Integer(
        required=True, metadata={"description": "send it back as If-Match to change it"}
    )
    evidence = fields.List(fields.Nested(EvidenceSchema), required=True)


class ActivityInSchema(Schema):
    """What a client sends to log an activity (all of it) or change one (all of it again)."""

    @validates("hours")
    def _one_decimal(self, value, **_kwargs):
        """One decimal at most, the same on both databases (the service says what range)."""
        if abs(value) > 10**6:  # past any sensible range: too large to round-check
            raise ValidationError("One activity can have at most 1,000 hours.")
        if value != value.quantize(Decimal("0.1")):
            raise ValidationError("Hours are a number with at most one decimal, e.g. 1.5.")

    cycle = fields.Integer(
        required=True,
        validate=YEAR,
        metadata={"description": "the fiscal year (BE) it counts in"},
    )
    bucket = fields.String(required=True, validate=validate.OneOf(BUCKETS))
    kind = fields.String(
        load_default=None, validate=validate.Length(max=30), metadata={"description": "kind code"}
    )
    title = fields.String(load_default="", validate=validate.Length(max=500))
    occurred_on = fields.Date(required=True)
    ended_on = fields.Date(load_default=None)
    hours = fields.Decimal(
        required=True,
        as_string=False,
        allow_nan=False,
        validate=validate.Predicate(
            "is_finite", error="Hours are a number with at most one decimal, e.g. 1.5."
        ),
        metadata={"description": "with at most one decimal (1.25 is refused, never rounded)"},
    )
    course_id = fields.Integer(
        load_default=None, validate=ID, metadata={"description": "a catalogue course"}
    )
    goal_id = fields.Integer(
        load_default=None, validate=ID, metadata={"description": "a goal of one's plan"}
    )
    provider_name = fields.String(load_default=None, validate=validate.Length(max=255))
    url = fields.String(load_default=None, validate=validate.Length(max=500))
    pre_score = fields.Integer(load_default=None, validate=validate.Range(min=0, max=100))
    post_score = fields.Integer(load_default=None, validate=validate.Range(min=0, max=100))
    completed = fields.Boolean(load_default=False)
    learned = fields.String(load_default=None, validate=validate.Length(max=4000))
    applied = fields.String(load_default=None, validate=validate.Length(max=4000))


class PageQuery(Schema):
    cycle = fields.Integer(
        validate=YEAR, metadata={"description": "fiscal year (BE); default the open one"}
    )
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10**6))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


ActivityPageSchema = page_schema(ActivitySchema, "ActivityPage")
