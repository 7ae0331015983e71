"""Demo plans and learning: IDPs in every state, activities in 70:20:10, evidence files.

Goes through the same services as the app (so the demo obeys every rule), then sets the
review states that belong to the supervisor's review, which a later feature drives.
"""

import io
import random
from datetime import date, datetime, timedelta
from decimal import Decimal

from matplotlib.figure import Figure
from sqlalchemy import select

from lms.activities.evidence import attach_evidence
from lms.activities.services import log_activity
from lms.charts import FONT_FAMILY
from lms.extensions import db
from lms.models import ActivityKind, Course, CourseArea, Cycle, Person, Plan
from lms.plans.services import add_planned_activity, build_from_gaps, carry_over

ON_THE_JOB = {
    "DLIT": "ทำรายงานสรุปการประชุมด้วย Google Sheets แทนการพิมพ์ตาราง",
    "DGOV": "ตรวจรายชื่อผู้เข้าร่วมประชุมนานาชาติตาม พ.ร.บ.คุ้มครองข้อมูลส่วนบุคคล",
    "DTECH": "ทดลองทำแดชบอร์ดติดตามโครงการเมืองพี่เมืองน้อง",
    "DPSD": "ออกแบบแบบฟอร์มออนไลน์รับคำขอศึกษาดูงานจากต่างประเทศ",
    "SPM": "ร่วมวางแผนโครงการประชุมนายกเทศมนตรีอาเซียน",
    "DLEAD": "นำทีมทดลองใช้ระบบนัดหมายออนไลน์",
    "DTRANS": "เสนอแนวทางลดการใช้กระดาษในงานสารบรรณของส่วน",
}
FROM_OTHERS = {
    "COACHING": "รับการสอนงานจากผู้อำนวยการส่วนเรื่องการวิเคราะห์ข้อมูล",
    "COP": "เข้าร่วมชุมชนนักปฏิบัติด้านดิจิทัลของสำนักงาน",
    "STUDY-VISIT": "ศึกษาดูงานศูนย์ข้อมูลของสำนักยุทธศาสตร์และประเมินผล",
}


def build_demo_learning(people: list[Person], closed: Cycle, current: Cycle, rng: random.Random):
    """Plans and learning for both cycles; `closed` must still be open while this runs."""
    kinds = {k.code: k for k in db.session.scalars(select(ActivityKind))}
    for number, person in enumerate(people):
        if not _has_submitted(person, closed):
            continue
        old = _plan(person, closed, kinds, rng)
        _learn(person, closed, old, kinds, rng, evidence=False)
        old.status, old.reviewed_at = "completed", datetime(2022, 9, 20, 3, 0)
        old.reviewed_by_id = person.supervisor_id
        for i, goal in enumerate(old.goals):
            goal.self_outcome = ("achieved", "partly", "achieved")[i % 3]
            goal.supervisor_outcome = ("achieved", "partly", "not_achieved")[(i + number) % 3]
        _current_plan(person, number, current, kinds, rng)
    db.session.flush()


def _has_submitted(person: Person, cycle: Cycle) -> bool:
    from lms.assessments.services import find_assessment

    assessment = find_assessment(person, cycle)
    return assessment is not None and assessment.is_submitted


def _plan(person: Person, cycle: Cycle, kinds, rng: random.Random, limit: int = 3) -> Plan:
    plan, _added = build_from_gaps(person, cycle, by=person)
    for goal in list(plan.goals)[limit:]:
        plan.goals.remove(goal)
    for goal in plan.goals:
        goal.success_criteria = "นำทักษะไปใช้ในงานจริงอย่างน้อย 1 ชิ้นงาน และผู้บังคับบัญชารับรอง"
        add_planned_activity(
            goal,
            {
                "bucket": "70",
                "kind": kinds["APPLY"],
                "hours": Decimal(20),
                "title": ON_THE_JOB.get(goal.area.code, "ลงมือทำงานจริง"),
            },
            by=person,
        )
        code = rng.choice(list(FROM_OTHERS))
        add_planned_activity(
            goal,
            {"bucket": "20", "kind": kinds[code], "hours": Decimal(6), "title": FROM_OTHERS[code]},
            by=person,
        )
        course = _course_for(goal.area.code, rng)
        if course is not None:
            add_planned_activity(
                goal,
                {
                    "bucket": "10",
                    "kind": kinds["ELEARNING"],
                    "course": course,
                    "hours": course.hours or Decimal(3),
                },
                by=person,
            )
    return plan


