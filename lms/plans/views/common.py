"""What the plan's pages share: the plan's address, the version a form was opened on, one step
posted from a button (committed, or refused with the reason)."""

from flask import abort, flash, redirect, request, url_for

from lms.plans.forms import PlanActionForm
from lms.requests import whole_number
from lms.rules import attempt


def plan_url(cycle, anchor: str | None = None) -> str:
    return url_for(".show", be_year=cycle.be_year, _anchor=anchor)


def version_of(form=None) -> int | None:
    raw = (form.version.data if form is not None else request.form.get("version")) or ""
    return whole_number(raw)


def plan_action(cycle, action, success_message):
    """A step posted from a button: `action(version)` committed and `success_message(result)`
    flashed, or the reason it was refused; back to the plan either way."""
    form = PlanActionForm()
    if not form.validate_on_submit():
        abort(400)
    done = attempt(lambda: action(form.version_number()))
    if done.ok:
        flash(success_message(done.result), "success")
    else:
        flash(done.message, "error")
    return redirect(plan_url(cycle))
