"""Forms of the supervisor's pages. The evaluation forms have one field per goal and area, so
they carry only the CSRF token and the plan version here; the view reads the rest."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField

from lms.forms import date_field
from lms.plans.forms import VersionedForm


class ReviewForm(VersionedForm):
    comment = TextAreaField(
        _l("Comment to the person"),
        description=_l("Required when you return the plan: say what should change."),
    )
    decision = HiddenField()


class EvaluationForm(VersionedForm):
    """CSRF and version; goals' and areas' answers are read from the request by name."""


class DelegationForm(FlaskForm):
    delegate = StringField(
        _l("Who reviews for you"),
        description=_l("Their employee number or e-mail."),
    )
    starts_on = date_field(_l("From"))
    ends_on = date_field(_l("Until (this day included)"))
    note = TextAreaField(_l("Note (optional)"))


class SupervisorForm(FlaskForm):
    supervisor = StringField(
        _l("New supervisor"),
        description=_l("Employee number or e-mail; leave empty for none (top of a line)."),
    )
