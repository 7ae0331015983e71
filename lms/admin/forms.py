"""The forms of the administration pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField

from lms.forms import date_field, id_select


class DeadlinesForm(FlaskForm):
    """A cycle's deadlines, in the order the year runs."""

    assessment_due = date_field(_l("Self-assessment due"))
    idp_due = date_field(_l("Development plan (IDP) due"))
    review_due = date_field(_l("Supervisors' review due"))
    evaluation_opens = date_field(
        _l("Year-end evaluation opens (optional)"),
        description=_l(
            "Empty: the first day of the year's last two months. Day/month/year in the Buddhist "
            "Era, e.g. 1/8/2570"
        ),
    )
    evaluation_due = date_field(_l("Year-end evaluation due"))

    def deadlines(self) -> dict:
        return {
            name: self[name].data
            for name in (
                "assessment_due",
                "idp_due",
                "review_due",
                "evaluation_opens",
                "evaluation_due",
            )
        }


class NewCycleForm(DeadlinesForm):
    be_year = StringField(
        _l("Fiscal year (Buddhist Era)"),
        description=_l("The year it ends in: 2570 runs from 1 Oct 2569 to 30 Sep 2570."),
        render_kw={"inputmode": "numeric"},
    )
    framework_id = id_select(_l("Skill framework"))
