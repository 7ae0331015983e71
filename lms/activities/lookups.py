"""What the learning pages look up by address: an activity of the viewer's own log, or one of
someone they may see; anything else answers 404, exactly like an activity that does not exist."""

from flask import abort

from lms.extensions import db
from lms.models import Cycle, LearningActivity, Person
from lms.permissions import can_view_person


def my_activity_or_404(viewer: Person, cycle: Cycle, activity_id: int) -> LearningActivity:
    activity = db.session.get(LearningActivity, activity_id)
    if activity is None or activity.person_id != viewer.id or activity.cycle_id != cycle.id:
        abort(404)
    return activity


def visible_activity_or_404(viewer: Person, activity_id: int) -> LearningActivity:
    activity = db.session.get(LearningActivity, activity_id)
    if activity is None or not can_view_person(viewer, activity.person):
        abort(404)
    return activity
