"""Forms for log-in, profile and password."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Optional, ValidationError

from lms.auth.services import MIN_PASSWORD_LENGTH, password_problem


def _identifier_field() -> StringField:
    """Who one is: e-mail or employee number (log-in, a code, forgot my password)."""
    return StringField(
        _l("E-mail or employee number"),
        validators=[
            DataRequired(_l("Please enter your e-mail or employee number.")),
            Length(max=255),
        ],
    )


def _new_password_field():
    return PasswordField(
        _l("New password"),
        validators=[DataRequired(_l("Please enter a new password."))],
        description=_l(
            "At least %(num)d characters, not easy to guess: three or four words that do not "
            "belong together work well.",
            num=MIN_PASSWORD_LENGTH,
        ),
    )


class LoginForm(FlaskForm):
    identifier = _identifier_field()
    password = PasswordField(
        _l("Password"), validators=[DataRequired(_l("Please enter your password."))]
    )
    remember = BooleanField(_l("Keep me logged in on this computer"))


class ProfileForm(FlaskForm):
    display_name = StringField(
        _l("Display name"),
        validators=[Optional(), Length(max=120, message=_l("Please use at most 120 characters."))],
        description=_l("How your name appears on screen. Leave empty to use your official name."),
    )
    locale = SelectField(
        _l("Language"),
        choices=[SelectChoice("th", "ไทย"), SelectChoice("en", "English")],
    )


class PasswordForm(FlaskForm):
    current = PasswordField(
        _l("Current password"), validators=[DataRequired(_l("Please enter your current password."))]
    )
    new = _new_password_field()
    confirm = PasswordField(
        _l("New password again"),
        validators=[
            DataRequired(_l("Please type the new password again.")),
            EqualTo("new", message=_l("The two new passwords are not the same.")),
        ],
    )

    def validate_new(self, field):
        if field.data and field.data == self.current.data:
            raise ValidationError(_l("The new password must differ from the current one."))
        problem = password_problem(field.data, hints=self.hints)
        if problem:
            raise ValidationError(problem)

    hints: tuple[str, ...] = ()  # the person's own words; the view sets them


class SetPasswordForm(FlaskForm):
    """A first password (an invitation) or a new one (a reset), from a link."""

    new = _new_password_field()
    confirm = PasswordField(
        _l("New password again"),
        validators=[DataRequired(_l("Please type the new password again."))],
    )


class CodeForm(SetPasswordForm):
    """The same from a printed one-time code: who one is, and the code."""

    identifier = _identifier_field()
    code = StringField(
        _l("One-time code"),
        validators=[DataRequired(_l("Please type the code from your sheet.")), Length(max=40)],
        description=_l("12 letters and digits, as printed, e.g. ABCD-EFGH-JKMN"),
    )


class ForgotForm(FlaskForm):
    identifier = _identifier_field()
