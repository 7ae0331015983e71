"""Administration pages, thin over the features' services:
- the year: every cycle with its status and dates, a new one, its deadlines, opening and closing
  it (administrators and HR of a top unit change them; every HR officer may look);
- accounts: a person's invitation or password reset, and inviting everyone of a unit who has
  no account yet (administrators, and HR whose subtree holds them);
- reporting lines that need HR (a supervisor who left or is missing, a top nobody covers)."""

from decimal import Decimal, InvalidOperation

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from lms import permissions
from lms.admin import bp
from lms.admin.audit_log import (
    action_label,
    actions_logged,
    log_csv,
    log_page,
    read_filter,
    reads_audit_log,
    scoped,
)
from lms.admin.forms import (
    DeactivateForm,
    DeadlinesForm,
    FrameworkFileForm,
    ImportForm,
    NewCycleForm,
    PersonForm,
    UnitSignInForm,
)
from lms.admin.health import health_report
from lms.audit import audit
from lms.auth import directory, sso
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
    change_targets,
    close_cycle,
    cycle_or_404,
    default_deadlines,
    fiscal_be_year,
    fiscal_year_bounds,
    new_cycle,
    open_cycle,
    open_for_people,
    target_table,
    targets_version,
)
from lms.exchange import Outcome
from lms.exchange import tasks as _tasks  # noqa: F401 - registers the import task with lms.jobs
from lms.exchange.common import ImportRefused, may_import
from lms.exchange.completions import COLUMNS as COMPLETION_COLUMNS
from lms.exchange.courses import COLUMNS as COURSE_COLUMNS
from lms.exchange.frameworks import import_framework, moodle_csv, read_framework_file
from lms.exchange.jobs import (
    APPLY,
    confirm,
    problems_csv,
    result_of,
    run_import,
    runs_inline,
    start_import,
)
from lms.exchange.jobs import KIND as IMPORT_KIND
from lms.exchange.people import COLUMNS as PEOPLE_COLUMNS
from lms.exchange.reading import FileRefused
from lms.exchange.units import COLUMNS as UNIT_COLUMNS
from lms.extensions import db
from lms.forms import ActionForm, options
from lms.i18n import current_locale, format_be_date
from lms.jobs import job_of, queue
from lms.models import (
    Course,
    Cycle,
    Framework,
    FrameworkTarget,
    Job,
    Plan,
    PlanTemplate,
    RoleGroup,
    SelfAssessment,
    SkillArea,
    Track,
    Unit,
)
from lms.people.directory import chosen, count_matching
from lms.people.lines import SHOWN, lines_needing_hr
from lms.people.lookups import visible_person_or_404
from lms.people.org import unit_by_code
from lms.people.personal_data import anonymise as anonymise_person
from lms.people.personal_data import is_anonymous, remove_files
from lms.people.records import (
    deactivate_person,
    reactivate_person,
    record_of,
    save_person,
    set_unit_sign_in,
)
from lms.plans.templates import (
    APPLY_KIND,
    INLINE_PEOPLE,
    TemplateError,
    add_template_activity,
    add_template_goal,
    apply_result,
    check_apply,
    delete_template,
    delete_template_activity,
    delete_template_goal,
    hr_units,
    keeps_templates,
    may_keep,
    people_for,
    run_apply,
    save_template,
    start_apply,
    visible_templates,
)
from lms.plans.templates import EDITABLE as TEMPLATE_EDITABLE
from lms.reports.tasks import rebuilt_later
from lms.requests import whole_number
from lms.rules import attempt
from lms.vocab import Role

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
        can_import=may_import(current_user),
        reads_audit_log=reads_audit_log(current_user),
        keeps_templates=keeps_templates(current_user),
        is_admin=permissions.is_admin(current_user),
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


# -- a year's targets ---------------------------------------------------------------------------


@bp.route("/cycles/<int:be_year>/targets")
@login_required
def targets(be_year: int):
    """What the year asks of each role group: the target per skill area, beside the
    framework's default, how sure that default is, and HR's reason where they differ."""
    _may_look()
    year = cycle_or_404(be_year)
    table = target_table(year)
    groups = db.session.scalars(select(RoleGroup).order_by(RoleGroup.position)).all()
    return render_template(
        "admin/targets.html",
        cycle=year,
        groups=groups,
        table=table,
        areas=[cell.area for cell in next(iter(table.values()), [])],
        departures=[(g, cell) for g in groups for cell in table[g.id] if cell.departs],
        can_change=permissions.runs_the_year(current_user) and not year.is_closed,
    )


