"""RuleError: a business rule refused an action, and how a view shows that on its form;
Action: a step a person may take next, or why not (pages and the API render from these)."""

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.exc import StaleDataError

from lms.extensions import db

CHANGED_MEANWHILE = _l(
    "This was changed in another window or by a second click a moment ago. The first change "
    "is saved; please look at the page again before changing more."
)


class RuleError(ValueError):
    """Raised by services; `message` (lazy, translated when shown) says why, and
    `field_errors` maps form field names to what is wrong with each."""

    def __init__(self, message, field_errors: dict[str, object] | None = None):
        super().__init__(message)
        self.message = message
        self.field_errors = field_errors or {}


def show_on_form(form, error: RuleError) -> str:
    """Put the rule's field errors next to the fields; return the summary message."""
    for name, message in error.field_errors.items():
        if name in form:
            form[name].errors = [*form[name].errors, str(message)]
    return str(error.message)


class ChangedMeanwhile(RuleError):
    """Two saves of one row at once (two reviewers, a double-click): the first one won."""

    def __init__(self, message=CHANGED_MEANWHILE):
        super().__init__(message)


@dataclass
class Action:
    """One step a person may take next: `allowed`, or `reason` says why not. `missing` lists
    what is still lacking (a plan's goals); `needs_reason` marks a step that asks the actor to
    say why (finishing the year-end evaluation before its period)."""

    name: str
    allowed: bool = False
    reason: object | None = None  # a (lazy) message
    missing: list = field(default_factory=list)
    needs_reason: bool = False

    def __bool__(self) -> bool:
        return self.allowed


@dataclass
class Attempt:
    """How a change asked for on a page went: `result` when it was saved, or the `refusal`
    (a RuleError) and its `message` for the page, after the transaction was rolled back."""

    result: object = None
    refusal: RuleError | None = None
    message: str | None = None

    @property
    def ok(self) -> bool:
        return self.refusal is None


def attempt(action, form=None, *, raced: bool = False) -> Attempt:
    """Run `action()` and commit the request's one transaction. When a rule refuses it, roll
    back and say why, with the field errors put beside `form`'s fields, so the page can show
    the form again with what the person typed. `raced`: a write that lost a race with another
    transaction (StaleDataError) is a ChangedMeanwhile refusal the view explains (who won);
    otherwise the app's conflict handler sends the person back to the page."""
    try:
        try:
            result = action()
            db.session.commit()
        except StaleDataError as lost:
            if not raced:
                raise
            raise ChangedMeanwhile() from lost
    except RuleError as refusal:
        db.session.rollback()
        message = show_on_form(form, refusal) if form is not None else str(refusal.message)
        return Attempt(refusal=refusal, message=message)
    return Attempt(result=result)
