"""Form fields shared by features, with messages in the user's language for bad input."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, DecimalField, IntegerField, SelectField
from wtforms.fields.choices import SelectChoice

from lms.models.common import LEVEL_MAX, LEVEL_MIN


def date_field(label, **kwargs) -> DateField:
    return DateField(
        label, invalid_value_message=_l("Please give a date like 2023-01-31."), **kwargs
    )


def hours_field(label, **kwargs) -> DecimalField:
    return DecimalField(
        label,
        places=1,
        invalid_value_message=_l("Please give the hours as a number, e.g. 1.5."),
        **kwargs,
    )


def score_field(label, **kwargs) -> IntegerField:
    return IntegerField(
        label, invalid_value_message=_l("Please give a whole number from 0 to 100."), **kwargs
    )


def id_select(label, **kwargs) -> SelectField:
    """A select of database ids; an empty choice means 'none'."""
    return SelectField(
        label,
        coerce=lambda value: int(value) if value not in (None, "", "None") else None,
        invalid_choice_message=_l("Please choose from the list."),
        **kwargs,
    )


def level_select(label, **kwargs) -> SelectField:
    return id_select(label, choices=level_choices(), **kwargs)


def options(pairs) -> list[SelectChoice]:
    """Select choices from (value, label) pairs."""
    return [SelectChoice("" if value is None else str(value), label) for value, label in pairs]


def level_choices(blank: str | None = "–") -> list[SelectChoice]:
    pairs = [("", blank)] if blank is not None else []
    return options(pairs + [(i, str(i)) for i in range(LEVEL_MIN, LEVEL_MAX + 1)])