@bp.route("/cycles/<int:be_year>/targets/<group_code>", methods=["GET", "POST"])
@login_required
def group_targets(be_year: int, group_code: str):
    """One role group's targets in a year, one skill area a row: the level (or "does not
    apply"), and the reason where it departs from the framework's default. Saving marks the
    year's reports for a recount (a queued task), so they follow within moments."""
    _may_look()
    year = cycle_or_404(be_year)
    group = db.first_or_404(select(RoleGroup).where(RoleGroup.code == group_code))
    cells = target_table(year)[group.id]
    form = ActionForm()
    error, status = None, 200
    typed = {c.area.code: (c.level, c.reason or "") for c in cells}
    if request.method == "POST":
        _may_change()
        levels, reasons, unreadable = _typed_targets(cells)
        typed = {
            c.area.code: (levels.get(c.area.code, c.level), reasons.get(c.area.code, ""))
            for c in cells
        }
        if not form.validate_on_submit():
            abort(400)
        if unreadable:
            error, status, problems = str(INVALID), 422, unreadable
        else:
            with rebuilt_later(db.session):
                done = attempt(
                    lambda: change_targets(
                        year,
                        group,
                        levels,
                        reasons,
                        version=request.form.get("version"),
                        by=current_user,
                    )
                )
            if done.ok:
                flash(
                    _(
                        "The targets of %(group)s are saved. The reports of fiscal year "
                        "%(year)d are being recounted and show them within moments.",
                        group=group.name(current_locale()),
                        year=be_year,
                    )
                    if done.result
                    else _("Nothing changed."),
                    "success",
                )
                return redirect(url_for(".targets", be_year=be_year))
            error, status, problems = done.message, 422, done.refusal.field_errors
            # changed by someone else meanwhile: what they saved shows beside what was typed
            cells = target_table(year)[group.id]
    else:
        problems = {}
    return (
        render_template(
            "admin/targets_group.html",
            cycle=year,
            group=group,
            cells=cells,
            typed=typed,
            scale=year.framework.scale,
            version=targets_version(cells),
            form=form,
            error=error,
            problems={k: str(v) for k, v in problems.items()},
            can_change=permissions.runs_the_year(current_user) and not year.is_closed,
        ),
        status,
    )


def _typed_targets(cells) -> tuple[dict, dict, dict]:
    """The levels and reasons the form sent, by area code, and the fields it sent unreadable
    ("does not apply" is an empty level)."""
    levels, reasons, unreadable = {}, {}, {}
    for cell in cells:
        code = cell.area.code
        text = request.form.get(f"level-{code}")
        if text is None:
            continue
        if text == "":
            levels[code] = None
        elif text.isascii() and text.isdigit() and len(text) < 3:
            levels[code] = int(text)
        else:
            unreadable[f"level-{code}"] = _l('Choose a level of the scale, or "does not apply".')
        reasons[code] = request.form.get(f"reason-{code}", "")
    return levels, reasons, unreadable


# -- frameworks ------------------------------------------------------------------------------


@bp.route("/frameworks", methods=["GET", "POST"])
@login_required
def frameworks():
    """Every framework with its size and the years that use it; adding one from a file
    (Moodle's competency-framework CSV, or a content file), checked whole before it is written."""
    _may_look()
    form = FrameworkFileForm()
    problems, error, status = [], None, 200
    if request.method == "POST":
        _may_change()
        if not form.validate_on_submit():
            error, status = str(INVALID), 422
        else:
            upload = form.file.data
            data = upload.read() if upload else b""
            if not data:
                form.file.errors.append(_("Please choose the file to import."))
                error, status = str(INVALID), 422
            else:
                try:
                    read = read_framework_file(data, upload.filename or "")
                    added = import_framework(read, code=form.code.data, by=current_user)
                except FileRefused as refused:
                    form.file.errors.append(str(refused.message))
                    error, status = str(INVALID), 422
                except ImportRefused as refused:
                    db.session.rollback()
                    problems, error, status = refused.problems, str(refused.message), 422
                else:
                    db.session.commit()
                    flash(
                        _(
                            "Framework %(code)s is added: %(areas)d skill areas and "
                            "%(subs)d sub-skills. A new fiscal year can now use it.",
                            code=added.code,
                            areas=read.areas,
                            subs=read.sub_skills,
                        ),
                        "success",
                    )
                    for notice in read.notices:
                        flash(str(notice), "info")
                    return redirect(url_for(".framework", code=added.code))
    rows = db.session.execute(
        select(
            Framework,
            select(func.count(SkillArea.id))
            .where(SkillArea.framework_id == Framework.id)
            .scalar_subquery(),
        ).order_by(Framework.is_default.desc(), Framework.code)
    ).all()
    years = {}
    for code, be_year in db.session.execute(
        select(Framework.code, Cycle.be_year)
        .join(Cycle, Cycle.framework_id == Framework.id)
        .order_by(Cycle.be_year)
    ):
        years.setdefault(code, []).append(be_year)
    return (
        render_template(
            "admin/frameworks.html",
            rows=rows,
            years=years,
            form=form,
            problems=problems,
            error=error,
            can_change=permissions.runs_the_year(current_user),
        ),
        status,
    )


