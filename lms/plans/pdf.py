"""The IDP as a print-ready PDF form in Thai (WeasyPrint, Sarabun), ready for signature."""

import secrets
from pathlib import Path

from flask import current_app, make_response, render_template
from flask_babel import force_locale
from flask_login import current_user
from weasyprint import HTML

from lms.audit import audit
from lms.clock import today
from lms.extensions import db, limiter
from lms.fonts import FONT_DIR
from lms.learning import planned_balance
from lms.models import ActivityKind, Person, Plan
from lms.permissions import review_route


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


def cached_plan_pdf(plan: Plan) -> bytes:
    """The plan's PDF, made once per version of the plan (and day, which it prints): kept in
    PDF_CACHE_DIR; earlier copies of the same plan are removed when a new one is made."""
    folder = Path(current_app.config["PDF_CACHE_DIR"])
    stamp = today().isoformat()
    path = folder / f"plan-{plan.id}-v{plan.version}-{stamp}.pdf"
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
    """The PDF as a download; a copy made by someone else than the owner is audited."""
    response = make_response(cached_plan_pdf(plan))
    response.headers["Content-Type"] = "application/pdf"
    filename = f"IDP-{plan.person.employee_no}-FY{plan.cycle.be_year}.pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    if by is not None and by.id != plan.person_id:
        audit("export_plan_pdf", by, plan)
        db.session.commit()
    return response


def _pdf_key() -> str:
    return f"pdf:{current_user.id}"


# On every PDF page, after login_required: a person makes a few PDFs a minute, so one cannot
# keep the workers busy for everyone else.
pdf_rate_limit = limiter.limit(lambda: current_app.config["PDF_RATE_LIMIT"], key_func=_pdf_key)
