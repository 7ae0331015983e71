"""The people feature's queued work: a person's own data as a ZIP (lms.queue runs it)."""

from lms.jobs import runs
from lms.people.personal_data import KIND, run_export
from lms.queue import huey, run_in_app


@huey.task(retries=1, retry_delay=5)
def export_personal_data(job_id: str) -> None:
    """Everything held about the job's person, with their evidence files, in a ZIP."""
    run_in_app(run_export, job_id)


runs(KIND, export_personal_data)  # lms.jobs.queue(job) queues it
