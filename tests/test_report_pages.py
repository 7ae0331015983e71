"""Unit report pages, charts, exports and API v1: who may see what, bad input, and the page,
XLSX, CSV, PDF, JSON and people CSV telling the same numbers."""

import csv
import io
import shutil
import subprocess
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from lms.api.tokens import create_token
from lms.extensions import db
from lms.models import AuditEvent, Course, Job
from lms.people.org import add_unit
from tests.conftest import PASSWORD, csrf_token, login
from tests.factories import PersonFactory
from tests.report_world import assess, learn, person, plan, rate_as_supervisor


@pytest.fixture
def org(cycle, closed_cycle):
    """A department with two sections, people in every state, HR of the department, HR of
    another department, and a member of staff."""
    root = add_unit("DEPT", "สำนักทดสอบ", "Test department")
    a = add_unit("SEC-A", "=ฝ่ายเอ", "Section A", root)  # a spreadsheet would run it as formula
    b = add_unit("SEC-B", "ฝ่ายบี", "Section B", root)
    other = add_unit("OTHER", "สำนักอื่น")
    course = db.session.scalars(select(Course)).first()
    people = [person(a, 1, "ACAD"), person(a, 2, "SERV"), person(b, 3, "TECH"), person(b, 4)]
    assess(people[0], cycle, {"DLIT": 1, "DGOV": 2, "SPM": 3})
    assess(people[1], cycle, {"DLIT": 3, "DGOV": 1})
    assess(people[2], cycle, {"DLIT": 4})
    assess(people[0], closed_cycle, {"DLIT": 0})
    plan(people[0], cycle, "approved")
    plan(people[1], cycle, "submitted")
    plan(people[2], cycle, "completed")
    learn(people[0], cycle, "70", "12.5")
    learn(people[0], cycle, "10", "3", course, completed=True)
    learn(people[2], cycle, "20", "2")
    rate_as_supervisor(people[0], cycle, "DLIT", 2, rater=people[3])
    db.session.commit()
    hr = PersonFactory(unit=root, roles=(("hr", root),))
    other_hr = PersonFactory(unit=other, roles=(("hr", other),))
    staff = PersonFactory(unit=a)
    admin = PersonFactory(unit=other, roles=(("admin", None),))
    return {"root": root, "hr": hr, "other_hr": other_hr, "staff": staff, "admin": admin}


def bearer(who) -> dict:
    _, plain = create_token(who, "test")
    db.session.commit()
    return {"Authorization": f"Bearer {plain}"}


def test_hr_sees_their_unit_with_drill_down_and_breadcrumbs(client, org):
    login(client, org["hr"])
    assert client.get("/reports/").headers["Location"].endswith("/reports/units/DEPT")
    page = client.get("/reports/units/DEPT?cycle=2566").get_data(as_text=True)
    assert "สำนักทดสอบ" in page and "/reports/units/SEC-A?cycle=2566" in page
    section = client.get("/reports/units/SEC-B?cycle=2566").get_data(as_text=True)
    assert 'href="/reports/units/DEPT?cycle=2566"' in section  # the way back up


@pytest.mark.parametrize(
    "who, url, status",
    [
        ("staff", "/reports/", 404),
        ("staff", "/reports/units/DEPT", 404),
        ("other_hr", "/reports/units/DEPT", 404),
        ("other_hr", "/reports/units/SEC-A/charts/funnel.png", 404),
        ("other_hr", "/reports/units/SEC-A/export/xlsx", 404),
        ("hr", "/reports/units/OTHER", 404),
        ("hr", "/reports/units/NOPE", 404),
        ("hr", "/reports/units/DEPT?cycle=2400", 404),
        ("hr", "/reports/units/DEPT?cycle=abc", 404),
        ("hr", "/reports/units/DEPT?role_group=NOPE", 400),
        ("hr", "/reports/units/DEPT/charts/nothing.png", 404),
        ("admin", "/reports/units/DEPT", 200),
        ("admin", "/reports/units/OTHER", 200),
        ("hr", "/reports/units/DEPT?role_group=ACAD", 200),
    ],
)
def test_who_may_see_which_report(client, org, who, url, status):
    login(client, org[who])
    assert client.get(url).status_code == status


