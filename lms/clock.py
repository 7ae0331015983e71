"""The one clock: today and now in Bangkok, and UTC time stamps for the database.

Every rule that asks "what day is it?" asks here, so tests (and the demo, which replays
history) pin the time in one place with `frozen_at`.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

BANGKOK = ZoneInfo("Asia/Bangkok")

_pinned: ContextVar[datetime | None] = ContextVar("lms_clock_pinned", default=None)


def now() -> datetime:
    """The current moment, aware, in Bangkok time."""
    pinned = _pinned.get()
    return pinned if pinned is not None else datetime.now(BANGKOK)


def today() -> date:
    """Today's date in Bangkok."""
    return now().date()


def utcnow() -> datetime:
    """The current moment as naive UTC, as the database columns store it."""
    return now().astimezone(UTC).replace(tzinfo=None)


def _as_bangkok(moment: datetime | date) -> datetime:
    if not isinstance(moment, datetime):
        moment = datetime.combine(moment, time(9, 0))  # a working morning
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=BANGKOK)
    return moment.astimezone(BANGKOK)


@contextmanager
def frozen_at(moment: datetime | date) -> Iterator[datetime]:
    """Pin the clock to `moment` (a naive value is Bangkok time; a date is 09:00) while inside.

    Context-local, so one request or thread pinning it never moves another's clock."""
    token = _pinned.set(_as_bangkok(moment))
    try:
        yield _pinned.get()
    finally:
        _pinned.reset(token)


def freeze(moment: datetime | date) -> None:
    """Pin the clock in the current context until `unfreeze` (for test fixtures)."""
    _pinned.set(_as_bangkok(moment))


def unfreeze() -> None:
    _pinned.set(None)
