"""Demo plans and learning: IDPs in every state, activities in 70:20:10, evidence files.

Goes through the same services and the same plan workflow as the app (so the demo obeys every
rule); the clock is pinned to the day each review happened, so the history reads true.
"""

import random
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from lms import permissions
from lms.activities.evidence import attach_evidence
from lms.activities.services import log_activity
from lms.assessments.services import find_assessment
from lms.clock import frozen_at
from lms.demo.certificates import certificate_png
from lms.extensions import db
from lms.models import ActivityKind, Course, CourseArea, Cycle, Person, Plan
from lms.plans.services import add_planned_activity, build_from_gaps, carry_over
from lms.plans.workflow import approve_plan, complete_plan, return_plan, submit_plan
from lms.vocab import Bucket, Outcome, PlanStatus

RETURN_COMMENT = "เพิ่มกิจกรรมเรียนรู้จากการลงมือปฏิบัติ (70) ให้มากขึ้น และระบุตัวชี้วัดให้ชัดเจน"
S = PlanStatus
# FY 2566 plans in every state, spread over the organisation (None: not started yet).
CURRENT_STATES = (S.DRAFT, S.SUBMITTED, S.RETURNED, S.APPROVED, S.APPROVED, S.COMPLETED, None)

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
    outcomes = (Outcome.ACHIEVED, Outcome.PARTLY, Outcome.NOT_ACHIEVED)
    for number, person in enumerate(people):
        if not _has_submitted(person, closed):
            continue
        reviewer = _reviewer(person, people)
        old = _plan(person, closed, kinds, rng)
        _learn(person, closed, old, kinds, rng, evidence=False)
        _review(old, reviewer, PlanStatus.COMPLETED, sent=datetime(2021, 12, 20, 9, 0))
        for i, goal in enumerate(old.goals if old.status == PlanStatus.COMPLETED else ()):
            goal.self_outcome = (Outcome.ACHIEVED, Outcome.PARTLY, Outcome.ACHIEVED)[i % 3]
            goal.supervisor_outcome = outcomes[(i + number) % 3]
        _current_plan(person, number, current, kinds, rng, reviewer)
    db.session.flush()


def _has_submitted(person: Person, cycle: Cycle) -> bool:
    assessment = find_assessment(person, cycle)
    return assessment is not None and assessment.is_submitted


def _reviewer(person: Person, people: list[Person]) -> Person | None:
    """Who reviews `person`'s plan: their supervisor, or for the top of a chain whoever
    permissions.py allows (HR of their unit); None when nobody may."""
    if person.supervisor is not None:
        return person.supervisor
    return next(
        (p for p in people if p is not person and permissions.can_review_plans_of(p, person)), None
    )


def _review(plan: Plan, reviewer: Person | None, state: PlanStatus, *, sent: datetime) -> None:
    """Take `plan` from draft to `state` through the workflow, on believable days after `sent`.

    A plan nobody may review stays submitted, as it would in the app."""
    owner = plan.person
    if not plan.goals:
        return  # nothing to send: every area already meets its target
    with frozen_at(sent):
        submit_plan(plan, by=owner)
    if state == PlanStatus.SUBMITTED or reviewer is None:
        return
    with frozen_at(sent + timedelta(days=21)):
        if state == PlanStatus.RETURNED:
            return_plan(plan, by=reviewer, comment=RETURN_COMMENT)
            return
        approve_plan(plan, by=reviewer)
    if state == PlanStatus.COMPLETED:
        with frozen_at(datetime(sent.year + 1, 9, 20, 10, 0)):
            complete_plan(plan, by=reviewer)


def _plan(person: Person, cycle: Cycle, kinds, rng: random.Random, limit: int = 3) -> Plan:
    plan, _added = build_from_gaps(person, cycle, by=person)
    for goal in list(plan.goals)[limit:]:
        plan.goals.remove(goal)
    for goal in plan.goals:
        goal.success_criteria = "นำทักษะไปใช้ในงานจริงอย่างน้อย 1 ชิ้นงาน และผู้บังคับบัญชารับรอง"
        add_planned_activity(
            goal,
            {
                "bucket": Bucket.ON_THE_JOB,
                "kind": kinds["APPLY"],
                "hours": Decimal(20),
                "title": ON_THE_JOB.get(goal.area.code, "ลงมือทำงานจริง"),
            },
            by=person,
        )
        code = rng.choice(list(FROM_OTHERS))
        add_planned_activity(
            goal,
            {
                "bucket": Bucket.FROM_OTHERS,
                "kind": kinds[code],
                "hours": Decimal(6),
                "title": FROM_OTHERS[code],
            },
            by=person,
        )
        course = _course_for(goal.area.code, rng)
        if course is not None:
            add_planned_activity(
                goal,
                {
                    "bucket": Bucket.FORMAL,
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
        on_the_job = item.bucket == Bucket.ON_THE_JOB
        hours = (
            (item.hours or Decimal(3)) if on_the_job else min(item.hours or Decimal(3), Decimal(8))
        )
        is_course = item.bucket == Bucket.FORMAL
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
                if on_the_job
                else None,
            },
            by=person,
        )
        if on_the_job and rng.random() < 0.5:
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


def _current_plan(person, number, current, kinds, rng, reviewer) -> None:
    """FY 2566: plans in every state, spread over the organisation."""
    state = CURRENT_STATES[number % len(CURRENT_STATES)]
    if person.email == "staff@demo.local":
        state = PlanStatus.DRAFT
    if state is None:
        return  # not started yet: carry-over is waiting for them
    plan = _plan(person, current, kinds, rng, limit=2)
    carry_over(person, current, by=person)
    if state == PlanStatus.DRAFT:
        if person.email == "staff@demo.local":  # learning goes on while the plan is drafted
            _learn(person, current, plan, kinds, rng, evidence=True, count=4)
        return
    if state in (PlanStatus.APPROVED, PlanStatus.COMPLETED):
        _learn(
            person,
            current,
            plan,
            kinds,
            rng,
            evidence=True,
            count=3 if state == PlanStatus.APPROVED else None,
        )
    _review(plan, reviewer, state, sent=datetime(2022, 12, 20, 9, 0))
