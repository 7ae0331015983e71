"""Frameworks travel (issue 20, part 1): ours out as Moodle's competency-framework CSV and back
in as a new framework with the same areas and sub-skills; a Moodle file with a deeper tree,
multi-language names or another scale; a content file; bad files refused whole; who may."""

import csv
import io

import pytest
from sqlalchemy import func, select

from lms.extensions import db
from lms.models import AuditEvent, Framework, FrameworkTarget
from tests.conftest import login
from tests.factories import PersonFactory, UnitFactory

HEADER = (
    "Parent ID number,ID number,Short name,Description,Description format,Scale values,"
    "Scale configuration,Rule type (optional),Rule outcome (optional),Rule config (optional),"
    "Cross-referenced competency ID numbers,Exported ID (optional),Is framework,Taxonomy\n"
)
SCALE = '"ยังทำไม่ได้,ทำได้เมื่อมีผู้ช่วย,ทำได้ด้วยตนเอง,ทำได้คล่อง,สอนผู้อื่นได้"'


def _moodle(*rows: str, scale: str = SCALE) -> bytes:
    frame = (
        f',MOODLE-1,กรอบทดสอบ,จาก Moodle,1,{scale},"[{{""scaleid"":""3""}}]",,,,,,1,'
        '"competency,skill"\n'
    )
    return (HEADER + frame + "".join(r + "\n" for r in rows)).encode("utf-8")


@pytest.fixture
def admin():
    top = UnitFactory(code="TOP")
    return PersonFactory(unit=top, roles=(("admin", None),), locale="en")


def _framework(code: str) -> Framework | None:
    db.session.expire_all()
    return db.session.scalars(select(Framework).where(Framework.code == code)).first()


def _shape(framework: Framework) -> list:
    return [
        (a.code, a.name_th, a.description_th, [(s.code, s.name_th) for s in a.sub_skills])
        for a in framework.areas
    ]


def _upload(client, data: bytes, name: str = "framework.csv", code: str = ""):
    return client.post(
        "/admin/frameworks",
        data={"file": (io.BytesIO(data), name), "code": code},
        content_type="multipart/form-data",
    )


def test_ours_goes_out_for_moodle_and_comes_back_as_the_same_framework(client, admin, ocsc):
    login(client, admin)
    out = client.get("/admin/frameworks/OCSC-2560/moodle.csv")
    assert out.status_code == 200 and out.mimetype == "text/csv"
    text = out.get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[0][0] == "Parent ID number" and rows[0][-2:] == ["Is framework", "Taxonomy"]
    assert rows[1][1] == "OCSC-2560" and rows[1][12] == "1" and len(rows[1][5].split(",")) == 5
    back = _upload(client, out.get_data(), "ocsc.csv", code="OCSC-COPY")
    assert back.status_code == 302 and back.headers["Location"].endswith("/frameworks/OCSC-COPY")
    copy = _framework("OCSC-COPY")
    assert _shape(copy) == _shape(_framework("OCSC-2560"))
    assert [s.name_th for s in copy.scale] == [s.name_th for s in ocsc.scale]
    assert not copy.is_default
    assert (
        db.session.scalar(select(func.count()).where(FrameworkTarget.framework_id == copy.id)) == 0
    )  # Moodle has no targets: HR sets them per year
    page = client.get("/admin/frameworks/OCSC-COPY").get_data(as_text=True)
    assert "has no default targets" in page and "DLIT-COMP" in page
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"export_framework", "framework_imported"} <= actions


def test_the_command_line_does_the_same_both_ways(app, ocsc, tmp_path):
    cli = app.test_cli_runner()
    path = tmp_path / "ocsc.csv"
    done = cli.invoke(args=["lms", "framework", "export", "OCSC-2560", str(path)])
    assert done.exit_code == 0 and "7 skill areas" in done.output
    again = cli.invoke(args=["lms", "framework", "import", str(path)])
    assert again.exit_code == 1 and "exists already" in again.output  # never over ours
    dry = cli.invoke(args=["lms", "framework", "import", str(path), "--code", "X1", "--dry-run"])
    assert dry.exit_code == 0 and "Nothing added" in dry.output and _framework("X1") is None
    added = cli.invoke(args=["lms", "framework", "import", str(path), "--code", "X1"])
    assert added.exit_code == 0 and "Added X1" in added.output
    assert _shape(_framework("X1")) == _shape(_framework("OCSC-2560"))
    unknown = cli.invoke(args=["lms", "framework", "export", "NOPE", str(path)])
    assert unknown.exit_code != 0 and "OCSC-2560" in unknown.output


def test_a_deeper_tree_and_multi_language_names_are_mapped_and_said(client, admin, ocsc):
    login(client, admin)
    data = _moodle(
        ',A1,"<span lang=""th"" class=""multilang"">ข้อมูล</span>'
        '<span lang=""en"" class=""multilang"">Data</span>",<p>ใช้ข้อมูล</p>,1,,,,,,,,0,',
        "A1,A1-1,การอ่านข้อมูล,,2,,,,,,,,0,",
        "A1-1,A1-1-a,ตาราง,,2,,,,,,,,0,",
        "A1-1-a,A1-1-a-i,สูตร,,2,,,,,,,,0,",
        ",A2,{mlang th}ความปลอดภัย{mlang}{mlang en}Security{mlang},,2,,,,,,,,0,",
    )
    done = _upload(client, data)
    assert done.status_code == 302
    moodle = _framework("MOODLE-1")
    assert [(a.code, a.name_th, a.name_en) for a in moodle.areas] == [
        ("A1", "ข้อมูล", "Data"),
        ("A2", "ความปลอดภัย", "Security"),
    ]
    assert moodle.areas[0].description_th == "ใช้ข้อมูล"  # HTML made plain
    assert [(s.code, s.name_th) for s in moodle.areas[0].sub_skills] == [
        ("A1-1", "การอ่านข้อมูล"),
        ("A1-1-a", "การอ่านข้อมูล › ตาราง"),
        ("A1-1-a-i", "การอ่านข้อมูล › ตาราง › สูตร"),
    ]
    assert [s.level for s in moodle.scale] == [0, 1, 2, 3, 4]
    shown = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "2 competencies sit deeper than two levels" in shown  # said, not silent


