"""What the plan pages look up by address: a goal of the viewer's own plan in a cycle, or 404
(someone else's goal answers exactly like one that does not exist)."""

from flask import abort

from lms.extensions import db
from lms.models import Cycle, Goal, Person


def my_goal_or_404(viewer: Person, cycle: Cycle, goal_id: int | None) -> Goal:
    goal = db.session.get(Goal, goal_id) if goal_id is not None else None
    if goal is None or goal.plan.person_id != viewer.id or goal.plan.cycle_id != cycle.id:
        abort(404)
    return goal
