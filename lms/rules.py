"""RuleError: a business rule refused an action, and how a view shows that on its form;
Action: a step a person may take next, or why not (pages and the API render from these)."""

from dataclasses import dataclass, field


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
