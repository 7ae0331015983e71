"""Form fields shared by features, with messages in the user's language for bad input."""

import re
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice

from lms.i18n import parse_date, typed_be_date
from lms.models.common import LEVEL_MAX, LEVEL_MIN
from lms.vocab import BUCKET_LABELS

DATE_MESSAGE = _l("Please give the date as day/month/year, e.g. 31/1/2566.")


class BuddhistDateField(StringField):
    """A date shown and typed as day/month/BE year (e.g. 31/1/2566), as Thai forms do."""

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        if isinstance(self.data, date):
            return typed_be_date(self.data)
        return ""

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist and valuelist[0].strip():
            try:
                self.data = parse_date(valuelist[0])
            except ValueError as exc:
                raise ValueError(str(DATE_MESSAGE)) from exc


def date_field(label, **kwargs) -> BuddhistDateField:
    kwargs.setdefault("render_kw", {"inputmode": "numeric", "placeholder": "31/1/2566"})
    kwargs.setdefault("description", _l("Day/month/year in the Buddhist Era, e.g. 31/1/2566"))
    return BuddhistDateField(label, **kwargs)


_ONE_DECIMAL = re.compile(r"^\s*(\d{1,6})(?:[.,](\d))?\s*$")
HOURS_MESSAGE = _l("Please give the hours as a number with at most one decimal, e.g. 1.5.")


class OneDecimalField(StringField):
    """A number with at most one decimal, in ASCII digits (a point or a comma), as the
    database keeps it on SQLite and PostgreSQL alike: "1.25", "NaN", "1e3" or "๑" are refused
    with a message rather than rounded, parsed as infinity or failing in the database."""

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else f"{self.data.normalize():f}"

    def process_formdata(self, valuelist):
        self.data = None
        text = valuelist[0] if valuelist else ""
        if not text.strip():
            return
        match = _ONE_DECIMAL.match(text) if text.isascii() else None
        if match is None:
            raise ValueError(str(HOURS_MESSAGE))
        whole, tenth = match.groups()
        self.data = Decimal(f"{whole}.{tenth or 0}")


def hours_field(label, **kwargs) -> OneDecimalField:
    return OneDecimalField(label, render_kw={"inputmode": "decimal"}, **kwargs)


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


BUCKET_CHOICES = options(BUCKET_LABELS.items())  # 70, 20, 10 with what each part means


class ActionForm(FlaskForm):
    """A button that acts (verify, cancel, approve several, mark read): the CSRF token only."""
