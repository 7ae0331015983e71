"""Imports of units and people (issue 18, part 2): every row checked before anything is written
(row as a spreadsheet numbers it, column, why), all-or-nothing, the same file twice changes
nothing, moves keep history, leavers only with --deactivate-missing, HR only inside their
units, and the report summary equal to a rebuild after every import."""

import io
import zipfile
from datetime import date

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from lms.clock import today
from lms.cycles import create_cycle, fiscal_be_year
from lms.exchange import FileRefused, ImportRefused, import_people, import_units, read_table
from lms.extensions import db
from lms.models import AuditEvent, Person, RoleAssignment, Unit, UnitMembership
from lms.models.lines import team_counts_drift
from lms.reports import upkeep
from lms.reports.queries import ensure_summary
from lms.reports.summary import drift
from lms.text import fold
from tests.factories import PersonFactory, UnitFactory, submitted_assessment

UNITS = (
    "code,name_th,name_en,parent_code\n"
    "BMA,กรุงเทพมหานคร,Bangkok Metropolitan Administration,\n"
    "IAO,สำนักงานการต่างประเทศ,International Affairs Office,BMA\n"
    "IAO-1,ส่วนวิเทศสัมพันธ์,Foreign Relations Section,IAO\n"
    "IAO-2,ส่วนพิธีการ,Protocol Section,IAO\n"
    "DIST,สำนักงานเขตพระนคร,Phra Nakhon District Office,BMA\n"
)
PEOPLE_HEADER = (
    "employee_no,email,name_th,name_en,position_th,role_group,unit_code,"
    "supervisor_employee_no,roles,scope_unit_code,effective_on\n"
)
PEOPLE = PEOPLE_HEADER + (
    "1001,director@bma.go.th,นายสมชาย ใจดี,Somchai Jaidee,ผู้อำนวยการสำนักงาน,MGMT,IAO,,"
    "supervisor;executive,IAO,\n"
    "1002,hr@bma.go.th,นางสาวศิริพร แสงทอง,Siriporn Saengthong,นักทรัพยากรบุคคล,ACAD,IAO,1001,hr,IAO,\n"
    "1003,,นายวิชัย รักงาน,,เจ้าหน้าที่ธุรการ,SERV,IAO-1,1004,,,\n"
    "1004,head1@bma.go.th,นางน้ำฝน ศรีสุข,Namfon Srisuk,หัวหน้าส่วน,ACAD,IAO-1,1001,supervisor,,\n"
    "1005,,นายประยุทธ มีสุข,,นักวิชาการคอมพิวเตอร์,TECH,IAO-2,1001,,,\n"
)


def table(text: str, encoding: str = "utf-8"):
    return read_table(text.encode(encoding))


def units_in():
    import_units(table(UNITS), by=None)
    db.session.commit()


def people_in(text=PEOPLE, **options):
    outcome = import_people(table(text), by=None, **options)
    db.session.commit()
    return outcome


def problems_of(call) -> list[tuple[int, str]]:
    with pytest.raises(ImportRefused) as refused:
        call()
    db.session.rollback()
    return [(p.row, p.column) for p in refused.value.problems]


def person(no: str) -> Person:
    return db.session.scalars(select(Person).where(Person.employee_no == no)).one()


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# -- reading files ------------------------------------------------------------------------------


def test_a_csv_is_read_in_utf8_with_or_without_bom_and_in_thai_windows_encoding():
    plain = table(UNITS)
    with_bom = read_table(b"\xef\xbb\xbf" + UNITS.encode("utf-8"))
    windows = read_table(UNITS.replace("\n", "\r\n").encode("cp874"))
    assert plain.rows == with_bom.rows == windows.rows
    assert (plain.encoding, windows.encoding) == ("utf-8", "cp874")
    assert plain.rows[0] == (
        2,
        {
            "code": "BMA",
            "name_th": "กรุงเทพมหานคร",
            "name_en": "Bangkok Metropolitan Administration",
            "parent_code": "",
        },
    )


def test_an_excel_csv_with_semicolons_and_headers_in_other_case_reads_the_same():
    excel = UNITS.replace(",", ";").replace("code;name_th", "Code ;Name_TH")
    assert (
        read_table(b"\xef\xbb\xbf" + excel.replace("\n", "\r\n").encode()).rows == table(UNITS).rows
    )


def test_garbage_a_fake_workbook_and_an_unknown_encoding_are_refused_with_a_reason():
    for data in (bytes(range(256)) * 40000, b"PK\x03\x04 not really a zip", b"   \n"):
        with pytest.raises(FileRefused):
            read_table(data)
    with pytest.raises(FileRefused):
        read_table("code,name_th\nX,ไทย\n".encode("cp874"), encoding="utf-8")
    with pytest.raises(FileRefused):
        read_table(b"code,name_th\nX,\x81\x82\xff\n")  # neither UTF-8 nor cp874