def test_an_empty_unit_reports_zeros_and_dashes(client, org):
    add_unit("EMPTY", "หน่วยว่าง")
    db.session.commit()
    login(client, org["admin"])
    page = client.get("/reports/units/EMPTY?cycle=2566").get_data(as_text=True)
    assert 'class="empty-state"' in page
    assert page.count(">–<") > 10


@pytest.mark.parametrize(
    "url, status, code",
    [
        ("/api/v1/reports/units/NOPE?cycle=2566", 404, "unit_not_found"),
        ("/api/v1/reports/units/OTHER?cycle=2566", 404, "unit_not_found"),  # outside scope
        ("/api/v1/reports/units/DEPT?cycle=2400", 404, "cycle_not_found"),
        ("/api/v1/reports/units/DEPT?role_group=ZZ", 400, "role_group_unknown"),
        ("/api/v1/reports/units/DEPT/people.csv?cycle=1", 404, "cycle_not_found"),
        ("/api/v1/nothing", 404, "not_found"),
    ],
)
def test_api_errors_are_json(client, org, url, status, code):
    response = client.get(url, headers=bearer(org["hr"]))
    assert response.status_code == status
    assert response.get_json()["error"]["code"] == code


def test_api_needs_a_live_token(client, org):
    for headers in ({}, {"Authorization": "Bearer thk_nonsense"}, {"Authorization": "Basic x"}):
        response = client.get("/api/v1/reports/units/DEPT", headers=headers)
        assert response.status_code == 401
        assert response.get_json()["error"]["code"] == "unauthorized"
    headers = bearer(org["hr"])
    response = client.get("/api/v1/reports/units/DEPT", headers=headers)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"  # a unit's figures
    org["hr"].deactivated_on = date(2026, 1, 1)
    db.session.commit()
    assert client.get("/api/v1/reports/units/DEPT", headers=headers).status_code == 401


def test_staff_tokens_see_no_unit(client, org):
    response = client.get("/api/v1/reports/units/SEC-A", headers=bearer(org["staff"]))
    assert response.status_code == 404


