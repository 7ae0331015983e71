"""The learning log: record, validate, edit, delete; evidence files and who may open them."""

import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from lms.activities.evidence import stored_path
from lms.activities.services import ActivityError, log_activity
from lms.extensions import db
from lms.learning import goal_progress
from lms.models import ActivityKind, Course, EvidenceFile, LearningActivity
from lms.plans.services import add_planned_activity, build_from_gaps
from tests.conftest import login
from tests.factories import PersonFactory, UnitFactory, submitted_assessment

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


@pytest.fixture
def person(client, cycle):
    someone = PersonFactory()
    login(client, someone)
    return someone


def entries(person):
    db.session.expire_all()
    return db.session.scalars(
        select(LearningActivity).where(LearningActivity.person_id == person.id)
    ).all()


def form(**extra):
    data = {
        "bucket": "70",
        "kind_id": "",
        "title": "ทำแดชบอร์ดโครงการ",
        "goal_id": "",
        "occurred_on": "2023-01-10",
        "ended_on": "",
        "hours": "3",
        "course_id": "",
        "provider_name": "",
        "url": "",
        "pre_score": "",
        "post_score": "",
        "learned": "ใช้ Looker Studio",
        "applied": "ใช้ในรายงานประจำเดือน",
    }
    data.update(extra)
    return data


def test_recording_learning_and_seeing_it_in_the_log(client, person, cycle):
    response = client.post("/learning/2566/new", data=form())
    assert response.status_code == 302
    [activity] = entries(person)
    assert response.headers["Location"] == f"/learning/2566/{activity.id}"
    assert (activity.bucket, activity.hours, activity.occurred_on) == (
        "70",
        Decimal(3),
        date(2023, 1, 10),
    )
    page = client.get("/learning/2566/").get_data(as_text=True)
    assert "ทำแดชบอร์ดโครงการ" in page and "10 ม.ค. 2566" in page


@pytest.mark.parametrize(
    ("extra", "field_message"),
    [
        ({"hours": "-1"}, "ทศนิยมไม่เกิน 1 ตำแหน่ง"),
        ({"hours": "0.04"}, "ทศนิยมไม่เกิน 1 ตำแหน่ง"),  # probe r07: would round to 0
        ({"hours": "0.0"}, "จำนวนชั่วโมงต้องมากกว่า 0"),
        ({"hours": "Infinity"}, "ทศนิยมไม่เกิน 1 ตำแหน่ง"),
        ({"hours": "๒"}, "ทศนิยมไม่เกิน 1 ตำแหน่ง"),
        ({"hours": "0"}, "จำนวนชั่วโมงต้องมากกว่า 0"),
        ({"hours": "25"}, "เกิน 24 ชั่วโมงต่อวัน"),
        ({"hours": "1001", "ended_on": "2023-03-31"}, "หนึ่งกิจกรรมมีได้ไม่เกิน 1,000 ชั่วโมง"),
        ({"hours": "many"}, "กรุณาระบุจำนวนชั่วโมงเป็นตัวเลข"),
        ({"hours": ""}, "กรุณาระบุจำนวนชั่วโมง"),
        ({"occurred_on": "2021-12-01"}, "วันที่ต้องอยู่ในปีงบประมาณ 2566 (1 ต.ค. 2565 – 30 ก.ย. 2566)"),
        ({"occurred_on": ""}, "กรุณาระบุวันที่"),
        ({"ended_on": "2023-01-01"}, "วันสุดท้ายต้องไม่ก่อนวันแรก"),
        ({"bucket": "10", "title": ""}, "เลือกหลักสูตรจากรายการ หรือเขียนชื่อการเรียนรู้"),
        ({"title": ""}, "กรุณาเขียนสิ่งที่ท่านทำ"),
        ({"bucket": "10", "post_score": "101"}, "คะแนนต้องอยู่ระหว่าง 0 ถึง 100"),
        ({"bucket": "10", "pre_score": "-5"}, "คะแนนต้องอยู่ระหว่าง 0 ถึง 100"),
        ({"bucket": "10", "pre_score": "ห้าสิบ"}, "กรุณาระบุจำนวนเต็มตั้งแต่ 0 ถึง 100"),
        ({"url": "javascript:alert(1)"}, "ลิงก์ต้องขึ้นต้นด้วย https://"),
    ],
)
def test_bad_input_is_refused_with_the_typing_kept(client, person, extra, field_message):
    response = client.post("/learning/2566/new", data=form(**extra))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert field_message in page
    assert "ใช้ในรายงานประจำเดือน" in page  # what the person typed comes back
    assert entries(person) == []