def _course_for(area_code: str, rng: random.Random) -> Course | None:
    courses = db.session.scalars(
        select(Course)
        .join(CourseArea)
        .where(CourseArea.area_code == area_code)
        .order_by(Course.code)
    ).all()
    return rng.choice(courses) if courses else None


def _learn(person, cycle, plan, kinds, rng, evidence: bool, count: int | None = None) -> None:
    """Log some of the planned activities as done, on days within the cycle."""
    planned = [a for g in plan.goals for a in g.activities]
    rng.shuffle(planned)
    start = cycle.starts_on + timedelta(days=45)
    for i, item in enumerate(planned[: count if count is not None else len(planned) // 2 + 1]):
        day = start + timedelta(days=17 * i + rng.randrange(10))
        on_the_job = item.bucket == "70"
        hours = (
            (item.hours or Decimal(3)) if on_the_job else min(item.hours or Decimal(3), Decimal(8))
        )
        is_course = item.bucket == "10"
        activity = log_activity(
            person,
            cycle,
            {
                "bucket": item.bucket,
                "kind": db.session.get(ActivityKind, item.kind_id) if item.kind_id else None,
                "title": item.title,
                "goal": item.goal,
                "occurred_on": day,
                "ended_on": day + timedelta(days=9) if on_the_job else None,  # work over days
                "hours": hours,
                "course": item.course,
                "pre_score": rng.randrange(30, 60) if is_course else None,
                "post_score": rng.randrange(60, 100) if is_course else None,
                "completed": is_course,
                "learned": "เข้าใจหลักการและขั้นตอน นำไปใช้กับงานของส่วนได้",
                "applied": "ใช้กับรายงานประจำเดือนของส่วน ลดเวลาทำงานลงประมาณครึ่งวัน"
                if item.bucket == "70"
                else None,
            },
            by=person,
        )
        if item.bucket == "70" and rng.random() < 0.5:
            activity.verified_by_id = person.supervisor_id
            activity.verified_at = datetime.combine(day + timedelta(days=3), datetime.min.time())
            activity.applied_at_work = True
        if evidence and is_course:
            attach_evidence(
                activity,
                certificate_png(person.name_th, item.title, day),
                "certificate.png",
                "certificate",
                by=person,
            )


def _current_plan(person, number, current, kinds, rng) -> None:
    """FY 2566: plans in every state, spread over the organisation."""
    state = ("draft", "submitted", "returned", "approved", "approved", "completed", None)[
        number % 7
    ]
    if person.email == "staff@demo.local":
        state = "draft"
    if state is None:
        return  # not started yet: carry-over is waiting for them
    plan = _plan(person, current, kinds, rng, limit=2)
    carry_over(person, current, by=person)
    if state == "draft":
        if person.email == "staff@demo.local":  # learning goes on while the plan is drafted
            _learn(person, current, plan, kinds, rng, evidence=True, count=4)
        return
    plan.status, plan.submitted_at = state, datetime(2022, 12, 20, 2, 0)
    if state == "returned":
        plan.review_comment = "เพิ่มกิจกรรมเรียนรู้จากการลงมือปฏิบัติ (70) ให้มากขึ้น และระบุตัวชี้วัดให้ชัดเจน"
    if state in ("approved", "completed"):
        plan.reviewed_at, plan.reviewed_by_id = datetime(2023, 1, 10, 3, 0), person.supervisor_id
        _learn(
            person,
            current,
            plan,
            kinds,
            rng,
            evidence=True,
            count=3 if state == "approved" else None,
        )


def certificate_png(name: str, title: str, day: date) -> bytes:
    """A simple certificate image for the demo's evidence files."""
    fig = Figure(figsize=(6, 4.2), dpi=80)
    fig.patch.set_facecolor("#fbf8ef")
    for y, text, size, weight in (
        (0.82, "ประกาศนียบัตร", 24, "bold"),
        (0.64, "มอบให้ไว้เพื่อแสดงว่า", 12, "normal"),
        (0.52, name, 18, "bold"),
        (0.38, "ผ่านการเรียนรู้หลักสูตร", 12, "normal"),
        (0.27, title[:48], 13, "bold"),
        (0.10, f"{day.day}/{day.month}/{day.year + 543}", 11, "normal"),
    ):
        fig.text(
            0.5, y, text, ha="center", fontsize=size, fontweight=weight, fontfamily=FONT_FAMILY
        )
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()