def test_openapi_is_served(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.1")
    assert "/api/v1/reports/units/{code}" in spec["paths"]
    assert "/api/v1/reports/units/{code}/people.csv" in spec["paths"]


def test_page_xlsx_csv_pdf_json_and_people_csv_agree(client, org):
    headers = bearer(org["hr"])
    data = client.get("/api/v1/reports/units/DEPT?cycle=2566", headers=headers).get_json()
    assert data["headcount"] == 6  # four people, HR and staff
    assert data["self_assessed"] == 3 and data["idp_approved"] == 2 and data["idp_completed"] == 1
    assert data["hours"] == 17.5 and data["courses_completed"] == 1
    assert data["skills"]["DLIT"]["assessed"] == 3
    assert data["skills"]["DLIT"]["self_minus_supervisor"] == -1.0
    assert [c["code"] for c in data["children"]] == ["SEC-A", "SEC-B"]
    assert data["trend"]["cycle"] == 2565 and data["trend"]["self_assessed"] == 1

    people = list(
        csv.DictReader(
            io.StringIO(
                client.get("/api/v1/reports/units/DEPT/people.csv?cycle=2566", headers=headers)
                .get_data(as_text=True)
                .lstrip("\ufeff")
            )
        )
    )
    assert len(people) == data["headcount"]
    assert sum(int(p["self_assessed"]) for p in people) == data["self_assessed"]
    hours = sum(float(p[f"hours_{b}"]) for p in people for b in ("70", "20", "10"))
    assert hours == data["hours"]
    assert sum(int(p["courses_completed"]) for p in people) == data["courses_completed"]
    statuses = [p["idp_status"] for p in people]
    assert statuses.count("approved") + statuses.count("completed") == data["idp_approved"]
    levels = [int(p["level_DLIT"]) for p in people if p["level_DLIT"]]
    assert sum(levels) / len(levels) == data["skills"]["DLIT"]["avg_level"]
    assert {p["target_DLIT"] for p in people} >= {"3", "4"}

    login(client, org["hr"])
    book = load_workbook(io.BytesIO(client.get("/reports/units/DEPT/export/xlsx?cycle=2566").data))
    indicators = book[book.sheetnames[1]]
    assert indicators.freeze_panes == "A2"
    assert indicators.cell(row=2, column=2).value == data["headcount"]  # the first indicator
    units_sheet = book[book.sheetnames[3]]
    names = [row[1].value for row in units_sheet.iter_rows(min_row=2)]
    assert "'=ฝ่ายเอ" in names  # text, never a formula
    rates = [row[2].value for row in indicators.iter_rows(min_row=2)]
    assert data["self_assessed_rate"] in rates  # numbers as numbers

    text = client.get("/reports/units/DEPT/export/csv?cycle=2566").data.decode("utf-8-sig")
    assert f",{data['headcount']}," in text and ",17.5," in text

    page = client.get("/reports/units/DEPT?cycle=2566").get_data(as_text=True)
    assert "50%" in page  # self-assessed 3 of 6
    assert "17.5" in page

    queued = client.post("/reports/units/DEPT/export/pdf?cycle=2566")
    job_url = queued.headers["Location"]
    assert "/file" in client.get(job_url).get_data(as_text=True)  # ready (tasks run at once)
    pdf = client.get(job_url + "/file")
    assert pdf.headers["Content-Type"] == "application/pdf" and pdf.data.startswith(b"%PDF")
    pdftotext = shutil.which("pdftotext")  # poppler-utils, as the README's set-up installs
    if pdftotext:
        words = subprocess.run(
            [pdftotext, "-", "-"], input=pdf.data, capture_output=True, check=True
        ).stdout.decode()
        assert "17.5" in words and "50%" in words and "สำนักทดสอบ" in words


def test_a_queued_file_is_only_its_owners(client, app, org):
    login(client, org["hr"])
    job_url = client.post("/reports/units/DEPT/export/people?cycle=2566").headers["Location"]
    rows = client.get(job_url + "/file").data.decode("utf-8-sig").splitlines()
    assert rows[0].startswith("employee_no,unit_code,role_group") and len(rows) == 7
    job = db.session.scalars(select(Job)).one()
    assert job.status == "done" and job.progress == 100
    assert db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "export_report")
    ).first()
    other = app.test_client()
    login(other, org["admin"])
    assert other.get(job_url).status_code == 404
    assert other.get(job_url + "/file").status_code == 404


def test_export_needs_the_form_token(csrf_client, org):
    token = csrf_token(csrf_client, "/login")
    csrf_client.post(
        "/login",
        data={"identifier": org["hr"].email, "password": PASSWORD, "csrf_token": token},
    )
    assert csrf_client.get("/reports/units/DEPT").status_code == 200
    assert csrf_client.post("/reports/units/DEPT/export/pdf").status_code == 400


def test_every_chart_is_a_png(client, org):
    login(client, org["hr"])
    page = client.get("/reports/units/DEPT?cycle=2566").get_data(as_text=True)
    for name in ("funnel", "radar", "meeting", "difference", "mix", "trend"):
        assert f"/charts/{name}.png" in page, name
        response = client.get(f"/reports/units/DEPT/charts/{name}.png?cycle=2566&download=1")
        assert response.headers["Content-Type"] == "image/png", name
        assert (
            response.data.startswith(b"\x89PNG")
            and "attachment" in response.headers["Content-Disposition"]
        )


