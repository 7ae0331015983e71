"""Who reviews for a supervisor on leave, from when until when."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField

from lms.forms import date_field


class DelegationForm(FlaskForm):
    delegate = StringField(
        _l("Who reviews for you"),
        description=_l(
            "Type a few letters of their name (tone marks do not matter), their employee "
            "number or e-mail."
        ),
    )
    starts_on = date_field(_l("From"))
    ends_on = date_field(_l("Until (this day included)"))
    note = TextAreaField(_l("Note (optional)"))