def test_a_date_in_the_future_is_refused(client, person, cycle, monkeypatch):
    monkeypatch.setattr("lms.activities.services.today", lambda: date(2023, 1, 5))
    response = client.post("/learning/2566/new", data=form(occurred_on="2023-01-10"))
    assert "วันที่ต้องไม่เป็นวันในอนาคต" in response.get_data(as_text=True)


def test_hours_over_several_days_and_the_24_hour_day(client, person):
    assert (
        client.post("/learning/2566/new", data=form(hours="30", ended_on="2023-01-12")).status_code
        == 302
    )
    assert (
        client.post(
            "/learning/2566/new", data=form(hours="20", occurred_on="2023-02-01")
        ).status_code
        == 302
    )
    response = client.post("/learning/2566/new", data=form(hours="5", occurred_on="2023-02-01"))
    assert response.status_code == 422
    assert "รวมกับที่บันทึกไว้แล้วในวันที่ 1 ก.พ. 2566 (20" in response.get_data(as_text=True)
    assert len(entries(person)) == 2


def test_a_course_brings_its_title_and_scores(client, person):
    course = db.session.scalars(select(Course).where(Course.code == "DS13")).one()
    data = form(
        bucket="10",
        title="",
        course_id=str(course.id),
        pre_score="40",
        post_score="85",
        completed="y",
    )
    assert client.post("/learning/2566/new", data=data).status_code == 302
    [activity] = entries(person)
    assert activity.title == "Digital Literacy" and activity.completed
    assert (activity.pre_score, activity.post_score) == (40, 85)


def test_kind_must_belong_to_the_bucket(client, person):
    coaching = db.session.scalars(select(ActivityKind).where(ActivityKind.code == "COACHING")).one()
    response = client.post("/learning/2566/new", data=form(kind_id=str(coaching.id)))
    assert "ประเภทนี้อยู่ในส่วน 20" in response.get_data(as_text=True)


def test_only_my_own_goals_can_be_linked(client, person, cycle):
    other = PersonFactory()
    submitted_assessment(other, cycle)
    plan, _ = build_from_gaps(other, cycle, by=other)
    db.session.commit()
    response = client.post("/learning/2566/new", data=form(goal_id=str(plan.goals[0].id)))
    assert response.status_code == 422
    assert "กรุณาเลือกจากรายการ" in response.get_data(as_text=True)  # not among my goals
    assert entries(person) == []
    # the rule itself, for callers without a form (the API)
    with pytest.raises(ActivityError):
        log_activity(
            person,
            cycle,
            {
                "bucket": "70",
                "title": "x",
                "goal": plan.goals[0],
                "occurred_on": date(2023, 1, 3),
                "hours": Decimal(1),
            },
            by=person,
        )


def test_edit_and_delete_my_own_entries(client, person, cycle):
    client.post("/learning/2566/new", data=form())
    [activity] = entries(person)
    activity.verified_at, activity.verified_by_id = date(2023, 1, 12), person.id
    db.session.commit()
    response = client.post(f"/learning/2566/{activity.id}/edit", data=form(hours="4"))
    assert response.status_code == 302
    [changed] = entries(person)
    assert changed.hours == Decimal(4)
    assert changed.verified_at is None  # a changed entry needs the supervisor's look again
    client.post(f"/learning/2566/{activity.id}/delete")
    assert entries(person) == []


def test_someone_elses_entries_are_not_found(client, person, cycle):
    other = PersonFactory()
    theirs = log_activity(
        other,
        cycle,
        {"bucket": "70", "title": "x", "occurred_on": date(2023, 1, 3), "hours": Decimal(1)},
        by=other,
    )
    db.session.commit()
    for method, url in [
        ("get", f"/learning/2566/{theirs.id}"),
        ("get", f"/learning/2566/{theirs.id}/edit"),
        ("post", f"/learning/2566/{theirs.id}/edit"),
        ("post", f"/learning/2566/{theirs.id}/delete"),
        ("post", f"/learning/2566/{theirs.id}/evidence"),
    ]:
        assert getattr(client, method)(url).status_code == 404, url
    assert len(entries(other)) == 1