def test_the_token_command_prints_the_token_last(app, org):
    result = app.test_cli_runner().invoke(args=["lms", "token", "create", org["hr"].email])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    client = app.test_client()
    response = client.get(
        "/api/v1/reports/units/DEPT", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200
    refused = app.test_cli_runner().invoke(args=["lms", "token", "create", "nobody@x"])
    assert refused.exit_code != 0


def test_a_token_ends_by_itself_and_can_be_revoked_by_the_command(app, client, org):
    from datetime import timedelta

    from lms.models import ApiToken

    cli = app.test_cli_runner()
    made = cli.invoke(args=["lms", "token", "create", org["hr"].email, "--days", "30"])
    token_id = int(made.output.split()[1])
    plain = made.output.strip().splitlines()[-1]
    headers = {"Authorization": f"Bearer {plain}"}
    assert client.get("/api/v1/reports/units/DEPT", headers=headers).status_code == 200
    listed = cli.invoke(args=["lms", "token", "list", org["hr"].employee_no]).output
    assert f"{token_id}\t{plain[:12]}…" in listed and "active" in listed
    assert cli.invoke(args=["lms", "token", "revoke", str(token_id)]).exit_code == 0
    assert client.get("/api/v1/reports/units/DEPT", headers=headers).status_code == 401
    assert "revoked" in cli.invoke(args=["lms", "token", "list", org["hr"].email]).output
    assert "already ended" in cli.invoke(args=["lms", "token", "revoke", str(token_id)]).output
    assert db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "revoke_api_token")
    ).one()

    other = bearer(org["hr"])
    token = db.session.scalars(select(ApiToken).order_by(ApiToken.id.desc())).first()
    assert token.expires_at is not None  # every new token ends
    token.expires_at = token.created_at - timedelta(seconds=1)
    db.session.commit()
    assert client.get("/api/v1/reports/units/DEPT", headers=other).status_code == 401
    too_long = cli.invoke(args=["lms", "token", "create", org["hr"].email, "--days", "5000"])
    assert too_long.exit_code != 0


def test_generate_builds_the_same_organisation_from_the_same_seed(app):
    from lms.demo.generate import generate, summarise
    from lms.models import Cycle, Unit
    from lms.reports.queries import HEADLINE, ensure_summary, live_figures, unit_report

    built = generate(300, 7)
    db.session.commit()
    summarise()
    db.session.commit()
    root = db.session.scalars(select(Unit).where(Unit.code == "BMA")).one()
    cycle = db.session.scalars(select(Cycle).where(Cycle.be_year == 2566)).one()
    ensure_summary(cycle)
    report = unit_report(root, cycle)
    assert report.figures.headcount > 250 and report.figures.self_assessed > 100
    assert report.figures == live_figures(root, cycle)[HEADLINE]
    closed = db.session.scalars(select(Cycle).where(Cycle.be_year == 2565)).one()
    year_end = unit_report(root, closed).figures  # the closed year's end, as the bench has it
    assert year_end.evaluated > 100 and year_end.goals_evaluated > year_end.evaluated
    assert 0 < year_end.applied_at_work < year_end.verified < year_end.developing
    assert year_end == live_figures(root, closed)[HEADLINE]
    assert built.rows["people"] == 300
    from lms.models.lines import team_counts_drift

    assert team_counts_drift() == []  # loaded by COPY, counted by the triggers
    with pytest.raises(ValueError, match="already"):
        generate(300, 7)


def test_a_report_pdf_renders_outside_any_request(app, org):
    """The task queue's consumer has an app but no request (nor a logged-in person)."""
    from lms.reports.jobs import request_export, run_export
    from lms.reports.lookups import report_subject

    subject = report_subject(org["hr"], "DEPT", "2566", None)
    job = request_export(org["hr"], subject, "pdf", "th")
    db.session.commit()
    with app.app_context():  # a fresh context, as in huey_consumer
        run_export(job.id)
    db.session.refresh(job)
    assert job.status == "done", job.error


def test_a_chart_drawn_once_is_read_from_disk_by_its_key_without_a_report(
    client, org, cycle, monkeypatch
):
    """Issue 21, part 6: the page names each chart by the key of its data; a picture drawn
    under that key is served from disk with no report computed (any worker, after a restart);
    a key that is not the data's, or a unit the reader may not see, gets no such shortcut."""
    import re

    from lms.reports import views

    login(client, org["hr"])
    page = client.get("/reports/units/DEPT?cycle=2566").get_data(as_text=True)
    link = re.search(r'/reports/units/DEPT/charts/funnel\.png\?[^"]*v=([0-9a-f]{20})', page)
    key = link.group(1)
    first = client.get(f"/reports/units/DEPT/charts/funnel.png?cycle=2566&v={key}")
    assert first.data.startswith(b"\x89PNG")  # drawn now, and kept

    computed = []
    original = views.load_report
    monkeypatch.setattr(views, "load_report", lambda code: computed.append(code) or original(code))
    again = client.get(f"/reports/units/DEPT/charts/funnel.png?cycle=2566&v={key}")
    assert again.data == first.data and computed == []  # read from disk: no report at all
    other = client.get(f"/reports/units/DEPT/charts/funnel.png?cycle=2566&v={'0' * 20}")
    assert other.data == first.data and computed == ["DEPT"]  # not its key: from the report
    outsider = client.application.test_client()
    login(outsider, org["other_hr"])
    assert (
        outsider.get(f"/reports/units/DEPT/charts/funnel.png?cycle=2566&v={key}").status_code == 404
    )
    # the page's data changes: another key, so the picture is drawn again
    learn(person(org["root"], 9), cycle, "70", "5")  # one more person, and learning
    db.session.commit()
    newer = client.get("/reports/units/DEPT?cycle=2566").get_data(as_text=True)
    assert re.search(r"funnel\.png\?[^\"]*v=([0-9a-f]{20})", newer).group(1) != key


