"""HR naming a person's supervisor."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField


class SupervisorForm(FlaskForm):
    supervisor = StringField(
        _l("New supervisor"),
        description=_l(
            "Type a few letters of their name (tone marks do not matter), their employee "
            "number or e-mail; leave empty for none (top of a line)."
        ),
    )
