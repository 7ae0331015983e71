"""Forms of the self-assessment wizard: one skill area a page."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, ValidationError

from lms.models import SkillArea
from lms.models.common import LEVEL_MAX, LEVEL_MIN

LEVEL_CHOICES = [SelectChoice(str(level)) for level in range(LEVEL_MIN, LEVEL_MAX + 1)]


def level_on_scale(_form, field):
    """A level must be a whole number on the 0-4 scale (or empty in a draft)."""
    if field.data in (None, ""):
        return
    if field.data not in {choice.value for choice in LEVEL_CHOICES}:
        raise ValidationError(
            _l("Choose a level from %(low)d to %(high)d.", low=LEVEL_MIN, high=LEVEL_MAX)
        )


class AreaRatingForm(FlaskForm):
    level = RadioField(
        _l("My level"),
        choices=LEVEL_CHOICES,
        validate_choice=False,
        validators=[Optional(), level_on_scale],
    )
    justification = TextAreaField(
        _l("Why this level? (an example from your work)"),
        validators=[
            Optional(),
            Length(max=2000, message=_l("Please keep the explanation under 2,000 characters.")),
        ],
    )

    def sub_skill_fields(self):
        """The sub-skill level fields, in the area's order."""
        return [f for name, f in self._fields.items() if name.startswith("sub_")]


def area_form_class(area: SkillArea) -> type[AreaRatingForm]:
    """A rating form with one optional level field per sub-skill of `area`."""
    attrs = {}
    for sub in area.sub_skills:
        attrs[f"sub_{sub.id}"] = RadioField(
            sub.name_th,
            choices=LEVEL_CHOICES,
            validate_choice=False,
            validators=[Optional(), level_on_scale],
        )
    return type(f"AreaRatingForm_{area.code}", (AreaRatingForm,), attrs)


class SubmitForm(FlaskForm):
    """Submitting locks the assessment: the form carries only the CSRF token."""
