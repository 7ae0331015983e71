"""The API's pages' forms: a new token of one's own."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length


class TokenForm(FlaskForm):
    """A new API token of one's own: what it is for, and how long it lives."""

    name = StringField(
        _l("What is it for?"),
        validators=[
            DataRequired(_l("Please say what the token is for, e.g. “the unit's dashboard”.")),
            Length(max=120, message=_l("Please use at most 120 characters.")),
        ],
        description=_l("So that you know which one to revoke later."),
    )
    days = SelectField(
        _l("Ends after"),
        choices=[
            SelectChoice("30", _l("30 days")),
            SelectChoice("90", _l("90 days")),
            SelectChoice("180", _l("180 days")),
            SelectChoice("366", _l("a year")),
        ],
        default="90",
    )
    scope = SelectField(
        _l("It may"),
        choices=[
            SelectChoice("read", _l("read only")),
            SelectChoice(
                "write",
                _l("read, and change what I may: my self-assessment, plan, learning log, reviews"),
            ),
        ],
        default="read",
        description=_l("Either way it has your rights, never more."),
    )
