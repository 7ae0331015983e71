"""Language, time zone and Buddhist Era formatting (one date style everywhere).

Dates read "23 พ.ย. 2569" in Thai and "23 Nov 2569 BE" in English: day, short month, BE year.
"""

import functools
import re
from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from zoneinfo import ZoneInfo

from babel.numbers import parse_pattern
from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import get_locale
from flask_login import current_user

from lms.clock import BANGKOK, today

BE_OFFSET = 543

THAI_MONTHS_SHORT = (
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
)  # fmt: skip
ENGLISH_MONTHS_SHORT = (
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
)  # fmt: skip


def select_locale() -> str:
    """The session's choice, then the person's saved choice, then Thai."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI and background work speak Thai
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    if g.get("database_down"):  # the 503 page: nothing may wait on the database
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    return "Asia/Bangkok"


def current_locale() -> str:
    """'th' or 'en' for the request being served."""
    locale = get_locale()
    return locale.language if locale else "th"


def be_year(value: date) -> int:
    return value.year + BE_OFFSET


def format_be_date(value: date | datetime | None, locale: str | None = None) -> str:
    """A date in the one style the app uses, with the Buddhist Era year."""
    if value is None:
        return "–"
    if isinstance(value, datetime):
        value = _to_bangkok(value).date()
    locale = locale or current_locale()
    if locale == "th":
        return f"{value.day} {THAI_MONTHS_SHORT[value.month - 1]} {be_year(value)}"
    return f"{value.day} {ENGLISH_MONTHS_SHORT[value.month - 1]} {be_year(value)} BE"


def format_be_datetime(value: datetime | None, locale: str | None = None) -> str:
    """A time stamp as a BE date with the Bangkok time of day."""
    if value is None:
        return "–"
    local = _to_bangkok(value)
    return f"{format_be_date(local.date(), locale)} {local:%H:%M}"


def _to_bangkok(value: datetime) -> datetime:
    # Naive time stamps in the database are UTC.
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo("UTC"))
    return value.astimezone(BANGKOK)


def format_number(value, digits: int = 1) -> str:
    """A number for the locale, or "–" when there is none."""
    if value is None:
        return "–"
    pattern = "#,##0" if digits == 0 else "#,##0." + "#" * digits
    return _formatted(value, pattern)


def format_fixed(value, digits: int = 2) -> str:
    """A number with exactly `digits` decimals (averages in a column line up), or "–"."""
    if value is None:
        return "–"
    return _formatted(value, "#,##0." + "0" * digits)


def percent_shown(value) -> int | None:
    """The whole percentage a fraction is shown as (half to even, as `format_rate` shows it),
    so that a change "in points" is the difference of the two percentages as shown."""
    if value is None:
        return None
    return int((Decimal(repr(float(value))) * 100).quantize(Decimal(1), ROUND_HALF_EVEN))


def format_rate(value) -> str:
    """A fraction in [0, 1] as a whole percentage, or "–"."""
    if value is None:
        return "–"
    return _formatted(Decimal(percent_shown(value)) / 100, "#,##0%")


@functools.lru_cache(maxsize=64)
def _pattern(pattern: str):
    return parse_pattern(pattern)


def _formatted(value, pattern: str) -> str:
    """`value` in the reader's locale as Babel's format_decimal / format_percent give it, with
    the pattern parsed once per process (a report page formats about a thousand numbers)."""
    return _pattern(pattern).apply(value, get_locale())


def whole_percentages(shares) -> list[int] | None:
    """Shares (fractions summing to 1, in order) as whole percentages that sum to 100: each
    rounded down, then the points left over go to the largest remainders (the first of equal
    remainders first). None when there is nothing to share."""
    if not shares or any(s is None for s in shares):
        return None
    exact = [Decimal(repr(float(s))) * 100 for s in shares]
    whole = [int(x) for x in exact]
    left = 100 - sum(whole)
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - whole[i]), i))
    for i in order[: max(left, 0)]:
        whole[i] += 1
    return whole


def mix_parts(mix) -> list[int] | None:
    """A 70:20:10 mix ({"70": share, ...}) as whole percentages summing to 100, in that order."""
    return whole_percentages([mix.get(b) for b in ("70", "20", "10")]) if mix else None


def format_mix(mix) -> str:
    """A 70:20:10 mix as whole percentages that sum to 100, e.g. "64:23:13", or "–"."""
    parts = mix_parts(mix)
    return ":".join(str(p) for p in parts) if parts else "–"


def days_until(value: date) -> int:
    return (value - today()).days


class BEDate:
    """A date that reads in the language it is shown in (for messages rendered in both)."""

    def __init__(self, value: date):
        self.value = value

    def __str__(self) -> str:
        return format_be_date(self.value)


def days_since(value: date | datetime) -> int:
    """Whole days from `value` (a date, or a UTC time stamp) until today in Bangkok."""
    if isinstance(value, datetime):
        value = _to_bangkok(value).date()
    return max((today() - value).days, 0)


def cycle_ended(cycle) -> bool:
    """True once the cycle's fiscal year is over (HR may still keep the cycle open)."""
    return today() > cycle.ends_on


def register_filters(app: Flask) -> None:
    app.jinja_env.filters["be_date"] = format_be_date
    app.jinja_env.filters["be_datetime"] = format_be_datetime
    app.jinja_env.filters["number"] = format_number
    app.jinja_env.filters["rate"] = format_rate
    app.jinja_env.filters["percent_shown"] = percent_shown
    app.jinja_env.filters["mix"] = format_mix
    app.jinja_env.filters["mix_parts"] = mix_parts
    app.jinja_env.filters["fixed"] = format_fixed
    app.jinja_env.globals["current_locale"] = current_locale
    app.jinja_env.globals["days_until"] = days_until
    app.jinja_env.globals["days_since"] = days_since
    app.jinja_env.globals["cycle_ended"] = cycle_ended

    @app.context_processor
    def _language():
        # Templates rendered by the task queue (report PDFs) have no request.
        path = request.path if has_request_context() else ""
        return {"lang": current_locale(), "request_path": path}


def typed_be_date(day: date) -> str:
    """A date as people type it in forms and files: day/month/Buddhist year (31/1/2566)."""
    return f"{day.day}/{day.month}/{day.year + BE_OFFSET}"


_DAY_MONTH_YEAR = re.compile(r"^\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")


def parse_date(text: str) -> date:
    """A date typed as day/month/year (BE or CE) or as ISO; a year after 2400 is BE."""
    if match := _DAY_MONTH_YEAR.match(text):
        day, month, year = (int(g) for g in match.groups())
    elif match := _ISO.match(text):
        year, month, day = (int(g) for g in match.groups())
    else:
        raise ValueError(text)
    if year > 2400:
        year -= BE_OFFSET
    return date(year, month, day)
