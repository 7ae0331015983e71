"""The IDP as a print-ready PDF form in Thai (WeasyPrint, Sarabun), ready for signature.

Made once per plan version and day and kept in PDF_CACHE_DIR. A large plan (more than
LARGE_PLAN planned activities: one at its cap took 21 s) is made by the task queue: the
request makes a job and its page says when the PDF is ready, as the report files do."""

import secrets
from pathlib import Path

from flask import current_app, make_response, redirect, render_template, url_for
from flask_babel import force_locale
from flask_login import current_user
from weasyprint import HTML

from lms.audit import audit
from lms.clock import today
from lms.extensions import db, limiter
from lms.fonts import FONT_DIR
from lms.jobs import NotAllowed, execute, progress, queue, start_job
from lms.learning import planned_balance
from lms.models import ActivityKind, Job, Person, Plan
from lms.permissions import can_view_plan, review_route


def render_plan_pdf(plan: Plan) -> bytes:
    """The plan as PDF bytes (a Thai form, whatever the reader's language)."""
    return HTML(string=plan_form_html(plan)).write_pdf()


def plan_form_html(plan: Plan) -> str:
    """The IDP form as the HTML the PDF is printed from."""
    kinds = {k.id: k for k in db.session.scalars(db.select(ActivityKind))}
    with force_locale("th"):
        return render_template(
            "plans/pdf.html",
            plan=plan,
            person=plan.person,
            cycle=plan.cycle,
            balance=planned_balance(plan),
            reviewer=_reviewer(plan),
            kinds=kinds,
            font_dir=FONT_DIR.as_uri(),
            printed=today(),
        )


def _reviewer(plan: Plan) -> Person | None:
    """Who signs as the supervisor: whoever reviewed the plan, else whom it goes to when sent
    (the same route the plan page names: the supervisor, a stand-in, HR or an administrator)."""
    if plan.reviewed_by_id is not None:
        return db.session.get(Person, plan.reviewed_by_id)
    return review_route(plan.person).reviewer


LARGE_PLAN = 30  # planned activities; a plan with more has its PDF made by the task queue


def is_large(plan: Plan) -> bool:
    return sum(len(goal.activities) for goal in plan.goals) > LARGE_PLAN


def cached_path(plan: Plan) -> Path:
    """Where the plan's PDF of this version and day is kept."""
    folder = Path(current_app.config["PDF_CACHE_DIR"])
    return folder / f"plan-{plan.id}-v{plan.version}-{today().isoformat()}.pdf"


def cached_plan_pdf(plan: Plan) -> bytes:
    """The plan's PDF, made once per version of the plan (and day, which it prints): kept in
    PDF_CACHE_DIR; earlier copies of the same plan are removed when a new one is made."""
    path = cached_path(plan)
    folder = path.parent
    if path.is_file():
        return path.read_bytes()
    data = render_plan_pdf(plan)
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob(f"plan-{plan.id}-v*.pdf"):
        old.unlink(missing_ok=True)
    partial = path.with_suffix(f".{secrets.token_hex(4)}.part")
    partial.write_bytes(data)
    partial.replace(path)  # atomic: a reader never sees half a file
    return data


def plan_pdf_response(plan: Plan, by: Person | None = None):
    """The PDF as a download; a copy made by someone else than the owner is audited. A large
    plan not yet made today goes to the task queue: the answer is its job's page."""
    reader = by or plan.person
    if is_large(plan) and not cached_path(plan).is_file():
        job = start_job(reader, "plan_pdf", {"plan_id": plan.id, "version": plan.version}, "th")
        db.session.commit()
        queue(job)  # a queue that is down fails the job at once: its page says so
        return redirect(url_for("plans.pdf_job", job_id=job.id))
    response = make_response(cached_plan_pdf(plan))
    response.headers["Content-Type"] = "application/pdf"
    filename = f"IDP-{plan.person.employee_no}-FY{plan.cycle.be_year}.pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    if by is not None and by.id != plan.person_id:
        audit("export_plan_pdf", by, plan)
        db.session.commit()
    return response


def run_plan_pdf(job_id: str) -> None:
    """Make a large plan's PDF into the cache (in the task queue)."""
    execute(job_id, _make_plan_pdf)


def _make_plan_pdf(job: Job) -> None:
    plan = db.session.get(Plan, job.params["plan_id"])
    reader = db.session.get(Person, job.person_id)
    if plan is None or reader is None or not reader.is_active:
        raise NotAllowed
    if not can_view_plan(reader, plan):
        raise NotAllowed
    progress(job, 20)
    cached_plan_pdf(plan)


def plan_of_job(job: Job) -> Plan | None:
    return db.session.get(Plan, job.params.get("plan_id"))


def _pdf_key() -> str:
    return f"pdf:{current_user.id}"


# On every PDF page, after login_required: a person makes a few PDFs a minute, so one cannot
# keep the workers busy for everyone else.
pdf_rate_limit = limiter.limit(lambda: current_app.config["PDF_RATE_LIMIT"], key_func=_pdf_key)