def test_a_closed_cycle_cannot_change(client, person, cycle):
    client.post("/learning/2566/new", data=form())
    [activity] = entries(person)
    cycle.status = "closed"
    db.session.commit()
    assert client.get("/learning/2566/new").status_code == 302
    response = client.post(
        f"/learning/2566/{activity.id}/edit", data=form(hours="9"), follow_redirects=True
    )
    assert "รอบนี้ปิดแล้ว" in response.get_data(as_text=True)
    assert entries(person)[0].hours == Decimal(3)


def test_progress_per_goal_counts_planned_against_done(client, person, cycle):
    submitted_assessment(person, cycle)
    plan, _ = build_from_gaps(person, cycle, by=person)
    goal = plan.goals[0]
    add_planned_activity(goal, {"bucket": "70", "title": "a", "hours": Decimal(10)}, by=person)
    add_planned_activity(goal, {"bucket": "20", "title": "b", "hours": Decimal(10)}, by=person)
    db.session.commit()
    client.post("/learning/2566/new", data=form(goal_id=str(goal.id), hours="5"))
    [row] = [p for p in goal_progress(plan) if p.goal.id == goal.id]
    assert (row.planned_count, row.planned_hours, row.done_count, row.done_hours) == (2, 20, 1, 5)
    assert row.hours_share == 0.25
    assert "5 / 20" in client.get("/learning/2566/").get_data(as_text=True)


# Evidence -----------------------------------------------------------------------------------


@pytest.fixture
def activity(client, person):
    client.post("/learning/2566/new", data=form())
    return entries(person)[0]


def stored_files(app) -> set[Path]:
    return {p for p in Path(app.config["UPLOAD_DIR"]).rglob("*") if p.is_file()}


def upload(client, activity, data, name, kind="certificate"):
    return client.post(
        f"/learning/2566/{activity.id}/evidence",
        data={"file": (io.BytesIO(data), name), "kind": kind},
        content_type="multipart/form-data",
    )


@pytest.mark.parametrize(
    ("data", "name"), [(PNG, "cert.png"), (PDF, "cert.PDF"), (JPEG, "photo.jpeg")]
)
def test_evidence_is_stored_outside_the_web_root_under_a_random_name(
    client, app, activity, data, name
):
    assert upload(client, activity, data, name).status_code == 302
    [item] = db.session.scalars(select(EvidenceFile)).all()
    path = stored_path(item)
    assert path.read_bytes() == data
    assert Path(app.config["UPLOAD_DIR"]) in path.parents
    assert Path(app.static_folder) not in path.parents
    assert name not in str(path) and len(item.stored_name) == 48
    served = client.get(f"/learning/evidence/{item.id}")
    assert served.status_code == 200 and served.data == data
    assert served.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"just some text", "cert.pdf", "หลักฐานต้องเป็นไฟล์ PDF, PNG หรือ JPEG เท่านั้น"),
        (PNG, "cert.pdf", "ไฟล์ไม่ตรงกับชื่อ"),
        (PDF, "cert.png", "ไฟล์ไม่ตรงกับชื่อ"),
        (b"MZ\x90\x00 windows program", "cert.exe", "หลักฐานต้องเป็นไฟล์ PDF, PNG หรือ JPEG เท่านั้น"),
        (PNG + b"\x00" * (5 * 1024 * 1024), "big.png", "ไฟล์ใหญ่เกิน 5 MB"),
        (b"", "empty.png", "กรุณาเลือกไฟล์ที่จะอัปโหลด"),
    ],
)
def test_files_that_are_not_what_they_say_are_refused(client, app, activity, data, name, message):
    before = stored_files(app)
    response = upload(client, activity, data, name)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalars(select(EvidenceFile)).all() == []
    assert stored_files(app) == before  # nothing written to disk either


def test_the_same_file_twice_is_refused(client, activity):
    upload(client, activity, PNG, "a.png")
    response = upload(client, activity, PNG, "b.png")
    assert "แนบไฟล์นี้ไว้กับกิจกรรมนี้แล้ว" in response.get_data(as_text=True)


