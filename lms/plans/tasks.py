"""The plans' queued work: the IDP PDF of a large plan, and an IDP template applied to a large
unit (lms.queue runs it)."""

from lms.jobs import runs
from lms.plans.pdf import run_plan_pdf
from lms.plans.templates import APPLY_KIND, run_apply
from lms.queue import huey, run_in_app


@huey.task(retries=1, retry_delay=5)
def make_plan_pdf(job_id: str) -> None:
    """Make a large plan's PDF into the PDF cache, recording its progress on the job."""
    run_in_app(run_plan_pdf, job_id)


runs("plan_pdf", make_plan_pdf)  # lms.jobs.queue(job) queues it


@huey.task(retries=0)
def apply_plan_template(job_id: str) -> None:
    """Apply an IDP template to the people of a large unit, recording its progress."""
    run_in_app(run_apply, job_id)


runs(APPLY_KIND, apply_plan_template)