@pytest.mark.parametrize(
    ("rows", "scale", "row", "says"),
    [
        ((",A1,หนึ่ง,,2,,,,,,,,0,", "B9,B1,สอง,,2,,,,,,,,0,"), SCALE, 4, "No competency in the file"),
        (
            (",A1,หนึ่ง,,2,,,,,,,,0,", "B2,B1,สอง,,2,,,,,,,,0,", "B1,B2,สาม,,2,,,,,,,,0,"),
            SCALE,
            4,
            "circle",
        ),
        ((",A1,หนึ่ง,,2,,,,,,,,0,", ",A1,สอง,,2,,,,,,,,0,"), SCALE, 4, "also on row 3"),
        ((",A1,หนึ่ง,,2,,,,,,,,0,",), '"น้อย,มาก"', 2, "this scale has 2 values"),
        ((",A 1,หนึ่ง,,2,,,,,,,,0,",), SCALE, 3, "no spaces"),
        ((",A1,,,2,,,,,,,,0,",), SCALE, 3, "Required"),
    ],
)
def test_a_bad_moodle_file_adds_nothing_and_says_where(client, admin, ocsc, rows, scale, row, says):
    login(client, admin)
    before = db.session.scalar(select(func.count()).select_from(Framework))
    refused = _upload(client, _moodle(*rows, scale=scale))
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422 and says in text
    assert f'<td class="num">{row}</td>' in text
    assert db.session.scalar(select(func.count()).select_from(Framework)) == before


def test_a_file_without_the_framework_row_or_columns_is_refused(client, admin, ocsc):
    login(client, admin)
    no_frame = (HEADER + ",A1,หนึ่ง,,2,,,,,,,,0,\n").encode()
    assert "Is framework = 1" in _upload(client, no_frame).get_data(as_text=True)
    people = b"employee_no,email\n1,a@b.c\n"
    assert "This column is missing" in _upload(client, people).get_data(as_text=True)
    empty = _upload(client, b"")
    assert empty.status_code == 422 and "choose the file" in empty.get_data(as_text=True)


CONTENT = """
code: DGP-COPY
name_th: กรอบทดลอง
skill_areas:
  - {code: DLIT, name_th: ความเข้าใจดิจิทัล, sub_skills: [{code: DLIT-1, name_th: ใช้คอมพิวเตอร์}]}
  - {code: DATA, name_th: ข้อมูล}
scale:
  - {level: 0, name_th: ศูนย์}
  - {level: 1, name_th: หนึ่ง}
  - {level: 2, name_th: สอง}
  - {level: 3, name_th: สาม}
  - {level: 4, name_th: สี่}
applicable_areas:
  SERV: {DLIT: verified, DATA: default}
applicable_sources: [https://example.test/unit/1]
default_targets:
  SERV: {DLIT: 3, DATA: 2}
"""


def test_a_content_file_comes_in_with_its_targets_and_their_confidence(client, admin, ocsc):
    login(client, admin)
    assert _upload(client, CONTENT.encode(), "dgp.yaml").status_code == 302
    added = _framework("DGP-COPY")
    targets = db.session.scalars(
        select(FrameworkTarget).where(FrameworkTarget.framework_id == added.id)
    ).all()
    assert sorted((t.level, t.confidence) for t in targets) == [(2, "default"), (3, "verified")]
    assert added.sources == "https://example.test/unit/1"
    bad = CONTENT.replace("DATA: 2}", "DATA: 9, CYBER: 1}").replace(
        "SERV: {DLIT: verified", "NOPE: {DLIT: verified"
    )
    bad = bad.replace("code: DGP-COPY", "code: DGP-BAD")
    refused = _upload(client, bad.encode(), "bad.yaml")
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422 and _framework("DGP-BAD") is None
    assert "Give a level of the scale, 0 to 4" in text
    assert "The framework has no skill area with this code" in text
    assert "No role group has this code" in text
    garbage = _upload(client, b"{ not: [yaml", "x.yaml")
    assert garbage.status_code == 422 and "YAML" in garbage.get_data(as_text=True)


def test_who_may_see_and_add_frameworks(client, ocsc):
    top = UnitFactory(code="TOP")
    dept = UnitFactory(code="DEP", parent=top)
    login(client, PersonFactory(unit=dept))
    assert client.get("/admin/frameworks").status_code == 404
    assert client.get("/admin/frameworks/OCSC-2560/moodle.csv").status_code == 404
    client = client.application.test_client()
    login(client, PersonFactory(unit=dept, roles=(("hr", dept),), locale="en"))
    page = client.get("/admin/frameworks")
    assert page.status_code == 200 and "Add a framework" not in page.get_data(as_text=True)
    assert _upload(client, CONTENT.encode(), "dgp.yaml").status_code == 403
    assert _framework("DGP-COPY") is None
    assert client.get("/admin/frameworks/NOPE").status_code == 404
