"""The IDP as a print-ready PDF form in Thai (WeasyPrint, Sarabun), ready for signature."""

from flask import make_response, render_template
from flask_babel import force_locale
from weasyprint import HTML

from lms.audit import audit
from lms.clock import today
from lms.extensions import db
from lms.fonts import FONT_DIR
from lms.learning import planned_balance
from lms.models import ActivityKind, Person, Plan


def render_plan_pdf(plan: Plan) -> bytes:
    """The plan as PDF bytes (a Thai form, whatever the reader's language)."""
    kinds = {k.id: k for k in db.session.scalars(db.select(ActivityKind))}
    with force_locale("th"):
        html = render_template(
            "plans/pdf.html",
            plan=plan,
            person=plan.person,
            cycle=plan.cycle,
            balance=planned_balance(plan),
            kinds=kinds,
            font_dir=FONT_DIR.as_uri(),
            printed=today(),
        )
    return HTML(string=html).write_pdf()


def plan_pdf_response(plan: Plan, by: Person | None = None):
    """The PDF as a download; a copy made by someone else than the owner is audited."""
    response = make_response(render_plan_pdf(plan))
    response.headers["Content-Type"] = "application/pdf"
    filename = f"IDP-{plan.person.employee_no}-FY{plan.cycle.be_year}.pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    if by is not None and by.id != plan.person_id:
        audit("export_plan_pdf", by, plan)
        db.session.commit()
    return response
