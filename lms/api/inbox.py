"""API v1: what waits for me (my inbox, as the page shows it) and feedback (issue 22, part 2):
the threads about me, one thread read, a message written — through the feedback services and
their rules (the person and those who review them write; a draft plan stays private)."""

from flask import g, url_for
from flask_smorest import abort

from lms.api import bp
from lms.api.answers import refuse
from lms.api.schemas.errors import ErrorSchema
from lms.api.schemas.inbox import InboxSchema, PostSchema, ThreadListSchema, ThreadSchema
from lms.extensions import db
from lms.feedback.services import (
    FeedbackError,
    mark_thread_read,
    post,
    readable_target,
    thread_on,
    threads_for,
)
from lms.inbox.services import inbox


def _plan_row(plan) -> dict:
    return {
        "employee_no": plan.person.employee_no,
        "name_th": plan.person.name_th,
        "cycle": plan.cycle.be_year,
        "submitted_at": plan.submitted_at,
    }


@bp.route("/me/inbox", endpoint="my_inbox")
@bp.response(200, InboxSchema)
def my_inbox():
    """Everything waiting for me: plans to review (the first ones, and how many in all),
    escalated ones, learning to verify, year-end evaluations, my returned plans, unread
    feedback, deadlines, and courses completed elsewhere to confirm."""
    box = inbox(g.api_person)
    return {
        "plans_waiting": box.plans_total,
        "plans": [_plan_row(p) for p in box.plans],
        "escalated": [_plan_row(p) for p in box.escalated],
        "to_verify": [
            {
                "employee_no": item.person.employee_no,
                "name_th": item.person.name_th,
                "cycle": item.cycle.be_year,
                "activities": item.count,
                "hours": float(item.hours),
                "oldest": item.oldest,
            }
            for item in box.to_verify
        ],
        "evaluations_due": [_plan_row(p) for p in box.evaluations],
        "my_returned_plans": [p.cycle.be_year for p in box.returned],
        "unread_feedback": box.feedback,
        "unread_team_feedback": box.team_feedback,
        "deadlines": [
            {"kind": d.kind, "cycle": d.cycle.be_year, "due": d.due} for d in box.deadlines
        ],
        "completions_waiting": sum(count for _cycle, count in box.completions),
    }


def _about(thread) -> tuple[str, int]:
    if thread.activity_id is not None:
        return "activity", thread.activity_id
    if thread.goal_id is not None:
        return "goal", thread.goal_id
    return "plan", thread.plan_id


@bp.route("/me/feedback", endpoint="my_feedback")
@bp.response(200, ThreadListSchema)
def my_feedback():
    """The feedback threads about me, the latest first, with what I have not read."""
    items = []
    for summary in threads_for(g.api_person):
        kind, target_id = _about(summary.thread)
        items.append(
            {
                "kind": kind,
                "target_id": target_id,
                "subject": summary.thread.subject.employee_no,
                "last_at": summary.last_at,
                "messages": summary.messages,
                "unread": summary.unread,
                "url": url_for("api.feedback_thread", kind=kind, target_id=target_id),
            }
        )
    return {"items": items}


def _target(kind: str, target_id: int):
    on = readable_target(g.api_person, kind, target_id)
    if on is None:
        abort(404, message="There is no such thread for you.")
    return on


def _thread_out(on) -> dict:
    thread = thread_on(on)
    return {
        "kind": on.kind,
        "target_id": on.obj.id,
        "subject": on.subject.employee_no,
        "messages": [
            {
                "author": m.author.employee_no,
                "name_th": m.author.name_th,
                "body": m.body,
                "at": m.created_at,
            }
            for m in (thread.messages if thread else [])
        ],
    }


@bp.route("/feedback/<kind>/<int:target_id>", endpoint="feedback_thread")
@bp.response(200, ThreadSchema)
@bp.alt_response(404, schema=ErrorSchema, description="not a thread you may read")
def feedback_thread(kind: str, target_id: int):
    """The feedback on a plan, a goal or an activity (reading it marks it read for me)."""
    on = _target(kind, target_id)
    body = _thread_out(on)
    thread = thread_on(on)
    if thread is not None:
        mark_thread_read(thread, g.api_person)
        db.session.commit()
    return body


@bp.route("/feedback/<kind>/<int:target_id>", methods=["POST"], endpoint="write_feedback")
@bp.arguments(PostSchema)
@bp.response(201, ThreadSchema)
@bp.alt_response(404, schema=ErrorSchema, description="not a thread you may read")
@bp.alt_response(409, schema=ErrorSchema, description="you may read it but not write in it")
@bp.alt_response(422, schema=ErrorSchema, description="an empty or too long message")
def write_feedback(data: dict, kind: str, target_id: int):
    """Write in the thread (the person, or someone who reviews them); the other side is
    told, as on the page."""
    on = _target(kind, target_id)
    try:
        post(on, data["body"], by=g.api_person)
    except FeedbackError as problem:
        refuse(problem)
    db.session.commit()
    return _thread_out(on), 201
