"""When things happened in the demo: always on believable days, and never after now."""

from datetime import datetime, time, timedelta

from lms.clock import now, today
from lms.models import Cycle


def moment(cycle: Cycle, share: float, hour: int = 9) -> datetime:
    """A working morning `share` of the way from the cycle's first day to today (or to its
    last day, once the year is over): the demo's history always lies in the past."""
    last = min(today(), cycle.ends_on)
    days = max((last - cycle.starts_on).days, 0)
    return past(datetime.combine(cycle.starts_on + timedelta(days=int(days * share)), time(hour)))


def past(moment_: datetime) -> datetime:
    """`moment_`, or a little before now when it would lie in the future (Bangkok time)."""
    return min(moment_, now().replace(tzinfo=None) - timedelta(minutes=30))