@bp.route("/frameworks/<code>")
@login_required
def framework(code: str):
    """A framework whole: its skill areas with their sub-skills, the scale, and the default
    target of each role group with how sure it is."""
    _may_look()
    shown = db.first_or_404(
        select(Framework)
        .where(Framework.code == code)
        .options(
            selectinload(Framework.areas).selectinload(SkillArea.sub_skills),
            selectinload(Framework.scale),
        )
    )
    groups = db.session.scalars(select(RoleGroup).order_by(RoleGroup.position)).all()
    defaults = {
        (t.role_group_id, t.area_id): t
        for t in db.session.scalars(
            select(FrameworkTarget).where(FrameworkTarget.framework_id == shown.id)
        )
    }
    return render_template(
        "admin/framework.html",
        framework=shown,
        groups=groups,
        defaults=defaults,
        years=db.session.scalars(
            select(Cycle.be_year).where(Cycle.framework_id == shown.id).order_by(Cycle.be_year)
        ).all(),
    )


@bp.route("/frameworks/<code>/moodle.csv")
@login_required
def framework_csv(code: str):
    """The framework as Moodle's competency-framework CSV, for Moodle's import tool."""
    _may_look()
    shown = db.first_or_404(select(Framework).where(Framework.code == code))
    audit("export_framework", current_user, shown, framework=shown.code)
    db.session.commit()
    return Response(
        moodle_csv(shown),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename=framework-{shown.code}.csv"},
    )


# -- a person's account: invite, reset ------------------------------------------------------


def _managed_person(employee_no: str):
    """A person whose account and record the reader keeps (HR of their unit, administrators;
    never oneself), or 404."""
    person = visible_person_or_404(current_user, employee_no)
    if not permissions.manages_account_of(current_user, person):
        abort(404)
    return person


@bp.route("/people/<employee_no>/account", methods=["GET", "POST"])
@login_required
def account(employee_no: str):
    """HR gives a person a way in: an invitation (no password yet) or a password reset, as an
    e-mailed link or a printed one-time code; the secret is shown on this answer only."""
    person = _managed_person(employee_no)
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


# -- imports of units and people ------------------------------------------------------------

PROBLEMS_SHOWN = 300


def _importer() -> None:
    if not may_import(current_user):
        abort(404)


@bp.route("/imports", methods=["GET", "POST"])
@login_required
def imports():
    """Upload a file of units or people: it is checked row by row, and nothing is written
    before the preview is confirmed."""
    _importer()  # its larger upload limit is set before the CSRF check (lms._larger_uploads)
    form = ImportForm(what=request.args.get("what")) if request.method == "GET" else ImportForm()
    if not permissions.keeps_the_catalogue(current_user):
        form.what.choices = [c for c in form.what.choices if c.value != "courses"]
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read() if upload else b""
        if not data:
            form.file.errors.append(_("Please choose the file to import."))
        else:
            options = {
                "name": (upload.filename or "")[:200],
                "sheet": (form.sheet.data or "").strip()[:100],
                "encoding": form.encoding.data,
                "deactivate_missing": bool(form.deactivate_missing.data)
                and form.what.data == "people",
            }
            job = start_import(current_user, form.what.data, data, options, current_locale())
            db.session.commit()
            _run_or_queue(job)
            return redirect(url_for(".import_job", job_id=job.id))
    elif request.method == "POST" and not form.errors:
        abort(400)
    return render_template(
        "admin/imports.html",
        form=form,
        invalid=INVALID if form.errors else None,
        limit_mb=current_app.config["IMPORT_MAX_MB"],
        columns={"units": UNIT_COLUMNS, "people": PEOPLE_COLUMNS},
        is_admin=permissions.is_admin(current_user),
        keeps_catalogue=permissions.keeps_the_catalogue(current_user),
    )


def _run_or_queue(job) -> None:
    """A small file now (the job page then shows what it found), a larger one in the queue."""
    if not runs_inline(job):
        queue(job)
        return
    try:
        run_import(job.id)
    except Exception:  # the job is marked failed; its page says so and how to go on
        current_app.logger.exception("Import %s failed", job.id)
        db.session.rollback()


def _import_job_or_404(job_id: str):
    _importer()
    job = job_of(current_user, job_id, (IMPORT_KIND,))
    if job is None:
        abort(404)
    return job


