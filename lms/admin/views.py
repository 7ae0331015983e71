"""Administration pages, thin over the features' services:
- the year: every cycle with its status and dates, a new one, its deadlines, opening and closing
  it (administrators and HR of a top unit change them; every HR officer may look);
- accounts: a person's invitation or password reset, and inviting everyone of a unit who has
  no account yet (administrators, and HR whose subtree holds them);
- reporting lines that need HR (a supervisor who left or is missing, a top nobody covers)."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import func, select

from lms import permissions
from lms.admin import bp
from lms.admin.forms import DeadlinesForm, NewCycleForm
from lms.auth.accounts import (
    invite_unit,
    issue,
    open_ways_for,
    pretty_code,
    without_account_query,
)
from lms.clock import today
from lms.cycles import (
    change_deadlines,
    close_cycle,
    cycle_or_404,
    default_deadlines,
    fiscal_be_year,
    fiscal_year_bounds,
    new_cycle,
    open_for_people,
)
from lms.extensions import db
from lms.forms import ActionForm, options
from lms.i18n import current_locale
from lms.models import Cycle, Framework, Plan, SelfAssessment
from lms.people.lines import SHOWN, lines_needing_hr
from lms.people.lookups import visible_person_or_404
from lms.people.org import unit_by_code
from lms.requests import whole_number
from lms.rules import attempt

INVALID = _l("Please check the highlighted answers. Nothing was saved yet.")


def _may_look() -> None:
    if not permissions.sees_the_year(current_user):
        abort(404)


def _may_change() -> None:
    if not permissions.runs_the_year(current_user):
        abort(404 if not permissions.sees_the_year(current_user) else 403)


@bp.route("/cycles")
@login_required
def cycles():
    """Every fiscal year, newest first, with how far people are in it."""
    _may_look()
    years = db.session.scalars(select(Cycle).order_by(Cycle.be_year.desc())).all()
    assessed = dict(
        db.session.execute(
            select(SelfAssessment.cycle_id, func.count())
            .where(SelfAssessment.submitted_at.is_not(None))
            .group_by(SelfAssessment.cycle_id)
        ).all()
    )
    plans = dict(
        db.session.execute(select(Plan.cycle_id, func.count()).group_by(Plan.cycle_id)).all()
    )
    return render_template(
        "admin/cycles.html",
        cycles=years,
        assessed=assessed,
        plans=plans,
        can_change=permissions.runs_the_year(current_user),
        can_invite=any(
            permissions.invites_in(current_user, u) for u in permissions.report_roots(current_user)
        ),
        next_year=_next_year(years),
        today=today(),
    )


def _next_year(years) -> int:
    """The fiscal year a new cycle is most likely for: after the latest, or this one."""
    latest = max((c.be_year for c in years), default=None)
    return latest + 1 if latest else fiscal_be_year(today())


def _framework_choices(form: NewCycleForm) -> None:
    locale = current_locale()
    frameworks = db.session.scalars(select(Framework).order_by(Framework.id.desc())).all()
    form.framework_id.choices = options((f.id, f.name(locale)) for f in frameworks)
    if form.framework_id.data is None and frameworks:
        form.framework_id.data = frameworks[0].id


@bp.route("/cycles/new", methods=["GET", "POST"])
@login_required
def new():
    """A new fiscal year: planned until it is opened; the usual deadlines filled in."""
    _may_change()
    if request.method == "GET":
        year = whole_number(request.args.get("year")) or _next_year(
            db.session.scalars(select(Cycle)).all()
        )
        form = NewCycleForm(be_year=str(year), **default_deadlines(year))
    else:
        form = NewCycleForm()
    _framework_choices(form)
    error, status = None, 200
    if form.validate_on_submit():
        framework = (
            db.session.get(Framework, form.framework_id.data) if form.framework_id.data else None
        )
        done = attempt(
            lambda: new_cycle(
                whole_number(form.be_year.data), framework, form.deadlines(), by=current_user
            ),
            form,
        )
        if done.ok:
            flash(
                _(
                    "Fiscal year %(year)d is ready, not yet open. Check its dates, then open it "
                    "for people.",
                    year=done.result.be_year,
                ),
                "success",
            )
            return redirect(url_for(".cycle", be_year=done.result.be_year))
        error, status = done.message, 422
    elif request.method == "POST":
        error, status = str(INVALID), 422
    year = whole_number(form.be_year.data)
    bounds = fiscal_year_bounds(year) if year and 2400 < year < 2800 else None
    return render_template("admin/cycle_new.html", form=form, error=error, bounds=bounds), status


@bp.route("/cycles/<int:be_year>", methods=["GET", "POST"])
@login_required
def cycle(be_year: int):
    """One fiscal year: its deadlines (editable until it closes), opening and closing it."""
    _may_look()
    year = cycle_or_404(be_year)
    form = DeadlinesForm(obj=year) if request.method == "GET" else DeadlinesForm()
    error, status = None, 200
    if request.method == "POST":
        _may_change()
        if form.validate_on_submit():
            done = attempt(lambda: change_deadlines(year, form.deadlines(), by=current_user), form)
            if done.ok:
                flash(_("The dates of fiscal year %(year)d are saved.", year=be_year), "success")
                return redirect(url_for(".cycle", be_year=be_year))
            error, status = done.message, 422
        else:
            error, status = str(INVALID), 422
    return (
        render_template(
            "admin/cycle.html",
            cycle=year,
            form=form,
            action=ActionForm(),
            error=error,
            can_change=permissions.runs_the_year(current_user),
            ended=year.ends_on < today(),
        ),
        status,
    )


def _year_step(be_year: int, step, said: str):
    """Open or close fiscal year `be_year` (`step` is the service), then back to its page."""
    _may_change()
    year = cycle_or_404(be_year)
    if not ActionForm().validate_on_submit():
        abort(400)
    done = attempt(lambda: step(year, by=current_user))
    flash(said if done.ok else done.message, "success" if done.ok else "error")
    return redirect(url_for(".cycle", be_year=be_year))


@bp.route("/cycles/<int:be_year>/open", methods=["POST"])
@login_required
def open_year(be_year: int):
    return _year_step(
        be_year,
        open_for_people,
        _(
            "Fiscal year %(year)d is open: people see it on their home page and can start "
            "their self-assessment.",
            year=be_year,
        ),
    )


@bp.route("/cycles/<int:be_year>/close", methods=["POST"])
@login_required
def close_year(be_year: int):
    return _year_step(
        be_year,
        close_cycle,
        _(
            "Fiscal year %(year)d is closed: its self-assessments, plans and learning log "
            "no longer change, and its reports stay as they are.",
            year=be_year,
        ),
    )


# -- a person's account: invite, reset ------------------------------------------------------


def _account_holder(employee_no: str):
    person = visible_person_or_404(current_user, employee_no)
    if not permissions.manages_account_of(current_user, person):
        abort(404)
    return person


@bp.route("/people/<employee_no>/account", methods=["GET", "POST"])
@login_required
def account(employee_no: str):
    """HR gives a person a way in: an invitation (no password yet) or a password reset, as an
    e-mailed link or a printed one-time code; the secret is shown on this answer only."""
    person = _account_holder(employee_no)
    purpose = "reset" if person.password_hash else "invite"
    if request.method == "POST":
        if not ActionForm().validate_on_submit():
            abort(400)
        kind = request.form.get("kind")
        if kind not in ("link", "code"):
            abort(400)
        done = attempt(lambda: issue(person, purpose, by=current_user, kind=kind))
        if not done.ok:
            flash(done.message, "error")
            return redirect(url_for(".account", employee_no=employee_no))
        issued = done.result
        base = current_app.config["BASE_URL"].rstrip("/")
        return render_template(
            "admin/account_issued.html",
            person=person,
            issued=issued,
            link=f"{base}/account/{issued.secret}" if kind == "link" else None,
            code=pretty_code(issued.secret) if kind == "code" else None,
            code_page=f"{base}/account/code",
        )
    return render_template(
        "admin/account.html",
        person=person,
        purpose=purpose,
        action=ActionForm(),
        mail_on=current_app.config.get("MAIL_BACKEND", "none") != "none",
        open_ways=open_ways_for(person),
    )


# -- everyone in a unit without an account -----------------------------------------------------


def _invitation_units():
    """The units whose people the reader may invite: every top unit for an administrator,
    their HR subtrees for HR (404 for anyone else)."""
    units = [
        u for u in permissions.report_roots(current_user) if permissions.invites_in(current_user, u)
    ]
    if not units:
        abort(404)
    return units


@bp.route("/invitations", methods=["GET", "POST"])
@login_required
def invitations():
    """Invite everyone imported without an account in a unit: links by e-mail where possible,
    one-time codes to print for the others, MAX_BULK_INVITES at a time."""
    units = _invitation_units()
    if request.method == "POST":
        if not ActionForm().validate_on_submit():
            abort(400)
        unit = unit_by_code((request.form.get("unit") or "").strip())
        if unit is None or not permissions.invites_in(current_user, unit):
            flash(_("No unit of yours has this code."), "error")
            return redirect(url_for(".invitations"))
        done = attempt(lambda: invite_unit(unit, by=current_user))
        if not done.ok:
            flash(done.message, "error")
            return redirect(url_for(".invitations"))
        return render_template(
            "admin/invitations_done.html",
            unit=unit,
            result=done.result,
            action=ActionForm(),
            code_page=current_app.config["BASE_URL"].rstrip("/") + "/account/code",
        )
    waiting = {
        u.id: db.session.scalar(
            select(func.count()).select_from(without_account_query(u).subquery())
        )
        for u in units
    }
    return render_template(
        "admin/invitations.html", units=units, waiting=waiting, action=ActionForm()
    )


@bp.route("/lines")
@login_required
def lines():
    """Reporting lines that need HR, in the reader's units: fix each from the person's page."""
    found = lines_needing_hr(current_user)
    if found is None:
        abort(404)
    return render_template("admin/lines.html", lines=found, shown=SHOWN)
