"""The audit log page's reading: HR reads the events about their unit subtrees, administrators
every event; filtered by person, action, unit and days; newest first, paged by keyset."""

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, false, or_, select, text
from sqlalchemy.orm import Session, joinedload

from lms.api.tokens import find_person
from lms.extensions import db
from lms.forms import DATE_MESSAGE
from lms.i18n import parse_date
from lms.models import AuditEvent, Person, Unit
from lms.people.org import unit_by_code
from lms.permissions import hr_covers, is_admin, scope_units
from lms.vocab import Role

PAGE = 50  # entries a page, newest first

# What each action recorded by lms.audit.audit reads as (the code stays beside it, exact); an
# action not named here shows as its code.
ACTION_LABELS = {
    "account_invite_issued": _l("Invitation issued"),
    "account_invite_used": _l("Invitation used"),
    "account_reset_issued": _l("Password reset issued"),
    "account_reset_used": _l("Password reset used"),
    "account_unit_invited": _l("Unit invited"),
    "activity_verified": _l("Learning verified"),
    "activity_unverified": _l("Learning verification withdrawn"),
    "create_api_token": _l("API token created"),
    "revoke_api_token": _l("API token revoked"),
    "cycle_created": _l("Fiscal year created"),
    "cycle_opened": _l("Fiscal year opened"),
    "cycle_dates_changed": _l("Fiscal year dates changed"),
    "cycle_targets_changed": _l("Fiscal year targets changed"),
    "framework_imported": _l("Skill framework added from a file"),
    "export_framework": _l("Skill framework downloaded"),
    "cycle_closed": _l("Fiscal year closed"),
    "export_audit_log": _l("Audit log downloaded"),
    "export_plan_pdf": _l("Plan downloaded as PDF"),
    "export_report": _l("Report exported"),
    "import_people": _l("People imported"),
    "import_units": _l("Units imported"),
    "import_courses": _l("Courses imported"),
    "import_completions": _l("Completed courses imported from a provider's file"),
    "create_xapi_client": _l("Learning provider's credentials made"),
    "revoke_xapi_client": _l("Learning provider's credentials revoked"),
    "retry_xapi_statements": _l("Completions kept aside tried again"),
    "confirm_completion": _l("Course completed elsewhere confirmed into the log"),
    "dismiss_completion": _l("Course completed elsewhere dismissed"),
    "person_anonymised": _l("Departed person anonymised (personal data)"),
    "personal_data_exported": _l("Own personal data downloaded"),
    "reminders_sent": _l("Reminders sent to everyone behind"),
    "template_created": _l("IDP template made"),
    "template_changed": _l("IDP template changed"),
    "template_deleted": _l("IDP template deleted"),
    "template_applied": _l("IDP template applied to a unit"),
    "course_created": _l("Course added to the catalogue"),
    "course_changed": _l("Course changed"),
    "course_retired": _l("Course retired"),
    "course_restored": _l("Course back in the catalogue"),
    "provider_created": _l("Provider added"),
    "provider_changed": _l("Provider changed"),
    "provider_retired": _l("Provider retired"),
    "provider_restored": _l("Provider back in the catalogue"),
    "login": _l("Signed in"),
    "login_refused": _l("Sign-in refused"),
    "logout_everywhere": _l("Signed out everywhere"),
    "password_changed": _l("Password changed"),
    "person_added": _l("Person added"),
    "person_changed": _l("Person's record changed"),
    "person_deactivated": _l("Person deactivated"),
    "person_reactivated": _l("Person reactivated"),
    "sign_in_changed": _l("Way of signing in changed"),
    "supervisor_changed": _l("Supervisor changed"),
    "plan_submit": _l("Plan sent for review"),
    "plan_withdraw": _l("Plan withdrawn"),
    "plan_approve": _l("Plan approved"),
    "plan_return": _l("Plan returned"),
    "plan_reopen": _l("Plan reopened"),
    "plan_complete": _l("Plan completed"),
    "plan_closed_early": _l("Plan closed early"),
    "plan_self_evaluated": _l("Year-end self-evaluation sent"),
    "review_delegated": _l("Review delegated"),
    "review_delegation_cancelled": _l("Review delegation cancelled"),
    "role_granted": _l("Role granted"),
}


def action_label(action: str) -> str:
    """How `action` reads on the page (its code when it has no label)."""
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action


@dataclass(frozen=True)
class LogFilter:
    """What the audit log page was asked for (already checked): who did it or whom it is about,
    the action, a unit subtree, the days (from and to, both included)."""

    person: Person | None = None
    action: str | None = None
    unit: Unit | None = None
    since: date | None = None
    until: date | None = None


def reads_audit_log(viewer: Person) -> bool:
    """Administrators read the whole log, HR officers the log of their unit subtrees."""
    return is_admin(viewer) or bool(scope_units(viewer, roles=(Role.HR,)))