@bp.route("/imports/<job_id>", methods=["GET", "POST"])
@login_required
def import_job(job_id: str):
    """An uploaded file: being checked, its problems, its preview with the confirm button,
    being written, or written."""
    job = _import_job_or_404(job_id)
    if request.method == "POST":  # confirmed: write it
        if not ActionForm().validate_on_submit():
            abort(400)
        job = db.session.get(Job, job.id, with_for_update=True)
        if confirm(job):  # twice clicked: the second finds it written or being written
            db.session.commit()
            _run_or_queue(job)
        else:
            db.session.rollback()
        return redirect(url_for(".import_job", job_id=job_id))
    found = result_of(job) if job.status == "done" else None
    outcome = Outcome.from_dict(found["outcome"]) if found and "outcome" in found else None
    return render_template(
        "admin/import_job.html",
        job=job,
        found=found,
        outcome=outcome,
        problems=(found or {}).get("problems", [])[:PROBLEMS_SHOWN],
        action=ActionForm(),
        writing=job.params.get("phase") == APPLY,
    )


@bp.route("/imports/<job_id>/problems.csv")
@login_required
def import_problems(job_id: str):
    """Every problem the file has, to work through in a spreadsheet."""
    job = _import_job_or_404(job_id)
    return Response(
        problems_csv(job),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename=problems-{job.id[:8]}.csv"},
    )


@bp.route("/imports/template-<what>.csv")
@login_required
def import_template(what: str):
    """An empty file with the right columns and one example row."""
    _importer()
    examples = {
        "units": (UNIT_COLUMNS, ["IAO-1", "ส่วนวิเทศสัมพันธ์", "Foreign Relations Section", "IAO"]),
        "people": (
            PEOPLE_COLUMNS,
            [
                "1001",
                "somchai.j@bma.go.th",
                "นายสมชาย ใจดี",
                "Somchai Jaidee",
                "นักวิเทศสัมพันธ์ชำนาญการ",
                "ACAD",
                "IAO-1",
                "1000",
                "staff",
                "",
                "",
            ],
        ),
    }
    examples["courses"] = (
        COURSE_COLUMNS,
        [
            "TDGA",
            "DG-101",
            "การใช้ข้อมูลเพื่อการตัดสินใจ",
            "Data for decisions",
            "https://tdga.dga.or.th/",
            "DLIT;DTECH",
            "2",
            "6",
            "th",
            "T2;T3",
            "ข้อมูล;data",
            "y",
            "",
            "TDGA catalogue, seen 1/12/2569",
            "high",
        ],
    )
    examples["completions"] = (
        COMPLETION_COLUMNS,
        ["1001", "somchai.j@bma.go.th", "TDGA", "DG-101", "", "15/2/2570", "85", "6"],
    )
    if what not in examples:
        abort(404)
    columns, example = examples[what]
    body = "\ufeff" + ",".join(columns) + "\r\n" + ",".join(example) + "\r\n"
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename={what}-template.csv"},
    )


# -- a person's record: add, change, deactivate, reactivate --------------------------------------


def _person_form(form: PersonForm) -> None:
    form.role_group.choices = options(
        (g.code, f"{g.code} · {g.name(current_locale())}")
        for g in db.session.scalars(select(RoleGroup).order_by(RoleGroup.position))
    )
    if not permissions.is_admin(current_user):
        form.roles.choices = [c for c in form.roles.choices if c.value != Role.ADMIN]


def _supervisor_number(form: PersonForm) -> bool:
    """The supervisor typed or picked, as an employee number; False (with the field's error)
    when no single active person fits."""
    text = (form.supervisor.data or "").strip()
    if not text:
        return True
    person = chosen(text)
    if person is None:
        form.supervisor.errors = [
            _("No single active person fits: type more of the name, or pick from the suggestions.")
            if count_matching(text) > 1
            else _("No active person has this name, employee number or e-mail.")
        ]
        return False
    form.supervisor.data = person.employee_no
    return True


def _unit_choices() -> list:
    """The units the reader may place people in, for the unit fields' suggestions."""
    if permissions.is_admin(current_user):
        return list(db.session.scalars(select(Unit).order_by(Unit.path)))
    roots = permissions.scope_units(current_user, roles=(Role.HR,))
    if not roots:
        return []
    return list(
        db.session.scalars(
            select(Unit)
            .where(or_(*(Unit.path.startswith(u.path) for u in roots)))
            .order_by(Unit.path)
        )
    )


def _save_person(form: PersonForm, person=None):
    """Save the form through the people importer's checks; the page again with the problems."""
    if not _supervisor_number(form):
        return None, INVALID
    done = attempt(lambda: save_person(form.values(), by=current_user, person=person), form)
    if done.ok:
        return done.result, None
    return None, done.message


