"""The plans' queued work: the IDP PDF of a large plan (lms.queue runs it)."""

from lms.jobs import runs
from lms.plans.pdf import run_plan_pdf
from lms.queue import huey, run_in_app


@huey.task(retries=1, retry_delay=5)
def make_plan_pdf(job_id: str) -> None:
    """Make a large plan's PDF into the PDF cache, recording its progress on the job."""
    run_in_app(run_plan_pdf, job_id)


runs("plan_pdf", make_plan_pdf)  # lms.jobs.queue(job) queues it
