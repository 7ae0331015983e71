"""The plan review form: a comment and the decision."""

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, TextAreaField

from lms.plans.forms import VersionedForm


class ReviewForm(VersionedForm):
    comment = TextAreaField(
        _l("Comment to the person"),
        description=_l("Required when you return the plan: say what should change."),
    )
    decision = HiddenField()