@bp.route("/people/new", methods=["GET", "POST"])
@login_required
def new_person():
    """HR adds one person (a file adds many: Import units and people)."""
    _importer()
    form = PersonForm()
    _person_form(form)
    error, status = None, 200
    if form.validate_on_submit():
        saved, error = _save_person(form)
        if saved is not None:
            flash(
                _("%(name)s is added. Invite them to set a password.", name=saved.name_th),
                "success",
            )
            return redirect(url_for(".account", employee_no=saved.employee_no))
        status = 422
    elif form.errors:
        error, status = INVALID, 422
    return (
        render_template(
            "admin/person_form.html", form=form, person=None, error=error, units=_unit_choices()
        ),
        status,
    )


@bp.route("/people/<employee_no>/edit", methods=["GET", "POST"])
@login_required
def edit_person(employee_no: str):
    """HR changes a person's record: names, position, role group, unit from a day, supervisor,
    roles and the unit they cover; deactivates or reactivates them."""
    person = _managed_person(employee_no)
    form = PersonForm(data=None if request.method == "POST" else _form_data(person))
    _person_form(form)
    error, status = None, 200
    if request.method == "POST" and form.validate_on_submit():
        saved, error = _save_person(form, person)
        if saved is not None:
            flash(_("The record of %(name)s is saved.", name=saved.name_th), "success")
            return redirect(url_for("people.person_page", employee_no=employee_no))
        status = 422
    elif form.errors:
        error, status = INVALID, 422
    return (
        render_template(
            "admin/person_form.html",
            form=form,
            person=person,
            error=error,
            units=_unit_choices(),
            leave=DeactivateForm(),
            action=ActionForm(),
            ways_in=_ways_in(),
            can_anonymise=permissions.is_admin(current_user)
            and not person.is_active
            and not is_anonymous(person),
        ),
        status,
    )


def _ways_in() -> bool:
    """Is there a way in besides Thaksa's passwords (a directory, a single sign-on)?"""
    return directory.configured() or sso.configured()


def _form_data(person) -> dict:
    record = record_of(person)
    return {
        "employee_no": person.employee_no,
        "email": record["email"],
        "name_th": record["name_th"],
        "name_en": record["name_en"],
        "position_th": record["position_th"],
        "role_group": record["role_group"],
        "unit": record["unit_code"],
        "supervisor": record["supervisor_employee_no"],
        "roles": [r for r in record["roles"].split(";") if r],
        "scope": record["scope_unit_code"],
        "sign_in": record["sign_in"],
    }


@bp.route("/people/<employee_no>/deactivate", methods=["POST"])
@login_required
def deactivate(employee_no: str):
    person = _managed_person(employee_no)
    form = DeactivateForm()
    if not form.validate_on_submit():
        flash(
            str(form.deactivated_on.errors[0]) if form.deactivated_on.errors else INVALID, "error"
        )
        return redirect(url_for(".edit_person", employee_no=employee_no))
    done = attempt(lambda: deactivate_person(person, form.deactivated_on.data, by=current_user))
    if done.ok:
        flash(
            _(
                "%(name)s is deactivated from %(day)s. Nothing of theirs is deleted.",
                name=person.name_th,
                day=format_be_date(person.deactivated_on),
            ),
            "success",
        )
    else:
        flash(done.message, "error")
    return redirect(url_for(".edit_person", employee_no=employee_no))


@bp.route("/people/<employee_no>/reactivate", methods=["POST"])
@login_required
def reactivate(employee_no: str):
    person = _managed_person(employee_no)
    if not ActionForm().validate_on_submit():
        abort(400)
    done = attempt(lambda: reactivate_person(person, by=current_user))
    flash(
        _("%(name)s is active again.", name=person.name_th) if done.ok else done.message,
        "success" if done.ok else "error",
    )
    return redirect(url_for(".edit_person", employee_no=employee_no))


@bp.route("/people/<employee_no>/anonymise", methods=["POST"])
@login_required
def anonymise(employee_no: str):
    """An administrator makes a departed person anonymous (PDPA), once they typed the number."""
    if not permissions.is_admin(current_user):
        abort(404)
    person = _managed_person(employee_no)
    if not ActionForm().validate_on_submit():
        abort(400)
    if request.form.get("confirm", "").strip() != person.employee_no:
        flash(_("Type the employee number to confirm: nothing was changed."), "error")
        return redirect(url_for(".edit_person", employee_no=employee_no))
    done = attempt(lambda: anonymise_person(person, by=current_user))
    if not done.ok:
        flash(done.message, "error")
        return redirect(url_for(".edit_person", employee_no=employee_no))
    remove_files(done.result)
    flash(_("The person is anonymous now: %(no)s.", no=person.employee_no), "success")
    return redirect(url_for("people.person_page", employee_no=person.employee_no))


# -- how the people of a unit sign in ---------------------------------------------------------