def scoped(viewer: Person, wanted: LogFilter) -> Select:
    """The events `viewer` may read that match `wanted`, as a SELECT of AuditEvent."""
    query = select(AuditEvent)
    paths = [] if is_admin(viewer) else [u.path for u in scope_units(viewer, roles=(Role.HR,))]
    if wanted.unit is not None:
        paths = [wanted.unit.path]  # the page checked it is inside the viewer's subtrees
    if paths:
        query = query.join(Unit, Unit.id == AuditEvent.unit_id).where(
            or_(*(Unit.path.startswith(path) for path in paths))
        )
    elif not is_admin(viewer):
        return query.where(false())
    if wanted.person is not None:
        who = wanted.person.id
        query = query.where(or_(AuditEvent.subject_id == who, AuditEvent.actor_id == who))
    if wanted.action:
        query = query.where(AuditEvent.action == wanted.action)
    if wanted.since:
        query = query.where(AuditEvent.created_at >= datetime.combine(wanted.since, time.min))
    if wanted.until:
        after = datetime.combine(wanted.until + timedelta(days=1), time.min)
        query = query.where(AuditEvent.created_at < after)
    return query


def _newest(query: Select, before: int | None, limit: int) -> Select:
    """`limit` events of `query`, newest first, older than the event id `before` (keyset: any
    page costs the same), with who did it, whom it is about and the unit."""
    page = query.order_by(AuditEvent.id.desc()).limit(limit)
    if before is not None:
        page = page.where(AuditEvent.id < before)
    return page.options(
        joinedload(AuditEvent.actor), joinedload(AuditEvent.subject), joinedload(AuditEvent.unit)
    )


def log_page(viewer: Person, wanted: LogFilter, before: int | None = None):
    """One page of the log from before the event id `before`, and the id to ask for the next
    page with (None on the last)."""
    events = list(db.session.scalars(_newest(scoped(viewer, wanted), before, PAGE + 1)))
    more = len(events) > PAGE
    events = events[:PAGE]
    return events, (events[-1].id if more else None)


def log_rows(query: Select, session, chunk: int = 2000) -> Iterator[AuditEvent]:
    """Every event of `query` (a `scoped` SELECT), newest first, read in keyset chunks with
    `session` (for the CSV: memory stays flat whatever the log's size)."""
    before = None
    while True:
        events = list(session.scalars(_newest(query, before, chunk)))
        yield from events
        if len(events) < chunk:
            return
        before = events[-1].id
        session.expunge_all()


# The distinct actions, skipping through the index of actions: a few dozen look-ups in one
# statement, not a read of every event (PostgreSQL has no skip scan of its own).
_ACTIONS = text(
    """
    WITH RECURSIVE seen(action) AS (
        SELECT min(action) FROM audit_events
        UNION ALL
        SELECT (SELECT min(e.action) FROM audit_events e WHERE e.action > seen.action)
        FROM seen WHERE seen.action IS NOT NULL
    )
    SELECT action FROM seen WHERE action IS NOT NULL
    """
)


def actions_logged() -> list[str]:
    """The distinct actions in the log, in order (one statement)."""
    return list(db.session.scalars(_ACTIONS))


def read_filter(viewer: Person, args) -> tuple[LogFilter, dict[str, str]]:
    """The page's query string checked: the filter, and a message per field that is wrong (the
    page then shows them beside what was typed, and no events). A person or unit outside
    `viewer`'s units is not found, the same as one that does not exist."""
    problems: dict[str, str] = {}
    person = unit = since = until = None
    typed = (args.get("person") or "").strip()
    if typed:
        person = find_person(typed)
        if person is None or not (is_admin(viewer) or hr_covers(viewer, person)):
            person = None
            problems["person"] = _("No one with that employee number or e-mail in your units.")
    code = (args.get("unit") or "").strip()
    if code:
        unit = unit_by_code(code)
        covered = unit is not None and (
            is_admin(viewer) or any(u.contains(unit) for u in scope_units(viewer, (Role.HR,)))
        )
        if not covered:
            unit = None
            problems["unit"] = _("No unit with that code in your units.")
    for name in ("since", "until"):
        value = (args.get(name) or "").strip()
        if not value:
            continue
        try:
            day = parse_date(value)  # day/month/BE year as everywhere (31/1/2566), or ISO
        except ValueError:
            problems[name] = str(DATE_MESSAGE)
            continue
        since, until = (day, until) if name == "since" else (since, day)
    if since and until and since > until:
        problems["until"] = _("The last day comes before the first.")
    action = (args.get("action") or "").strip() or None
    return LogFilter(person, action, unit, since, until), problems


CSV_COLUMNS = (
    "id",
    "created_at_utc",
    "actor_employee_no",
    "actor_name",
    "action",
    "about_employee_no",
    "about_name",
    "unit_code",
    "target_type",
    "target_id",
    "details",
    "ip",
)


def log_csv(query: Select, engine) -> Iterator[str]:
    """The events of `query` (a `scoped` SELECT, built while the request lasts) as CSV, UTF-8
    with a BOM for Excel, newest first, streamed on a session of its own (the response is read
    after the request's context has gone)."""
    with Session(engine) as session:
        yield from _csv_chunks(log_rows(query, session))


def _csv_chunks(events) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(CSV_COLUMNS)
    for number, event in enumerate(events, start=1):
        actor, subject = event.actor, event.subject
        writer.writerow(
            [
                event.id,
                event.created_at.isoformat(timespec="seconds") + "Z",
                actor.employee_no if actor else "",
                actor.name_th if actor else "",
                event.action,
                subject.employee_no if subject else "",
                subject.name_th if subject else "",
                event.unit.code if event.unit else "",
                event.target_type or "",
                event.target_id if event.target_id is not None else "",
                json.dumps(event.details or {}, ensure_ascii=False, sort_keys=True),
                event.ip or "",
            ]
        )
        if number % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