def xlsx(rows, *, sheet="people", extra_first=False, formula_cell=None) -> bytes:
    book = Workbook()
    first = book.active
    if extra_first:
        first.title = "readme"
        first.append(["This sheet explains the file"])
        sheet_ = book.create_sheet(sheet)
    else:
        sheet_ = first
        sheet_.title = sheet
    for row in rows:
        sheet_.append(row)
    out = io.BytesIO()
    book.save(out)
    if formula_cell is None:
        return out.getvalue()
    # A formula with the result Excel saved beside it (openpyxl writes no results itself).
    cell, formula, result = formula_cell
    rebuilt = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as src, zipfile.ZipFile(rebuilt, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            text = data.decode(errors="replace")
            if item.filename.startswith("xl/worksheets/sheet") and f'<c r="{cell}"' in text:
                start = text.index(f'<c r="{cell}"')
                end = text.index("</c>", start) + 4
                text = (
                    text[:start]
                    + f'<c r="{cell}" t="str"><f>{formula}</f><v>{result}</v></c>'
                    + text[end:]
                )
                data = text.encode()
            dst.writestr(item, data)
    return rebuilt.getvalue()


def test_an_xlsx_is_read_from_a_named_sheet_with_numbers_as_text_and_saved_formula_results():
    rows = [["code", "name_th", "name_en", "parent_code"], [2570, "ไทย", "x", None]]
    data = xlsx(rows, extra_first=True, formula_cell=("C2", "UPPER(B2)", "TWO"))
    read = read_table(data, sheet="people")
    assert read.rows == [
        (2, {"code": "2570", "name_th": "ไทย", "name_en": "TWO", "parent_code": ""})
    ]
    assert read_table(data).rows == []  # the first sheet: the readme, without a second row
    with pytest.raises(FileRefused):
        read_table(data, sheet="nope")


# -- units ----------------------------------------------------------------------------------


def test_units_come_in_as_a_tree_and_the_same_file_twice_changes_nothing():
    outcome = import_units(table(UNITS), by=None)
    db.session.commit()
    assert outcome.count("new") == 5 and outcome.written
    iao = db.session.scalars(select(Unit).where(Unit.code == "IAO")).one()
    section = db.session.scalars(select(Unit).where(Unit.code == "IAO-1")).one()
    assert iao.contains(section) and section.depth == 2
    again = import_units(table(UNITS), by=None)
    db.session.commit()
    assert again.counts == {"unchanged": 5}
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "import_units")) == 2


def test_a_unit_moved_under_another_parent_takes_its_subtree_and_its_people(ocsc):
    cycle = create_cycle(fiscal_be_year(today()), ocsc, status="open")
    units_in()
    people_in()
    ensure_summary(cycle)
    db.session.commit()
    moved = UNITS.replace(
        "IAO,สำนักงานการต่างประเทศ,International Affairs Office,BMA",
        "IAO,สำนักงานการต่างประเทศ,International Affairs Office,DIST",
    )
    outcome = import_units(table(moved), by=None)
    db.session.commit()
    assert outcome.moved == [
        {"key": "IAO", "name": "สำนักงานการต่างประเทศ", "before": "BMA", "after": "DIST"}
    ]
    dist = db.session.scalars(select(Unit).where(Unit.code == "DIST")).one()
    section = db.session.scalars(select(Unit).where(Unit.code == "IAO-1")).one()
    assert dist.contains(section) and section.depth == 3
    assert person("1003").unit_id == section.id  # people stay in their unit
    assert drift(cycle) == []  # their hours per person now count under DIST, not BMA


def test_bad_unit_rows_are_all_reported_and_nothing_is_written():
    bad = UNITS + (
        "IAO,ซ้ำ,,BMA\n"  # row 7: duplicate code
        ",ไม่มีรหัส,,BMA\n"  # row 8: no code
        "X1,หนึ่ง,,X2\n"  # rows 9-10: a circle
        "X2,สอง,,X1\n"
        "X3,สาม,,NOWHERE\n"  # row 11: unknown parent
    )
    assert problems_of(lambda: import_units(table(bad), by=None)) == [
        (7, "code"),
        (8, "code"),
        (9, "parent_code"),
        (10, "parent_code"),
        (11, "parent_code"),
    ]
    assert count(Unit) == 0
    assert problems_of(lambda: import_units(table("code,name\nA,B\n"), by=None)) == [
        (1, "name"),
        (1, "name_th"),
    ]


# -- people ---------------------------------------------------------------------------------


