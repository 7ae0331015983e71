"""The unit report of PRODUCT.md section 5 as the API serves it: the keys of
`reports.figures.Figures.as_dict`, the units around it, and the query that names it."""

from marshmallow import Schema, fields, validate

from lms.api.schemas.paging import page_schema

BUCKETS = ("70", "20", "10")
BANDS = ("0", "1-11", "12-29", "30+")


def _count(description: str = "") -> fields.Integer:
    return fields.Integer(
        required=True, metadata={"description": description} if description else {}
    )


def _rate(description: str = "a fraction from 0 to 1; null where nothing is counted"):
    return fields.Float(required=True, allow_none=True, metadata={"description": description})


class BucketsSchema(Schema):
    """One number per part of 70:20:10."""

    class Meta:
        include = {bucket: fields.Float(required=True) for bucket in BUCKETS}


class BandsSchema(Schema):
    """People per band of hours logged."""

    class Meta:
        include = {band: fields.Integer(required=True) for band in BANDS}


def _by(schema, description: str, allow_none: bool = False):
    return fields.Nested(
        schema, required=True, allow_none=allow_none, metadata={"description": description}
    )


class ReportQuery(Schema):
    cycle = fields.Integer(
        metadata={"description": "fiscal year in the Buddhist Era (default: the open one)"},
        validate=validate.Range(min=0, max=9999),
    )
    role_group = fields.String(
        metadata={"description": "a role group's code: only its people"},
        validate=validate.Length(max=20),
    )
    track = fields.String(
        metadata={"description": "a development track of the BMA plan (T1 to T4)"},
        validate=validate.Length(max=10),
    )


class AreaFiguresSchema(Schema):
    name_th = fields.String(required=True)
    name_en = fields.String(required=True, allow_none=True)
    assessed = _count("people with a submitted rating of the area, where it applies to them")
    avg_level = _rate("average self-rated level (0-4)")
    avg_target = _rate("average target of those people")
    avg_gap = _rate("average of max(target - level, 0)")
    meeting_target = _count()
    meeting_target_rate = _rate()
    supervisor_rated = _count()
    supervisor_avg_level = _rate("average supervisor-rated level")
    self_minus_supervisor = _rate("average self minus supervisor, for people rated by both")


class FiguresSchema(Schema):
    """Section 5's figures of one population."""

    headcount = _count("active people counted in the subtree on the reference day")
    self_assessed = _count()
    self_assessed_rate = _rate()
    idp_submitted = _count()
    idp_submitted_rate = _rate()
    idp_approved = _count()
    idp_approved_rate = _rate()
    idp_completed = _count()
    idp_completed_rate = _rate()
    developing = _count("people with at least one logged activity")
    developing_rate = _rate()
    activities = _count()
    hours = fields.Float(required=True)
    hours_by_bucket = _by(BucketsSchema, "hours per part of 70:20:10")
    mix = _by(BucketsSchema, "each part's share of hours; null without hours", True)
    courses_completed = _count()
    readiness = _rate("ratings at or above the target over ratings, all areas")
    self_evaluated = _count("people who sent their year-end self-evaluation")
    self_evaluated_rate = _rate()
    evaluated = _count("people whose supervisor finished the year-end evaluation")
    evaluated_rate = _rate()
    goals_evaluated = _count("goals with the supervisor's outcome, in finished evaluations")
    goals_achieved = _count()
    goals_partly = _count()
    goals_not_achieved = _count()
    goals_achieved_rate = _rate("over goals_evaluated")
    verified = _count("people with learning a supervisor verified")
    verified_rate = _rate()
    applied_at_work = _count("people with learning recognised as applied at work")
    applied_at_work_rate = _rate()
    verified_hours = fields.Float(required=True)
    hours_bands = _by(
        BandsSchema,
        "people by hours logged: none; more than 0 and under 12; 12 to under 30; 30 or more",
    )
    median_hours = _rate("the median of the hours each person logged; null without people")
    top_gaps = fields.List(
        fields.String(),
        required=True,
        metadata={"description": "up to three areas with a positive average gap, largest first"},
    )
    top_gaps_tied = fields.Boolean(required=True)
    skills = fields.Dict(
        keys=fields.String(),
        values=fields.Nested(AreaFiguresSchema),
        required=True,
        metadata={"description": "per skill area, keyed by its code"},
    )


class UnitSchema(Schema):
    code = fields.String(required=True)
    name_th = fields.String(required=True)
    name_en = fields.String(required=True, allow_none=True)


class ChildSchema(UnitSchema, FiguresSchema):
    """A unit under the report's unit, with the figures of its whole subtree."""


class TrendSchema(FiguresSchema):
    cycle = fields.Integer(required=True, metadata={"description": "the year before"})


class UnitReportSchema(FiguresSchema):
    unit = fields.Nested(UnitSchema, required=True)
    cycle = fields.Integer(required=True)
    role_group = fields.String(required=True, allow_none=True)
    track = fields.String(required=True, allow_none=True)
    as_of = fields.String(
        required=True, metadata={"description": "the reference day people are counted on"}
    )
    children = fields.List(fields.Nested(ChildSchema), required=True)
    own = fields.Nested(
        FiguresSchema,
        required=True,
        allow_none=True,
        metadata={"description": "the people placed in the unit itself (rows add up with it)"},
    )
    trend = fields.Nested(TrendSchema, required=True, allow_none=True)


class PeoplePageQuery(Schema):
    cycle = fields.Integer(
        metadata={"description": "fiscal year in the Buddhist Era (default: the open one)"},
        validate=validate.Range(min=0, max=9999),
    )
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10**6))
    per_page = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))


class PersonStatusSchema(Schema):
    """One person counted in the subtree, and where they are in the year."""

    employee_no = fields.String(required=True)
    name_th = fields.String(required=True)
    name_en = fields.String(required=True, allow_none=True)
    unit_code = fields.String(required=True)
    role_group = fields.String(required=True, allow_none=True)
    self_assessed = fields.Boolean(required=True)
    idp_status = fields.String(
        required=True,
        metadata={"description": "none, draft, submitted, returned, approved or completed"},
    )
    self_evaluated = fields.Boolean(required=True)
    evaluated = fields.Boolean(required=True)
    activities = fields.Integer(required=True)
    hours = fields.Float(required=True)
    verified_activities = fields.Integer(required=True)
    applied_activities = fields.Integer(required=True)


PeoplePageSchema = page_schema(PersonStatusSchema, "PeoplePage")