def test_a_request_over_the_size_limit_is_refused_politely(client, app, activity, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024)
    response = upload(client, activity, PNG + b"\x00" * 4096, "big.png")
    assert response.status_code == 413
    assert "ไฟล์มีขนาดใหญ่เกินไป" in response.get_data(as_text=True)


def test_removing_evidence_and_deleting_the_activity_remove_the_files(client, activity):
    upload(client, activity, PNG, "a.png")
    upload(client, activity, PDF, "b.pdf")
    first, second = db.session.scalars(select(EvidenceFile).order_by(EvidenceFile.id)).all()
    first_path, second_path = stored_path(first), stored_path(second)
    client.post(f"/learning/evidence/{first.id}/delete")
    assert not first_path.exists() and second_path.exists()
    client.post(f"/learning/2566/{activity.id}/delete")
    assert not second_path.exists()
    assert db.session.scalars(select(EvidenceFile)).all() == []


@pytest.fixture
def evidence_org(app, cycle):
    """An owner with evidence, and people around them with different rights."""
    root = UnitFactory(code="E-ROOT")
    home = UnitFactory(code="E-HOME", parent=root)
    away = UnitFactory(code="E-AWAY", parent=root)
    boss = PersonFactory(unit=home)
    owner = PersonFactory(unit=home, supervisor=boss)
    people = {
        "owner": owner,
        "boss": boss,
        "colleague": PersonFactory(unit=home),
        "hr": PersonFactory(unit=away, roles=(("hr", home),)),
        "hr_elsewhere": PersonFactory(unit=home, roles=(("hr", away),)),
        "executive": PersonFactory(unit=away, roles=(("executive", root),)),
        "admin": PersonFactory(unit=away, roles=(("admin", None),)),
    }
    owner_client = app.test_client()
    login(owner_client, owner)
    owner_client.post("/learning/2566/new", data=form())
    [activity] = entries(owner)
    upload(owner_client, activity, PNG, "cert.png")
    people["evidence"] = db.session.scalars(select(EvidenceFile)).one()
    return people


@pytest.mark.parametrize(
    ("viewer", "allowed"),
    [
        ("owner", True),
        ("boss", True),
        ("hr", True),
        ("admin", True),
        ("colleague", False),
        ("hr_elsewhere", False),
        ("executive", False),
    ],
)
def test_who_may_open_an_evidence_file(app, evidence_org, viewer, allowed):
    client = app.test_client()
    login(client, evidence_org[viewer])
    response = client.get(f"/learning/evidence/{evidence_org['evidence'].id}")
    assert response.status_code == (200 if allowed else 404)
    if not allowed:
        assert response.data[:8] != PNG[:8]


def test_evidence_needs_a_log_in(app, evidence_org):
    response = app.test_client().get(f"/learning/evidence/{evidence_org['evidence'].id}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_supervisors_see_the_learning_log_with_evidence_links(app, evidence_org):
    owner = evidence_org["owner"]
    client = app.test_client()
    login(client, evidence_org["boss"])
    page = client.get(f"/people/{owner.employee_no}/learning/2566").get_data(as_text=True)
    assert (
        "ทำแดชบอร์ดโครงการ" in page and f"/learning/evidence/{evidence_org['evidence'].id}" in page
    )
    executive = app.test_client()
    login(executive, evidence_org["executive"])
    page = executive.get(f"/people/{owner.employee_no}/learning/2566").get_data(as_text=True)
    assert "ทำแดชบอร์ดโครงการ" in page and "/learning/evidence/" not in page


def test_dates_are_typed_and_shown_in_the_buddhist_era(client, person):
    page = client.get("/learning/2566/new").get_data(as_text=True)
    assert 'placeholder="31/1/2566"' in page
    response = client.post("/learning/2566/new", data=form(occurred_on="10/1/2566"))
    assert response.status_code == 302
    [activity] = entries(person)
    assert activity.occurred_on == date(2023, 1, 10)
    page = client.get(f"/learning/2566/{activity.id}/edit").get_data(as_text=True)
    assert 'value="10/1/2566"' in page
    bad = client.post("/learning/2566/new", data=form(occurred_on="31/2/2566"))
    assert "กรุณาระบุวันที่เป็น วัน/เดือน/ปี พ.ศ." in bad.get_data(as_text=True)
    assert 'value="31/2/2566"' in bad.get_data(as_text=True)  # what was typed comes back
