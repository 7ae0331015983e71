"""Issue 22, part 6: a provider's completion export imported by HR through the same
check-everything-then-write path as the other imports, making the same completions that wait
for their person as a provider's xAPI statements."""

from datetime import datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from lms.exchange import ImportRefused, import_completions, read_table
from lms.extensions import db
from lms.models import Completion, Course, LearningActivity, Provider
from tests.conftest import login
from tests.factories import PersonFactory, UnitFactory

DAY = datetime(2023, 3, 1, 10, 0)  # in FY 2566, the open cycle of the fixtures
HEADER = "employee_no,email,provider,course_code,course_title,completed_on,score,hours\r\n"


@pytest.fixture
def office(cycle, frozen_clock):
    frozen_clock(DAY)
    unit, other = UnitFactory(), UnitFactory()
    tdga = db.session.scalars(select(Provider).where(Provider.code == "TDGA")).one()
    course = Course(
        provider_id=tdga.id,
        code="DG-FILE-1",
        title_th="ความปลอดภัยไซเบอร์เบื้องต้น",
        title_en="Cyber security basics",
        hours=Decimal("3"),
    )
    db.session.add(course)
    db.session.commit()
    return {
        "hr": PersonFactory(locale="en", unit=unit, roles=(("hr", unit),)),
        "staff": PersonFactory(unit=unit, employee_no="7001", email="anong.s@bma.go.th"),
        "away": PersonFactory(unit=other, employee_no="7002"),
        "course": course,
    }


def table(*lines: str):
    return read_table((HEADER + "".join(line + "\r\n" for line in lines)).encode())


def test_every_problem_is_reported_and_nothing_is_written(office):
    file = table(
        "7001,,TDGA,DG-FILE-1,,15/2/2566,85,",  # fine
        "9999,,TDGA,DG-FILE-1,,15/2/2566,,",  # nobody
        "7002,,TDGA,DG-FILE-1,,15/2/2566,,",  # outside HR's units
        ",anong.s@bma.go.th,,NOPE,,15/2/2566,,",  # no such course
        "7001,,,,ไม่มีหลักสูตรนี้,15/2/2566,,",  # no such title
        "7001,,TDGA,DG-FILE-1,,31/2/2566,101,-1",  # bad date, score, hours
        "7001,,TDGA,DG-FILE-1,,1/9/2570,,",  # a year Thaksa does not have
        "7001,,TDGA,DG-FILE-1,,16/2/2566,,",  # the same completion twice
    )
    with pytest.raises(ImportRefused) as refused:
        import_completions(file, by=office["hr"])
    found = {(p.row, p.column) for p in refused.value.problems}
    assert found == {
        (3, "employee_no"),
        (4, "employee_no"),
        (5, "course_code"),
        (6, "course_title"),
        (7, "completed_on"),
        (7, "score"),
        (7, "hours"),
        (8, "completed_on"),
        (9, "course_code"),
    }
    assert db.session.scalar(select(func.count()).select_from(Completion)) == 0


def test_rows_become_completions_waiting_for_their_person(office, cycle):
    file = table(
        ",ANONG.S@bma.go.th,,,Cyber security basics,2023-02-15,85,",
    )
    checked = import_completions(file, by=office["hr"], dry_run=True)
    assert checked.count("new") == 1 and not checked.written
    assert db.session.scalar(select(func.count()).select_from(Completion)) == 0
    done = import_completions(file, by=office["hr"])
    db.session.commit()
    completion = db.session.scalars(select(Completion)).one()
    assert (completion.person_id, completion.source, completion.score) == (
        office["staff"].id,
        "file",
        85,
    )
    assert completion.source_name == office["course"].provider.name_th and done.written
    assert db.session.scalar(select(func.count()).select_from(LearningActivity)) == 0
    again = import_completions(file, by=office["hr"], dry_run=True)  # next month's export
    assert again.count("unchanged") == 1 and again.count("new") == 0


def test_the_import_page_takes_a_completion_file(client, office):
    login(client, office["hr"])
    page = client.get("/admin/imports")
    assert "course_code" in page.text
    body = (HEADER + "7001,,TDGA,DG-FILE-1,,15/2/2566,90,2.5\r\n").encode()
    from io import BytesIO

    sent = client.post(
        "/admin/imports",
        data={"what": "completions", "file": (BytesIO(body), "tdga.csv"), "encoding": ""},
        content_type="multipart/form-data",
    )
    assert sent.status_code == 302
    preview = client.get(sent.headers["Location"])
    assert "Importing completed courses" in preview.text and "Import these 1 rows" in preview.text
    assert client.post(sent.headers["Location"], data={}).status_code == 302
    completion = db.session.scalars(select(Completion)).one()
    assert completion.hours == Decimal("2.5") and completion.status == "pending"
    template = client.get("/admin/imports/template-completions.csv")
    assert template.text.lstrip("\ufeff").startswith("employee_no,email,provider,course_code")
