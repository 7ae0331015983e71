"""The administrators' form: credentials for a learning provider."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from lms.forms import id_select


class ClientForm(FlaskForm):
    """Credentials for one learning provider's system (its LMS, its course platform)."""

    name = StringField(
        _l("Provider's system"),
        validators=[
            DataRequired(_l("Please name the provider's system, e.g. “TDGA Academy (Moodle)”.")),
            Length(max=120, message=_l("Please use at most 120 characters.")),
        ],
        description=_l("Shown to people on what it sends: “from …”."),
    )
    provider_id = id_select(
        _l("Its courses in the catalogue"),
        description=_l(
            "Courses it names by code are looked for among this provider's; by address, anywhere."
        ),
    )
