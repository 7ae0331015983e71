"""The reports' queued work: report files and summary rebuilds too long for a web request
(lms.queue runs it)."""

from collections.abc import Iterator
from contextlib import contextmanager

from lms.jobs import runs
from lms.queue import huey, run_in_app
from lms.reports.jobs import KINDS, run_export
from lms.reports.pictures import draw_kept
from lms.reports.summary import rebuild_stale
from lms.reports.upkeep import rebuilds_deferred


@huey.task(retries=1, retry_delay=5)
def make_export(job_id: str) -> None:
    """Make a report file (PDF, people list), recording its progress on the job."""
    run_in_app(run_export, job_id)


for _kind in KINDS.values():
    runs(_kind, make_export)  # lms.jobs.queue(job) queues it (after the job's row is committed)


@huey.task(retries=2, retry_delay=10)
def rebuild_summary(cycle_id: int) -> None:
    """Rebuild a cycle's report summary marked stale by a change made on a web page."""
    run_in_app(rebuild_stale, cycle_id)


@huey.task()
def draw_charts(code: str, charts: list[tuple[str, str]]) -> None:
    """Draw ahead the charts a report page named (chart name, key of its data) from the data
    the page kept, while the page is on its way: the browser then finds them drawn."""
    run_in_app(_draw_all, code, charts)


def _draw_all(code: str, charts: list[tuple[str, str]]) -> None:
    for name, key in charts:
        draw_kept(code, name, key)


@contextmanager
def rebuilt_later(session) -> Iterator[None]:
    """Around a web request's change of a cycle's targets or dates and its commit: the summary
    is marked stale in the same transaction and rebuilt by a queued task after the commit."""
    with rebuilds_deferred(session) as stale:
        yield
    for cycle_id in sorted(stale):
        rebuild_summary(cycle_id)