@bp.route("/sign-in", methods=["GET", "POST"])
@login_required
def sign_in_ways():
    """HR chooses how the people of a unit sign in (the directory, a Thaksa password, or
    either), for those without a setting of their own."""
    units = _invitation_units()
    form = UnitSignInForm()
    error, status = None, 200
    if form.validate_on_submit():
        unit = unit_by_code((form.unit.data or "").strip())
        if unit is None or not permissions.invites_in(current_user, unit):
            form.unit.errors = [_("No unit of yours has this code.")]
            error, status = INVALID, 422
        else:
            done = attempt(
                lambda: set_unit_sign_in(
                    unit,
                    form.sign_in.data or None,
                    by=current_user,
                    creates=True if form.creates.data else None,
                ),
                form,
            )
            if done.ok:
                flash(
                    _(
                        "Saved: how the people of %(unit)s sign in.",
                        unit=unit.name(current_locale()),
                    ),
                    "success",
                )
                return redirect(url_for(".sign_in_ways"))
            error, status = done.message, 422
    paths = [u.path for u in units]
    chosen = [
        u
        for u in db.session.scalars(
            select(Unit)
            .where(or_(Unit.sign_in.is_not(None), Unit.directory_creates.is_not(None)))
            .order_by(Unit.path)
        )
        if any(u.path.startswith(p) for p in paths)
    ]
    return (
        render_template(
            "admin/sign_in.html",
            form=form,
            error=error,
            units=units,
            chosen=chosen,
            directory_on=directory.configured(),
            sso_on=sso.configured(),
            all_units=_unit_choices(),
        ),
        status,
    )


# -- the audit log -------------------------------------------------------------------------------


FILTERS = ("person", "action", "unit", "since", "until")


def _audit_reader() -> None:
    if not reads_audit_log(current_user):
        abort(404)


@bp.route("/audit")
@login_required
def audit_log():
    """Who did what, to whom, when: HR their unit subtrees, administrators everything;
    filtered, newest first, a page at a time (`before` is the last id of the page before)."""
    _audit_reader()
    wanted, problems = read_filter(current_user, request.args)
    before = request.args.get("before", type=int)
    events, next_before = ([], None) if problems else log_page(current_user, wanted, before)
    typed = {k: request.args.get(k, "") for k in FILTERS}
    return render_template(
        "admin/audit_log.html",
        events=events,
        next_before=next_before,
        first_page=before is None,
        problems=problems,
        typed=typed,
        actions=sorted(actions_logged(), key=action_label),
        action_label=action_label,
        units=sorted(permissions.scope_units(current_user, roles=(Role.HR,)), key=lambda u: u.code),
    ), (400 if problems else 200)


@bp.route("/audit.csv")
@login_required
def audit_log_csv():
    """The filtered log as CSV, every matching event (the export is itself audited)."""
    _audit_reader()
    wanted, problems = read_filter(current_user, request.args)
    if problems:
        return redirect(url_for(".audit_log", **request.args))
    asked = {k: v for k, v in request.args.items() if k in FILTERS and v}
    audit("export_audit_log", current_user, None, filters=asked)
    db.session.commit()
    return Response(
        log_csv(scoped(current_user, wanted), db.engine),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=audit-log.csv"},
    )


# -- IDP templates ------------------------------------------------------------------------------


def _template_keeper() -> None:
    if not keeps_templates(current_user):
        abort(404)


def _template_or_404(template_id: int) -> PlanTemplate:
    _template_keeper()
    template = db.session.get(PlanTemplate, template_id)
    if template is None or not may_keep(current_user, template):
        abort(404)
    return template


def _header_values(form) -> dict:
    """The template's name, note, unit, role group and track as the form sent them."""
    unit = unit_by_code(form.get("unit", "").strip()) if form.get("unit") else None
    group_code, track_code = form.get("role_group", ""), form.get("track", "")
    return {
        "name": form.get("name", ""),
        "note": form.get("note", ""),
        "unit": unit,
        "role_group": db.session.scalars(
            select(RoleGroup).where(RoleGroup.code == group_code)
        ).first()
        if group_code
        else None,
        "track": db.session.scalars(select(Track).where(Track.code == track_code)).first()
        if track_code
        else None,
    }


def _template_page(template, *, status=200, error=None, problems=None, typed=None):
    locale = current_locale()
    areas = db.session.scalars(
        select(SkillArea)
        .where(
            SkillArea.framework_id == (template.framework_id if template else _open_framework_id())
        )
        .order_by(SkillArea.position)
    ).all()
    return (
        render_template(
            "admin/template.html",
            template=template,
            areas=areas,
            units=sorted(hr_units(current_user), key=lambda u: u.code),
            groups=db.session.scalars(select(RoleGroup).order_by(RoleGroup.position)).all(),
            tracks=db.session.scalars(select(Track).order_by(Track.code)).all(),
            courses=db.session.scalars(
                select(Course).where(Course.active.is_(True)).order_by(Course.title_th)
            ).all()
            if template
            else [],
            form=ActionForm(),
            error=error,
            problems={k: str(v) for k, v in (problems or {}).items()},
            typed=typed or {},
            locale=locale,
        ),
        status,
    )


