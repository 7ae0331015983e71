"""RuleError: a business rule refused an action, and how a view shows that on its form."""


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