def _chart_keys(page: str) -> dict[str, str]:
    import re

    return dict(re.findall(r'/charts/(\w+)\.png\?[^"]*?v=([0-9a-f]{20})', page))


def test_a_chart_not_drawn_yet_is_drawn_from_the_data_the_page_kept(client, org, monkeypatch):
    """The page keeps the data of each chart nobody drew yet: the browser's request draws
    from it without computing the report; data that are not what their key names are not
    drawn (the report is computed instead)."""
    import json
    from pathlib import Path

    from lms.reports import views

    folder = Path(client.application.config["EXPORT_DIR"]) / "charts"
    shutil.rmtree(folder, ignore_errors=True)  # none drawn by an earlier test of this worker
    login(client, org["hr"])
    keys = _chart_keys(client.get("/reports/units/DEPT?cycle=2566").get_data(as_text=True))
    assert set(keys) == {"funnel", "radar", "hours", "meeting", "difference", "mix", "trend"}
    for name, key in keys.items():
        assert (folder / f"DEPT-{name}-{key}.json").is_file(), name
        assert not (folder / f"DEPT-{name}-{key}.png").exists(), name
    computed = []
    original = views.load_report
    monkeypatch.setattr(views, "load_report", lambda code: computed.append(code) or original(code))
    for name, key in keys.items():
        png = client.get(f"/reports/units/DEPT/charts/{name}.png?cycle=2566&v={key}")
        assert png.data.startswith(b"\x89PNG"), name
    assert computed == []  # seven charts, no report
    spec = folder / f"DEPT-funnel-{keys['funnel']}.json"
    (folder / f"DEPT-funnel-{keys['funnel']}.png").unlink()
    data = json.loads(spec.read_text())
    data["args"][1] += 1000  # another headcount under the same key
    spec.write_text(json.dumps(data))
    client.get(f"/reports/units/DEPT/charts/funnel.png?cycle=2566&v={keys['funnel']}")
    assert computed == ["DEPT"]


def test_the_task_queue_draws_a_pages_charts_ahead(client, org, monkeypatch):
    from pathlib import Path

    # the tests' queue runs tasks at once (the app is shared: the setting is put back after)
    monkeypatch.setitem(client.application.config, "CHARTS_AHEAD", True)
    folder = Path(client.application.config["EXPORT_DIR"]) / "charts"
    shutil.rmtree(folder, ignore_errors=True)
    login(client, org["hr"])
    keys = _chart_keys(client.get("/reports/units/DEPT?cycle=2566").get_data(as_text=True))
    assert keys and all((folder / f"DEPT-{n}-{k}.png").is_file() for n, k in keys.items())


def test_charts_not_drawn_for_two_days_are_cleaned_up(app):
    import os
    import time
    from pathlib import Path

    folder = Path(app.config["EXPORT_DIR"]) / "charts"
    folder.mkdir(parents=True, exist_ok=True)
    old, new = folder / "DEPT-funnel-old.png", folder / "DEPT-funnel-new.png"
    old_data = folder / "DEPT-funnel-old.json"
    for path in (old, new, old_data):
        path.write_bytes(b"\x89PNG")
    three_days_ago = time.time() - 3 * 86400
    os.utime(old, (three_days_ago, three_days_ago))
    os.utime(old_data, (three_days_ago, three_days_ago))
    result = app.test_cli_runner().invoke(args=["lms", "clean-uploads"])
    assert "old charts: 2" in result.output
    assert not old.exists() and not old_data.exists() and new.exists()