def test_people_come_in_with_units_roles_supervisors_and_history():
    units_in()
    outcome = people_in()
    assert outcome.count("new") == 5
    director, section_head, clerk = person("1001"), person("1004"), person("1003")
    assert clerk.supervisor_id == section_head.id and section_head.supervisor_id == director.id
    assert clerk.email is None and person("1005").email is None  # several without e-mail
    assert {(r.role, r.scope_unit.code if r.scope_unit else None) for r in director.roles} == {
        ("supervisor", None),
        ("executive", "IAO"),
    }
    assert (
        db.session.scalars(select(UnitMembership).where(UnitMembership.person_id == clerk.id))
        .one()
        .valid_from
        == today()
    )
    assert fold("นางนำฝน") in section_head.search_key  # typed without the tone mark
    assert people_in().counts == {"unchanged": 5}  # the same file twice changes nothing


def test_a_move_keeps_history_from_the_effective_day_and_changes_are_listed():
    units_in()
    people_in()
    day = date.fromordinal(today().toordinal() + 10)
    be = f"{day.day}/{day.month}/{day.year + 543}"
    moved = PEOPLE.replace(
        "1003,,นายวิชัย รักงาน,,เจ้าหน้าที่ธุรการ,SERV,IAO-1,1004,,,",
        f"1003,wichai@bma.go.th,นายวิชัย รักงาน,,เจ้าหน้าที่ธุรการ,SERV,IAO-2,1001,,,{be}",
    )
    outcome = people_in(moved)
    assert outcome.counts == {"moved": 1, "changed": 1, "unchanged": 4}
    assert outcome.moved[0]["before"] == "IAO-1" and outcome.moved[0]["after"] == "IAO-2"
    changes = {c[0]: c[1:] for c in outcome.changed[0]["changes"]}
    assert changes == {"email": ["", "wichai@bma.go.th"], "supervisor_id": ["1004", "1001"]}
    clerk = person("1003")
    spans = db.session.execute(
        select(UnitMembership.valid_from, UnitMembership.valid_to)
        .where(UnitMembership.person_id == clerk.id)
        .order_by(UnitMembership.valid_from)
    ).all()
    assert spans == [(today(), day), (day, None)]


def test_leavers_are_deactivated_only_when_asked_and_come_back_when_listed_again():
    units_in()
    people_in()
    without_1005 = PEOPLE.rsplit("1005,", 1)[0]
    assert people_in(without_1005).counts == {"unchanged": 4}
    assert person("1005").is_active
    outcome = people_in(without_1005, deactivate_missing=True)
    assert outcome.counts == {"unchanged": 4, "deactivated": 1}
    assert not person("1005").is_active and count(Person) == 5  # never deleted
    assert people_in().counts == {"unchanged": 4, "reactivated": 1}
    assert person("1005").is_active


def test_every_bad_person_row_is_reported_with_row_and_column_and_nothing_is_written():
    units_in()
    bad = PEOPLE + (
        "1001,x@bma.go.th,ซ้ำ,,,ACAD,IAO,,,,\n"  # 7 duplicate number
        "1006,not-an-email,ก,,,WIZARD,NOWHERE,,,,\n"  # 8 e-mail, group, unit
        "1007,director@bma.go.th,ข,,,ACAD,IAO,1007,boss,,\n"  # 9 dup e-mail, self, role
        "1008,,ค,,,ACAD,IAO,9999,hr,,\n"  # 10 unknown supervisor, hr without scope
        "1009,,ง,,,ACAD,IAO,1010,,IAO,31/2/2570\n"  # 11 circle, scope without role, date
        "1010,,จ,,,ACAD,IAO,1009,,,\n"  # 12 circle
        ",,,,,,,,,,\n"  # blank: skipped
        "1011,,,,,,,,,,\n"  # 14: required cells
    )
    assert problems_of(lambda: import_people(table(bad), by=None)) == [
        (7, "employee_no"),
        (8, "email"),
        (8, "role_group"),
        (8, "unit_code"),
        (9, "email"),
        (9, "roles"),
        (9, "supervisor_employee_no"),
        (10, "scope_unit_code"),
        (10, "supervisor_employee_no"),
        (11, "effective_on"),
        (11, "scope_unit_code"),
        (11, "supervisor_employee_no"),
        (12, "supervisor_employee_no"),
        (14, "name_th"),
        (14, "role_group"),
        (14, "unit_code"),
    ]
    assert count(Person) == 0 and count(RoleAssignment) == 0


def test_a_formula_in_a_csv_is_kept_as_text_and_a_supervisor_elsewhere_is_refused():
    units_in()
    import_units(table("code,name_th,name_en,parent_code\nOTHER,องค์กรอื่น,,\n"), by=None)
    people_in(PEOPLE + "2001,,=cmd|' /C calc'!A0,,,ACAD,OTHER,,,,\n")
    assert person("2001").name_th == "=cmd|' /C calc'!A0"
    refused = PEOPLE + "2001,,=cmd|' /C calc'!A0,,,ACAD,OTHER,1001,,,\n"
    assert problems_of(lambda: import_people(table(refused), by=None)) == [
        (7, "supervisor_employee_no")
    ]


