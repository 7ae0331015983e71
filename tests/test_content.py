"""content/ files: loaded idempotently, with the facts of shared/domain."""

import yaml
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from lms import PROJECT_ROOT
from lms.content import load_all
from lms.extensions import db
from lms.models import (
    ActivityKind,
    Course,
    Framework,
    FrameworkTarget,
    Provider,
    RoleGroup,
    SkillArea,
    Track,
)
from lms.text import fold


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_second_load_changes_nothing():
    report = load_all()
    db.session.commit()
    assert report.changes == 0, (report.created, report.updated)


def test_ocsc_framework_is_default_with_seven_areas_and_literacy_sub_skills():
    ocsc = db.session.scalars(select(Framework).where(Framework.code == "OCSC-2560")).one()
    assert ocsc.is_default
    assert [a.code for a in ocsc.areas] == [
        "DLIT",
        "DGOV",
        "DTECH",
        "DPSD",
        "SPM",
        "DLEAD",
        "DTRANS",
    ]
    literacy = ocsc.areas[0]
    assert [s.code for s in literacy.sub_skills if s.verified] == [
        "DLIT-COMP",
        "DLIT-NET",
        "DLIT-SAFE",
    ]
    assert [lvl.level for lvl in ocsc.scale] == [0, 1, 2, 3, 4]
    assert all(a.description_th and a.description_en for a in ocsc.areas)


def test_default_targets_match_the_domain_file():
    ocsc = db.session.scalars(select(Framework).where(Framework.code == "OCSC-2560")).one()
    rows = db.session.execute(
        select(RoleGroup.code, SkillArea.code, FrameworkTarget.level)
        .join(RoleGroup, RoleGroup.id == FrameworkTarget.role_group_id)
        .join(SkillArea, SkillArea.id == FrameworkTarget.area_id)
        .where(FrameworkTarget.framework_id == ocsc.id)
    ).all()
    targets = {(g, a): lvl for g, a, lvl in rows}
    data = yaml.safe_load((PROJECT_ROOT / "content/frameworks/ocsc-2560.yaml").read_text("utf-8"))
    applicable = {(g, a) for g, areas in data["applicable_areas"].items() for a in areas}
    assert set(targets) == applicable  # a target exactly where OCSC/TPQI assign the area
    assert len(targets) == 31
    assert ("ACAD", "DLEAD") not in targets and ("ACAD", "DTRANS") not in targets
    assert set(a for g, a in targets if g == "OTHER") == {"DLIT", "DGOV"}
    assert targets[("EXEC", "DLEAD")] == 4
    assert targets[("TECH", "DTECH")] == 4
    assert targets[("OTHER", "DLIT")] == 2


def test_dgp_framework_has_core_and_optional_areas():
    dgp = db.session.scalars(select(Framework).where(Framework.code == "DGP-2566")).one()
    # TPQI's official name, and the app says it maps IT/non-IT x level onto the OCSC groups
    assert dgp.name_th.startswith("สมรรถนะสนับสนุนการทำงานด้านดิจิทัลสำหรับข้าราชการและบุคลากรภาครัฐ")
    assert "กลุ่มภารกิจ 6 กลุ่ม" in dgp.note_th and "six OCSC role groups" in dgp.note_en
    assert {a.code for a in dgp.areas if a.category == "core"} == {"DLIT", "DGOV", "DLEAD"}
    assert {a.code for a in dgp.areas if a.category == "optional"} == {
        "DTECH",
        "DSERV",
        "DATA",
        "CYBER",
    }


def test_role_groups_tracks_kinds_and_catalogue():
    assert count(RoleGroup) == 6
    assert count(Track) == 4
    kinds = db.session.scalars(select(ActivityKind)).all()
    assert {k.bucket for k in kinds} == {"70", "20", "10"}
    assert len(kinds) == 16
    assert count(Provider) == 6  # with the BMA's own institute and WeGO
    assert count(Course) == 54


def test_unknown_course_page_links_to_the_provider_catalogue():
    course = db.session.scalars(select(Course).where(Course.code == "DS13")).one()
    assert course.url is None
    assert course.link == "https://learningportal.ocsc.go.th/learningspace/"


def test_reload_never_overwrites_a_course_hr_edited():
    course = db.session.scalars(select(Course).where(Course.code == "DS13")).one()
    course.title_th = "Digital Literacy (ฉบับปรับปรุง)"
    db.session.commit()
    load_all()
    db.session.commit()
    db.session.refresh(course)
    assert course.title_th == "Digital Literacy (ฉบับปรับปรุง)"
    course.title_th = "Digital Literacy"
    db.session.commit()


def test_fold_ignores_case_accents_and_thai_tone_marks():
    assert fold("Café  DATA") == "cafe data"
    assert fold("กฎหมายคุ้มครองข้อมูล") == fold("กฎหมายคุมครองขอมูล")
    assert fold(None) == ""


@given(st.text(max_size=60))
def test_fold_is_idempotent(value):
    assert fold(fold(value)) == fold(value)


def test_content_files_have_no_stray_keys():
    """A comma inside an unquoted YAML flow value silently splits it into extra keys."""
    from lms.content import CONTENT_DIR

    def empty_keys(node, where=""):
        if isinstance(node, dict):
            for key, value in node.items():
                if value is None:
                    yield f"{where}/{key}"
                yield from empty_keys(value, f"{where}/{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                yield from empty_keys(value, f"{where}[{i}]")

    import yaml

    for path in sorted(CONTENT_DIR.rglob("*.yaml")):
        assert list(empty_keys(yaml.safe_load(path.read_text(encoding="utf-8")))) == [], path.name


def test_long_names_survive_loading():
    kind = db.session.scalars(select(ActivityKind).where(ActivityKind.code == "ELEARNING")).one()
    assert kind.name_en == "Online course (TDGA, Thai MOOC, OCSC Learning Space)"
