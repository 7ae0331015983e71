"""The IDP as a print-ready PDF form in Thai (WeasyPrint, Sarabun), ready for signature."""

from datetime import datetime

from flask import make_response, render_template
from weasyprint import HTML

from lms.auth.services import audit
from lms.charts import FONT_DIR
from lms.extensions import db
from lms.i18n import BANGKOK
from lms.models import ActivityKind, Plan
from lms.plans.services import planned_balance


def render_plan_pdf(plan: Plan) -> bytes:
    """The plan as PDF bytes."""
    kinds = {k.id: k for k in db.session.scalars(db.select(ActivityKind))}
    html = render_template(
        "plans/pdf.html",
        plan=plan,
        person=plan.person,
        cycle=plan.cycle,
        balance=planned_balance(plan),
        kinds=kinds,
        font_dir=FONT_DIR.as_uri(),
        printed=datetime.now(BANGKOK).date(),
    )
    return HTML(string=html).write_pdf()


def plan_pdf_response(plan: Plan, by=None):
    response = make_response(render_plan_pdf(plan))
    response.headers["Content-Type"] = "application/pdf"
    filename = f"IDP-{plan.person.employee_no}-FY{plan.cycle.be_year}.pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    if by is not None and by.id != plan.person_id:
        audit("export_plan_pdf", by, plan)
        db.session.commit()
    return response
