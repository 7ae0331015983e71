"""Imports on the web (issue 18, part 2): upload, every problem with its row and column, the
preview, confirm, written; large files through the task queue; only importers, only their own
jobs; CSRF."""

import io

from flask_babel import force_locale, gettext
from sqlalchemy import func, select

from lms.exchange import jobs as import_jobs
from lms.extensions import db
from lms.models import Person, Unit
from tests.conftest import PASSWORD, csrf_token, login
from tests.factories import PersonFactory, UnitFactory
from tests.test_imports import PEOPLE, UNITS


def upload(client, what, text, **fields):
    data = {"what": what, "file": (io.BytesIO(text.encode("utf-8")), f"{what}.csv"), **fields}
    return client.post("/admin/imports", data=data, content_type="multipart/form-data")


def admin_in(client):
    top = UnitFactory(code="ROOT")
    admin = PersonFactory(unit=top, roles=(("admin", None),))
    login(client, admin)
    return admin


def test_the_administrator_reads_the_problems_then_previews_and_confirms(client):
    admin_in(client)
    answer = upload(client, "units", UNITS + "X1,หนึ่ง,,NOWHERE\n")
    assert answer.status_code == 302
    page = client.get(answer.location).get_data(as_text=True)
    assert "<td>NOWHERE</td>" in page and "parent_code" in page and ">7<" in page  # row 7
    assert db.session.scalar(select(func.count()).select_from(Unit)) == 1  # nothing written
    problems = client.get(answer.location + "/problems.csv").get_data(as_text=True)
    assert problems.splitlines()[1].startswith("7,parent_code,NOWHERE,")
    answer = upload(client, "units", UNITS)
    preview = client.get(answer.location).get_data(as_text=True)
    assert "IAO-1" in preview and db.session.scalar(select(func.count()).select_from(Unit)) == 1
    done = client.post(answer.location, follow_redirects=True).get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Unit)) == 6
    assert "admin/imports" in done  # next: the people
    client.post(answer.location)  # a second click writes nothing twice
    assert db.session.scalar(select(func.count()).select_from(Unit)) == 6
    answer = upload(client, "people", PEOPLE, deactivate_missing="y")
    assert "1001" in client.get(answer.location).get_data(as_text=True)
    client.post(answer.location)
    assert db.session.scalar(select(func.count()).select_from(Person)) == 6
    assert db.session.scalar(select(Person).where(Person.employee_no == "1001")).is_active


def test_a_large_file_is_checked_and_written_by_the_task_queue(client, monkeypatch):
    admin_in(client)
    monkeypatch.setattr(import_jobs, "INLINE_BYTES", 0)
    queued = []
    real = import_jobs.run_import
    monkeypatch.setattr(
        "lms.exchange.tasks.run_import", lambda job_id: (queued.append(job_id), real(job_id))
    )
    answer = upload(client, "units", UNITS)
    client.post(answer.location)
    assert len(queued) == 2  # the check and the writing
    assert db.session.scalar(select(func.count()).select_from(Unit)) == 6


def test_bad_uploads_come_back_with_a_message(client):
    admin_in(client)
    empty = client.post(
        "/admin/imports", data={"what": "people"}, content_type="multipart/form-data"
    )
    assert empty.status_code == 200 and 'id="file-errors"' in empty.get_data(as_text=True)
    garbage = upload(client, "people", "\x00" * 100)
    with force_locale("th"):
        said = gettext(
            "This is neither a CSV file nor an Excel workbook (.xlsx). Save it as one of them."
        )
    assert said in client.get(garbage.location).get_data(as_text=True)


def test_only_importers_reach_the_page_and_only_their_own_jobs(app, client):
    admin_in(client)
    answer = upload(client, "units", UNITS)
    unit = db.session.scalar(select(Unit).where(Unit.code == "ROOT"))
    other_hr = app.test_client()
    login(other_hr, PersonFactory(unit=unit, roles=(("hr", unit),)))
    assert other_hr.get("/admin/imports").status_code == 200
    assert other_hr.get(answer.location).status_code == 404  # someone else's job
    assert other_hr.post(answer.location).status_code == 404
    staff = app.test_client()
    login(staff, PersonFactory(unit=unit))
    assert staff.get("/admin/imports").status_code == 404
    assert staff.get("/admin/imports/template-people.csv").status_code == 404


def test_the_upload_needs_its_csrf_token(csrf_client):
    admin = PersonFactory(unit=UnitFactory(code="ROOT"), roles=(("admin", None),))
    token = csrf_token(csrf_client, "/login")
    csrf_client.post(
        "/login", data={"identifier": admin.email, "password": PASSWORD, "csrf_token": token}
    )
    refused = upload(csrf_client, "units", UNITS)
    assert refused.status_code == 400
    token = csrf_token(csrf_client, "/admin/imports")
    assert upload(csrf_client, "units", UNITS, csrf_token=token).status_code == 302


def test_the_example_files_import_cleanly(client):
    admin_in(client)
    for what in ("units", "people"):
        body = client.get(f"/admin/imports/template-{what}.csv").get_data(as_text=True)
        assert body.startswith("\ufeff") and "," in body.splitlines()[1]


def test_a_formula_in_the_problem_list_is_text_for_the_spreadsheet(client):
    admin_in(client)
    answer = upload(client, "units", "code,name_th,parent_code\nX,y,=cmd|' /C calc'!A0\n")
    problems = client.get(answer.location + "/problems.csv").get_data(as_text=True)
    assert problems.splitlines()[1].startswith("2,parent_code,'=cmd|' /C calc'!A0,")


def test_a_file_over_the_usual_upload_limit_is_taken_up_to_the_import_limit(
    app, client, monkeypatch
):
    admin_in(client)
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024 * 1024)
    monkeypatch.setitem(app.config, "IMPORT_MAX_MB", 3)
    big = UNITS + "".join(f"X{n},หน่วย {n},Unit {n},IAO\n" for n in range(60000))  # about 2 MB
    answer = upload(client, "units", big)
    assert answer.status_code == 302
    assert upload(client, "units", big * 2).status_code == 413  # past IMPORT_MAX_MB
    assert (
        client.post("/profile", data={"x": "y" * 2 * 1024 * 1024}).status_code == 413
    )  # elsewhere
