"""The imports' queued work (lms.queue runs it): checking or writing a large file."""

from lms.exchange.jobs import KIND, run_import
from lms.jobs import runs
from lms.queue import huey, run_in_app


@huey.task(retries=0)
def import_file(job_id: str) -> None:
    """Check or write an uploaded file of units or people, recording its progress on the job."""
    run_in_app(run_import, job_id)


runs(KIND, import_file)  # lms.jobs.queue(job) queues it
