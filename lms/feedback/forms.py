"""The reply box of a feedback thread."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField


class MessageForm(FlaskForm):
    body = TextAreaField(_l("Your message"))
