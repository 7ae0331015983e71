"""The reports' queued work: report files too long for a web request (lms.queue runs it)."""

from lms.queue import huey, run_in_app
from lms.reports.jobs import run_export


@huey.task(retries=1, retry_delay=5)
def make_export(job_id: str) -> None:
    """Make a report file (PDF, people list), recording its progress on the job."""
    run_in_app(run_export, job_id)


def queue_export(job_id: str) -> None:
    """Queue the export; call it after the job's row is committed (the consumer reads it)."""
    make_export(job_id)
