"""The audit log page (issue 20): administrators read every event, HR the events about their
unit subtrees, nobody else; filtered by person, action, unit and days; newest first, a page at a
time by keyset; downloadable as CSV with the same filters and scope; and append-only (PostgreSQL
refuses UPDATE and DELETE on the table)."""

from datetime import date

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from lms.admin import audit_log
from lms.audit import audit
from lms.extensions import db
from lms.models import AuditEvent
from tests.conftest import login
from tests.factories import PersonFactory, UnitFactory


@pytest.fixture
def logged():
    """Two units, each with a person and events about them; HR of the first; an admin."""
    mine, theirs = UnitFactory(code="AU1"), UnitFactory(code="AU2")
    below = UnitFactory(code="AU1-1", parent=mine)
    hr = PersonFactory(unit=mine, roles=(("hr", mine),))
    admin = PersonFactory(unit=mine, roles=(("admin", None),))
    near = PersonFactory(unit=below, employee_no="NEAR1")
    far = PersonFactory(unit=theirs, employee_no="FAR1")
    audit("person_changed", hr, near, field="position")
    audit("password_changed", near, near)
    audit("person_changed", admin, far, field="unit")
    audit("cycle_opened", admin, None, cycle=2570)
    db.session.commit()
    return {"hr": hr, "admin": admin, "near": near, "far": far, "staff": near}


def _page(client, url="/admin/audit", status=200) -> str:
    """The page's table of events (or the whole page when it has none)."""
    response = client.get(url)
    assert response.status_code == status, url
    page = response.get_data(as_text=True)
    return page.split("<tbody>")[1].split("</tbody>")[0] if "<tbody>" in page else page


def test_an_event_keeps_whom_it_is_about_and_their_unit(logged):
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "password_changed")
    ).one()
    assert (event.subject_id, event.unit_id) == (logged["near"].id, logged["near"].unit_id)


def test_hr_reads_their_subtree_and_the_administrator_everything(client, logged):
    login(client, logged["hr"])
    page = _page(client)
    assert "NEAR1" in page and "FAR1" not in page and "cycle_opened" not in page
    client.post("/logout")
    login(client, logged["admin"])
    page = _page(client)
    assert "NEAR1" in page and "FAR1" in page and "cycle_opened" in page


def test_nobody_else_reads_it(client, logged):
    login(client, logged["staff"])
    _page(client, status=404)
    _page(client, "/admin/audit.csv", status=404)


def test_filters_by_person_action_unit_and_days(client, logged):
    login(client, logged["admin"])
    page = _page(client, "/admin/audit?person=NEAR1")
    assert "password_changed" in page and "FAR1" not in page
    page = _page(client, "/admin/audit?action=person_changed&unit=AU2")
    assert "FAR1" in page and "NEAR1" not in page
    assert "No entries" not in _page(
        client, f"/admin/audit?since={date.today()}&until={date.today()}"
    )
    page = _page(client, "/admin/audit?until=2000-01-01")
    assert "NEAR1" not in page and "FAR1" not in page


def test_bad_filters_are_named_and_what_was_typed_stays(client, logged):
    login(client, logged["hr"])
    response = client.get("/admin/audit?person=FAR1&unit=AU2&since=31/2/2569&until=x")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'value="31/2/2569"' in page and 'value="FAR1"' in page  # kept as typed
    assert page.count('aria-invalid="true"') == 4  # someone and a unit outside theirs, dates
    client.post("/logout")
    login(client, logged["admin"])
    response = client.get("/admin/audit?since=7/12/2569&until=1/12/2569")
    assert response.status_code == 400 and 'id="f-until-errors"' in response.get_data(as_text=True)


def test_pages_go_back_in_time_by_keyset(client, logged, monkeypatch):
    monkeypatch.setattr(audit_log, "PAGE", 2)
    login(client, logged["admin"])
    ids = list(db.session.scalars(select(AuditEvent.id).order_by(AuditEvent.id.desc())))
    first, after = audit_log.log_page(logged["admin"], audit_log.LogFilter())
    assert [e.id for e in first] == ids[:2] and after == ids[1]
    second, _after = audit_log.log_page(logged["admin"], audit_log.LogFilter(), before=after)
    assert [e.id for e in second] == ids[2:4]
    assert f"before={ids[1]}" in client.get("/admin/audit").get_data(as_text=True)


def test_the_csv_has_the_same_filters_and_scope_and_is_itself_audited(client, logged):
    login(client, logged["hr"])
    response = client.get("/admin/audit.csv?action=person_changed")
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    lines = body.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("id,created_at_utc,actor_employee_no")
    assert len(lines) == 2 and "NEAR1" in lines[1] and '""field"": ""position""' in lines[1]
    exported = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "export_audit_log")
    ).one()
    assert exported.actor_id == logged["hr"].id
    assert exported.details == {"filters": {"action": "person_changed"}}


def test_the_table_refuses_changes_on_postgresql(logged):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("a PostgreSQL trigger")
    for statement in ("UPDATE audit_events SET action = 'x'", "DELETE FROM audit_events"):
        with pytest.raises(DBAPIError, match="append-only"):
            db.session.execute(text(statement))
        db.session.rollback()
    assert db.session.scalar(select(AuditEvent.id).limit(1)) is not None


def test_the_page_runs_the_same_statements_however_many_actions_and_events(
    client, logged, count_queries
):
    login(client, logged["admin"])
    client.get("/admin/audit")
    with count_queries() as few:
        assert client.get("/admin/audit").status_code == 200
    for number in range(30):
        audit(f"kind_{number}", logged["admin"], logged["far"], n=number)
    db.session.commit()
    with count_queries() as many:
        page = client.get("/admin/audit").get_data(as_text=True)
    assert "kind_29" in page and len(many) == len(few), many.statements
    assert audit_log.actions_logged()[:3] == ["cycle_opened", "kind_0", "kind_1"]


def test_every_action_the_app_records_reads_as_words():
    """Each audit code written in lms/ (literal, or a plan step, or an account link's use) has
    a label in both languages on the page."""
    import re
    from pathlib import Path

    from lms.models.account import ACCOUNT_PURPOSES
    from lms.plans.workflow import TRANSITIONS

    source = "\n".join(p.read_text() for p in Path("lms").rglob("*.py"))
    written = set(re.findall(r'audit\(\s*"([a-z_]+)"', source))
    written |= {f"plan_{step}" for step in TRANSITIONS.values()}
    written |= {f"account_{p}_{end}" for p in ACCOUNT_PURPOSES for end in ("issued", "used")}
    assert written - set(audit_log.ACTION_LABELS) == set()
    assert "export_audit_log" in written and "plan_approve" in written
