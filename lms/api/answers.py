"""How the API says what the services said: a rule's refusal as 422 (with the fields it
names) or 409 (the state does not allow it), and a workflow step as allowed or why not."""

from flask_smorest import abort

from lms.rules import Action, RuleError


def refuse(problem: RuleError, renamed: dict[str, str] | None = None):
    """Abort with the refusal: 422 and the fields it names (under the API's names where a
    service uses its form's, `renamed`), else 409."""
    renamed = renamed or {}
    fields = {renamed.get(name, name): [str(m)] for name, m in problem.field_errors.items()}
    abort(422 if fields else 409, message=str(problem.message), errors=fields)


def action_out(action: Action) -> dict:
    return {
        "allowed": bool(action),
        "reason": None if action else str(action.reason or "") or None,
    }