def _open_framework_id() -> int:
    """A new template uses the framework of the open year (or the default framework)."""
    cycle = open_cycle()
    if cycle is not None:
        return cycle.framework_id
    return db.session.scalar(select(Framework.id).where(Framework.is_default.is_(True)))


@bp.route("/templates")
@login_required
def templates():
    """The IDP templates of the units the reader is HR of."""
    _template_keeper()
    return render_template("admin/templates.html", templates=visible_templates(current_user))


@bp.route("/templates/new", methods=["GET", "POST"])
@login_required
def new_template():
    _template_keeper()
    if request.method == "POST":
        if not ActionForm().validate_on_submit():
            abort(400)
        done = attempt(
            lambda: save_template(
                None,
                _header_values(request.form),
                framework_id=_open_framework_id(),
                by=current_user,
            )
        )
        if done.ok:
            flash(_("The template is made: now add its goals."), "success")
            return redirect(url_for(".template", template_id=done.result.id))
        return _template_page(
            None,
            status=422,
            error=done.message,
            problems=done.refusal.field_errors,
            typed=request.form,
        )
    return _template_page(None)


@bp.route("/templates/<int:template_id>", methods=["GET", "POST"])
@login_required
def template(template_id: int):
    """A template: its name and whom it is for, its goals with their suggestions."""
    shown = _template_or_404(template_id)
    if request.method == "POST":
        if not ActionForm().validate_on_submit():
            abort(400)
        done = attempt(
            lambda: save_template(
                shown,
                _header_values(request.form),
                framework_id=shown.framework_id,
                by=current_user,
            )
        )
        if done.ok:
            flash(_("The template is saved."), "success")
            return redirect(url_for(".template", template_id=template_id))
        shown = _template_or_404(template_id)
        return _template_page(
            shown,
            status=422,
            error=done.message,
            problems=done.refusal.field_errors,
            typed=request.form,
        )
    return _template_page(shown)


