"""What waits for a person (their inbox) and feedback threads, through the API."""

from marshmallow import Schema, fields, validate


class WaitingPlanSchema(Schema):
    employee_no = fields.String(required=True)
    name_th = fields.String(required=True)
    cycle = fields.Integer(required=True)
    submitted_at = fields.DateTime(required=True, allow_none=True)


class ToVerifySchema(Schema):
    employee_no = fields.String(required=True)
    name_th = fields.String(required=True)
    cycle = fields.Integer(required=True)
    activities = fields.Integer(required=True)
    hours = fields.Float(required=True)
    oldest = fields.Date(required=True)


class DeadlineSchema(Schema):
    kind = fields.String(
        required=True, metadata={"description": "assessment, plan or self_evaluation"}
    )
    cycle = fields.Integer(required=True)
    due = fields.Date(required=True)


class InboxSchema(Schema):
    plans_waiting = fields.Integer(required=True, metadata={"description": "plans sent to me"})
    plans = fields.List(fields.Nested(WaitingPlanSchema), required=True)
    escalated = fields.List(fields.Nested(WaitingPlanSchema), required=True)
    to_verify = fields.List(fields.Nested(ToVerifySchema), required=True)
    evaluations_due = fields.List(fields.Nested(WaitingPlanSchema), required=True)
    my_returned_plans = fields.List(
        fields.Integer(), required=True, metadata={"description": "fiscal years"}
    )
    unread_feedback = fields.Integer(required=True)
    unread_team_feedback = fields.Integer(required=True)
    deadlines = fields.List(fields.Nested(DeadlineSchema), required=True)
    completions_waiting = fields.Integer(
        required=True, metadata={"description": "courses a provider says I completed, to confirm"}
    )


class MessageSchema(Schema):
    author = fields.String(required=True, metadata={"description": "employee number"})
    name_th = fields.String(required=True)
    body = fields.String(required=True)
    at = fields.DateTime(required=True)


class ThreadSchema(Schema):
    kind = fields.String(required=True, metadata={"description": "plan, goal or activity"})
    target_id = fields.Integer(required=True)
    subject = fields.String(required=True, metadata={"description": "whom it is about"})
    messages = fields.List(fields.Nested(MessageSchema), required=True)


class ThreadSummarySchema(Schema):
    kind = fields.String(required=True)
    target_id = fields.Integer(required=True)
    subject = fields.String(required=True)
    last_at = fields.DateTime(required=True)
    messages = fields.Integer(required=True)
    unread = fields.Integer(required=True)
    url = fields.String(required=True)


class ThreadListSchema(Schema):
    items = fields.List(fields.Nested(ThreadSummarySchema), required=True)


class PostSchema(Schema):
    body = fields.String(required=True, validate=validate.Length(min=1, max=4000))
