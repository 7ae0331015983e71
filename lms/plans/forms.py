"""Forms of the IDP: a goal, a planned activity, and the plan-level buttons."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, StringField, TextAreaField
from wtforms.validators import Optional

from lms.forms import BUCKET_CHOICES, date_field, hours_field, id_select, level_select
from lms.requests import whole_number


class VersionedForm(FlaskForm):
    """Every plan change carries the plan version it was made on (optimistic locking)."""

    version = HiddenField()

    def version_number(self) -> int | None:
        return whole_number(self.version.data)


class GoalForm(VersionedForm):
    area_id = id_select(_l("Skill area"))
    current_level = level_select(_l("My level now"))
    target_level = level_select(_l("Level I want to reach"))
    success_criteria = TextAreaField(
        _l("What success looks like"),
        description=_l("How you and your supervisor will know the goal is reached."),
    )
    support_needed = TextAreaField(
        _l("Support I need"),
        description=_l(
            "From your unit or your supervisor, e.g. time for a course, a coach, a tool."
        ),
    )
    due_on = date_field(_l("Due date"), validators=[Optional()])


class PlannedActivityForm(VersionedForm):
    bucket = RadioField(_l("Type of learning"), choices=BUCKET_CHOICES, validate_choice=False)
    kind_id = id_select(_l("Kind"))
    title = StringField(_l("What I will do"))
    course_id = id_select(_l("Course from the catalogue"))
    hours = hours_field(_l("Planned hours"), validators=[Optional()])
    starts_on = date_field(_l("From"), validators=[Optional()])
    ends_on = date_field(_l("Until"), validators=[Optional()])


class PlanActionForm(VersionedForm):
    """Buttons that act on the whole plan (build from gaps, carry over, submit, delete)."""
