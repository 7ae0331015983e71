"""What comes in with a request, cleaned once at the door.

- Form fields and query values lose NUL and the other control characters (`text.without_controls`;
  tabs and line breaks stay): no one types them, PostgreSQL refuses NUL, they break headers.
- A path with NUL in it names no page (404).
- Whole numbers in paths fit the database's integer columns, or the page does not exist.
"""

from flask import Flask, abort, request
from flask.wrappers import Request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import IntegerConverter

from lms.text import without_controls

MAX_INT = 2**31 - 1  # PostgreSQL's integer


def _cleaned(values: ImmutableMultiDict) -> ImmutableMultiDict:
    return ImmutableMultiDict(
        [
            (without_controls(key), without_controls(value))
            for key, value in values.items(multi=True)
        ]
    )


class CleanRequest(Request):
    """Flask's request, with control characters taken out of form and query values."""

    def _load_form_data(self) -> None:
        super()._load_form_data()
        self.__dict__["form"] = _cleaned(self.__dict__["form"])

    @property
    def args(self) -> ImmutableMultiDict:  # type: ignore[override]
        if "_clean_args" not in self.__dict__:
            self.__dict__["_clean_args"] = _cleaned(super().args)
        return self.__dict__["_clean_args"]


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` in a route: 0 to 2³¹−1; anything larger is a page that does not exist."""

    def __init__(self, url_map, fixed_digits=0, min=None, max=MAX_INT, signed=False):
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def whole_number(text: str | None, *, maximum: int = MAX_INT) -> int | None:
    """A whole number typed as ASCII digits that fits a column, else None (not "²" or "๓")."""
    text = (text or "").strip()
    if not (text.isascii() and text.isdigit() and len(text) <= 10):
        return None
    value = int(text)
    return value if value <= maximum else None


def ids_at_versions(values: list[str], limit: int) -> dict[int, int]:
    """Ticked rows sent as "id:version" (the version the page showed), the first `limit` of
    them; malformed ones are left out, and a row ticked twice counts as first shown."""
    chosen: dict[int, int] = {}
    for raw in values[:limit]:
        row_id, _sep, version = raw.partition(":")
        row_id, version = whole_number(row_id), whole_number(version)
        if row_id is not None and version is not None:
            chosen.setdefault(row_id, version)
    return chosen


def register_requests(app: Flask) -> None:
    app.request_class = CleanRequest
    app.url_map.converters["int"] = BoundedIntConverter

    @app.before_request
    def _no_nul_in_paths():
        if "\x00" in request.path:
            abort(404)
