"""HR naming a person's supervisor."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField


class SupervisorForm(FlaskForm):
    supervisor = StringField(
        _l("New supervisor"),
        description=_l("Employee number or e-mail; leave empty for none (top of a line)."),
    )