def test_hr_imports_only_inside_their_units_and_the_file_is_refused_whole():
    units_in()
    people_in()
    hr = person("1002")  # HR of IAO
    mine = PEOPLE_HEADER + "3001,,ใหม่,,,ACAD,IAO-2,1001,,,\n"
    assert import_people(table(mine), by=hr).count("new") == 1
    db.session.rollback()
    outside = mine + "3002,,นอก,,,ACAD,DIST,,,,\n" + "1001,,ผอ,,,MGMT,IAO,,admin,,\n"
    assert problems_of(lambda: import_people(table(outside), by=hr)) == [
        (3, "unit_code"),
        (4, "roles"),
    ]
    assert problems_of(
        lambda: import_units(table("code,name_th,parent_code\nNEW,ใหม่,DIST\nIAO,x,DIST\n"), by=hr)
    ) == [(2, "parent_code"), (3, "parent_code")]
    assert (
        import_units(table("code,name_th,parent_code\nIAO-3,ส่วนใหม่,IAO\n"), by=hr).count("new") == 1
    )


@pytest.mark.parametrize("bulk_people", [2000, 1], ids=["refreshed", "rebuilt"])
def test_the_report_summary_equals_a_rebuild_after_every_import(ocsc, monkeypatch, bulk_people):
    """A short file refreshes the people it touches; past BULK_PEOPLE the cycle is rebuilt."""
    monkeypatch.setattr(upkeep, "BULK_PEOPLE", bulk_people)
    units_in()
    people_in()
    cycle = create_cycle(fiscal_be_year(today()), ocsc, status="open")
    db.session.commit()
    submitted_assessment(person("1003"), cycle)
    ensure_summary(cycle)
    db.session.commit()
    moved = PEOPLE.replace("SERV,IAO-1,1004", "TECH,IAO-2,1004").rsplit("1005,", 1)[0]
    people_in(moved + "1006,,คนใหม่,,,ACAD,IAO-2,1001,,,\n", deactivate_missing=True)
    assert drift(cycle) == []
    assert team_counts_drift() == []  # the team sizes too, kept by the triggers
    import_units(
        table(
            UNITS.replace(
                "IAO-1,ส่วนวิเทศสัมพันธ์,Foreign Relations Section,IAO",
                "IAO-1,ส่วนวิเทศสัมพันธ์,Foreign Relations Section,DIST",
            )
        ),
        by=None,
    )
    db.session.commit()
    assert drift(cycle) == []


def test_a_dry_run_writes_nothing_and_says_what_would_change(ocsc):
    units_in()
    outcome = import_people(table(PEOPLE), by=None, dry_run=True)
    db.session.commit()
    assert outcome.count("new") == 5 and not outcome.written and count(Person) == 0


def test_an_effective_day_in_a_closed_year_is_refused(closed_cycle):
    units_in()
    text = PEOPLE_HEADER + "1001,,ก,,,ACAD,IAO,,,,1/10/2564\n"
    assert problems_of(lambda: import_people(table(text), by=None)) == [(2, "effective_on")]


def test_people_made_by_hand_are_updated_by_the_file():
    top = UnitFactory(code="BMA")
    UnitFactory(code="IAO", parent=top)
    PersonFactory(employee_no="1001", unit=top)
    units_in()
    outcome = people_in()
    assert outcome.counts["new"] == 4 and len(outcome.moved) == 1


def test_the_command_checks_previews_with_dry_run_and_writes(app, tmp_path):
    runner = app.test_cli_runner()
    units = tmp_path / "units.csv"
    units.write_bytes(UNITS.encode("cp874"))
    people = tmp_path / "people.csv"
    people.write_text(PEOPLE + "1006,,ก,,,WIZARD,IAO,,,,\n", encoding="utf-8-sig")
    result = runner.invoke(args=["lms", "import", "units", str(units), "--dry-run"])
    assert result.exit_code == 0 and "(cp874)" in result.output and "new 5" in result.output
    assert count(Unit) == 0
    assert runner.invoke(args=["lms", "import", "units", str(units)]).exit_code == 0
    refused = runner.invoke(args=["lms", "import", "people", str(people)])
    assert refused.exit_code == 1 and "row 7, role_group: Unknown role group" in refused.output
    assert count(Person) == 0
    people.write_text(PEOPLE, encoding="utf-8")
    written = runner.invoke(args=["lms", "import", "people", str(people), "--deactivate-missing"])
    assert written.exit_code == 0 and "new 5" in written.output and count(Person) == 5
