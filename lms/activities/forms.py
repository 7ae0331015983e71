"""Forms of the learning log: an activity and an evidence upload."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from lms.forms import BUCKET_CHOICES, date_field, hours_field, id_select, options, score_field


class ActivityForm(FlaskForm):
    submission_key = HiddenField()  # one per opened form: a double-click stores it once
    bucket = RadioField(_l("Type of learning"), choices=BUCKET_CHOICES, validate_choice=False)
    kind_id = id_select(_l("Kind"))
    title = StringField(_l("What I did"))
    goal_id = id_select(_l("Goal of my plan it serves"))
    occurred_on = date_field(_l("Date (first day)"), validators=[Optional()])
    ended_on = date_field(_l("Last day (for learning over several days)"), validators=[Optional()])
    hours = hours_field(_l("Hours"), validators=[Optional()])
    course_id = id_select(_l("Course from the catalogue"))
    provider_name = StringField(_l("Provider (for a course not in the catalogue)"))
    url = StringField(_l("Link"))
    pre_score = score_field(_l("Pre-test score (0–100)"), validators=[Optional()])
    post_score = score_field(_l("Post-test score (0–100)"), validators=[Optional()])
    completed = BooleanField(_l("I completed it"))
    learned = TextAreaField(_l("What I learned"))
    applied = TextAreaField(_l("How I applied it at work"))


class EvidenceForm(FlaskForm):
    file = FileField(_l("File (PDF, PNG or JPEG, at most 5 MB)"))
    kind = SelectField(
        _l("What it is"),
        choices=options(
            [
                ("certificate", _l("Certificate")),
                ("screenshot", _l("Screenshot")),
                ("document", _l("Document")),
                ("other", _l("Other")),
            ]
        ),
        invalid_choice_message=_l("Please choose from the list."),
    )


class DeleteForm(FlaskForm):
    """A delete button: only the CSRF token."""


class ReceivedForm(FlaskForm):
    """Confirm (with its hours) or dismiss a course a provider says one completed."""

    hours = hours_field(
        _l("Hours"),
        validators=[Optional()],
        description=_l(
            "As the provider or the catalogue gives them; correct them if you spent more or less."
        ),
    )