@bp.route("/templates/<int:template_id>/goals", methods=["POST"])
@login_required
def template_goal(template_id: int):
    shown = _template_or_404(template_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    area = db.session.scalars(
        select(SkillArea).where(
            SkillArea.framework_id == shown.framework_id,
            SkillArea.code == request.form.get("area", ""),
        )
    ).first()
    values = {
        "area": area,
        "target_level": whole_number(request.form.get("target_level"), maximum=9),
        "success_criteria": request.form.get("success_criteria", ""),
    }
    done = attempt(lambda: add_template_goal(shown, values, by=current_user))
    if done.ok:
        flash(_("The goal is added."), "success")
        return redirect(
            url_for(".template", template_id=template_id, _anchor=f"goal-{done.result.id}")
        )
    return _template_refused(template_id, done, "goal-")


def _posted_template_goal(template_id: int, goal_id: int):
    """A goal of a template the reader keeps, for a form posted with its CSRF token."""
    shown = _template_or_404(template_id)
    goal = next((g for g in shown.goals if g.id == goal_id), None)
    if goal is None:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    return goal


def _template_refused(template_id: int, done, prefix: str):
    """The template's page again, with what was typed and the refusal beside its form."""
    return _template_page(
        _template_or_404(template_id),
        status=422,
        error=done.message,
        problems={f"{prefix}{k}": v for k, v in done.refusal.field_errors.items()},
        typed=request.form,
    )


@bp.route("/templates/<int:template_id>/goals/<int:goal_id>/activities", methods=["POST"])
@login_required
def template_activity(template_id: int, goal_id: int):
    goal = _posted_template_goal(template_id, goal_id)
    course_id = whole_number(request.form.get("course"))
    hours_text = request.form.get("hours", "").strip().replace(",", ".")
    try:
        hours = Decimal(hours_text) if hours_text else None
    except InvalidOperation:
        hours = Decimal(-1)  # refused with the rule's message
    values = {
        "bucket": request.form.get("bucket", ""),
        "title": request.form.get("title", ""),
        "hours": hours if hours is None or hours.is_finite() else Decimal(-1),
        "course": db.session.get(Course, course_id) if course_id else None,
    }
    done = attempt(lambda: add_template_activity(goal, values, by=current_user))
    if done.ok:
        flash(_("The suggestion is added."), "success")
        return redirect(url_for(".template", template_id=template_id, _anchor=f"goal-{goal_id}"))
    return _template_refused(template_id, done, f"activity-{goal_id}-")


@bp.route("/templates/<int:template_id>/goals/<int:goal_id>/delete", methods=["POST"])
@login_required
def template_goal_delete(template_id: int, goal_id: int):
    goal = _posted_template_goal(template_id, goal_id)
    attempt(lambda: delete_template_goal(goal, by=current_user))
    flash(_("The goal is removed from the template."), "success")
    return redirect(url_for(".template", template_id=template_id))


@bp.route("/templates/<int:template_id>/activities/<int:activity_id>/delete", methods=["POST"])
@login_required
def template_activity_delete(template_id: int, activity_id: int):
    shown = _template_or_404(template_id)
    activity = next((a for g in shown.goals for a in g.activities if a.id == activity_id), None)
    if activity is None:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    attempt(lambda: delete_template_activity(activity, by=current_user))
    flash(_("The suggestion is removed."), "success")
    return redirect(
        url_for(".template", template_id=template_id, _anchor=f"goal-{activity.goal_id}")
    )


@bp.route("/templates/<int:template_id>/delete", methods=["POST"])
@login_required
def template_delete(template_id: int):
    shown = _template_or_404(template_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    attempt(lambda: delete_template(shown, by=current_user))
    flash(_("The template is deleted. Drafts made from it stay as they are."), "success")
    return redirect(url_for(".templates"))


@bp.route("/templates/<int:template_id>/apply", methods=["GET", "POST"])
@login_required
def template_apply(template_id: int):
    """Apply a template to the people of a unit (and a role group) for an open year: first
    how many it reaches and how many plans are already sent, then, confirmed, the drafts."""
    shown = _template_or_404(template_id)
    source = request.form if request.method == "POST" else request.args
    years = db.session.scalars(
        select(Cycle).where(Cycle.status == "open").order_by(Cycle.be_year.desc())
    ).all()
    cycle = next(
        (c for c in years if str(c.be_year) == source.get("cycle", "")), years[0] if years else None
    )
    unit = unit_by_code(source.get("unit", "").strip()) if source.get("unit") else None
    group_code = source.get("role_group", "")
    group = (
        db.session.scalars(select(RoleGroup).where(RoleGroup.code == group_code)).first()
        if group_code
        else None
    )
    error, problems, reach, status = None, {}, None, 200
    if source.get("unit") is not None or request.method == "POST":
        try:
            check_apply(shown, cycle, unit, current_user)
        except TemplateError as refused:
            error, problems, status = str(refused.message), refused.field_errors, 422
        else:
            reach = _reach(shown, cycle, unit, group)
    if request.method == "POST" and reach is not None:
        if not ActionForm().validate_on_submit():
            abort(400)
        job = start_apply(shown, cycle, unit, group, by=current_user, locale=current_locale())
        db.session.commit()
        if reach["people"] <= INLINE_PEOPLE:
            run_apply(job.id)
        else:
            queue(job)
        return redirect(url_for(".template_applied", template_id=template_id, job_id=job.id))
    return (
        render_template(
            "admin/template_apply.html",
            template=shown,
            years=years,
            cycle=cycle,
            unit=unit,
            group=group,
            units=sorted(hr_units(current_user), key=lambda u: u.code),
            groups=db.session.scalars(select(RoleGroup).order_by(RoleGroup.position)).all(),
            reach=reach,
            typed=source,
            form=ActionForm(),
            error=error,
            problems={k: str(v) for k, v in problems.items()},
        ),
        status,
    )


def _reach(template, cycle, unit, group) -> dict:
    """How many people applying reaches, and how many of their plans are already sent."""
    ids = people_for(template, unit, group).subquery()
    people = db.session.scalar(select(func.count()).select_from(ids)) or 0
    sent = (
        db.session.scalar(
            select(func.count())
            .select_from(Plan)
            .where(
                Plan.cycle_id == cycle.id,
                Plan.person_id.in_(select(ids.c.id)),
                Plan.status.not_in(TEMPLATE_EDITABLE),
            )
        )
        or 0
    )
    return {"people": people, "sent": sent}


@bp.route("/templates/<int:template_id>/applied/<job_id>")
@login_required
def template_applied(template_id: int, job_id: str):
    shown = _template_or_404(template_id)
    job = job_of(current_user, job_id, (APPLY_KIND,))
    if job is None:
        abort(404)
    return render_template(
        "admin/template_applied.html", template=shown, job=job, found=apply_result(job)
    )


# -- the administrators' health page ----------------------------------------------------------


@bp.route("/health")
@login_required
def health():
    """Each dependency with what it means for the people using the app."""
    if not permissions.is_admin(current_user):
        abort(404)
    checks = health_report()
    return render_template("admin/health.html", checks=checks, worst=_worst(checks))


def _worst(checks) -> str:
    states = {c.state for c in checks}
    return next((s for s in ("down", "warn") if s in states), "ok")
