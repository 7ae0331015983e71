"""The forms of the administration pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, RadioField, SelectField, SelectMultipleField, StringField
from wtforms.validators import Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from lms.forms import date_field, id_select, options

SIGN_IN_CHOICES = [
    ("", _l("As their unit says")),
    ("both", _l("The directory or a Thaksa password")),
    ("directory", _l("The directory only")),
    ("local", _l("A Thaksa password only")),
]


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


class ImportForm(FlaskForm):
    """A file of units or people from the HR system, or of courses for the catalogue."""

    what = RadioField(
        _l("What the file holds"),
        choices=options(
            [
                ("units", _l("Units")),
                ("people", _l("People")),
                ("courses", _l("Courses")),
                ("completions", _l("Courses people completed (a provider's export)")),
            ]
        ),
        default="people",
    )
    file = FileField(_l("The file (CSV or Excel .xlsx)"))
    sheet = StringField(
        _l("Sheet (Excel only, optional)"),
        description=_l("Empty: the first sheet of the workbook."),
    )
    encoding = SelectField(
        _l("Encoding (CSV only)"),
        choices=options(
            [
                ("", _l("Detect it for me")),
                ("utf-8", _l("UTF-8 (Excel: 'CSV UTF-8')")),
                ("cp874", _l("Thai Windows / TIS-620 (Excel: 'CSV')")),
            ]
        ),
        default="",
    )
    deactivate_missing = BooleanField(
        _l("This is everyone: deactivate people of my units who are not in the file"),
        description=_l("They can no longer log in; nothing of theirs is deleted."),
    )


class PersonForm(FlaskForm):
    """A person's record, as HR keeps it (the columns of the people file)."""

    employee_no = StringField(_l("Employee number"))
    name_th = StringField(
        _l("Name in Thai"), description=_l("With the title, e.g. นางสาวศิริพร แสงทอง")
    )
    name_en = StringField(_l("Name in English (optional)"))
    email = StringField(
        _l("E-mail (optional)"),
        description=_l("Without one, the person gets a printed one-time code to set a password."),
    )
    position_th = StringField(_l("Position (optional)"))
    role_group = SelectField(_l("Role group"), choices=[], validate_choice=False)
    unit = StringField(
        _l("Unit"), description=_l("The unit code; type a few letters of its name to choose it.")
    )
    supervisor = StringField(
        _l("Supervisor (optional)"),
        description=_l(
            "Type a few letters of their name (tone marks do not matter) or their employee number."
        ),
    )
    roles = SelectMultipleField(
        _l("Roles besides staff"),
        choices=options(
            [
                ("supervisor", _l("Supervisor")),
                ("hr", _l("HR")),
                ("executive", _l("Executive")),
                ("admin", _l("Administrator")),
            ]
        ),
        validate_choice=False,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    scope = StringField(
        _l("Unit covered (HR and executive)"),
        description=_l("They see this unit and everything below it."),
    )
    sign_in = SelectField(
        _l("Signs in with"),
        choices=options(SIGN_IN_CHOICES),
        default="",
        description=_l(
            "The organisation's directory (or single sign-on), a Thaksa password, or either."
        ),
    )
    effective_on = date_field(
        _l("From (a move or a new role group)"),
        description=_l("Empty: today. Day/month/year in the Buddhist Era, e.g. 1/4/2570"),
    )

    def values(self) -> dict:
        """The answers as a row of the people file."""
        day = self.effective_on.data
        return {
            "employee_no": self.employee_no.data or "",
            "email": self.email.data or "",
            "name_th": self.name_th.data or "",
            "name_en": self.name_en.data or "",
            "position_th": self.position_th.data or "",
            "role_group": self.role_group.data or "",
            "unit_code": (self.unit.data or "").split(" ")[0],
            "supervisor_employee_no": self.supervisor.data or "",
            "roles": ";".join(self.roles.data or []),
            "scope_unit_code": (self.scope.data or "").split(" ")[0],
            "effective_on": day.isoformat() if day else "",
            "sign_in": self.sign_in.data or "",
        }


class UnitSignInForm(FlaskForm):
    unit = StringField(_l("Unit code"))
    sign_in = SelectField(
        _l("Its people sign in with"), choices=options(SIGN_IN_CHOICES), default=""
    )
    creates = BooleanField(
        _l("Add people the directory knows when they first sign in"),
        description=_l(
            "For someone whose directory entry names this unit (or one below it) but who is not "
            "in Thaksa yet: they are added to that unit, and HR completes their record."
        ),
    )


class DeactivateForm(FlaskForm):
    deactivated_on = date_field(
        _l("From (the first day they are gone)"),
        description=_l("Empty: today. Day/month/year in the Buddhist Era, e.g. 1/4/2570"),
    )


class FrameworkFileForm(FlaskForm):
    """A framework from a file: Moodle's competency-framework CSV, or a content file."""

    file = FileField(_l("The file (Moodle CSV or Excel .xlsx, or a Thaksa framework .yaml)"))
    code = StringField(
        _l("Code of the new framework (optional)"),
        description=_l("Empty: the ID number the file gives the framework."),
        validators=[Optional(), Length(max=40)],
    )
