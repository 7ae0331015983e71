"""Demo plans and learning: IDPs in every state, activities in 70:20:10, evidence files.

Goes through the same services and the same plan workflow as the app (so the demo obeys every
rule); the clock is pinned to the day each review happened, so the history reads true.
"""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select

from lms import permissions
from lms.activities.evidence import attach_evidence
from lms.activities.services import log_activity
from lms.assessments.services import find_assessment, results
from lms.clock import frozen_at, today
from lms.cycles import cycle_areas
from lms.demo.certificates import certificate_png
from lms.demo.names import particle
from lms.demo.timeline import moment, past
from lms.evaluations.services import save_self_evaluation, save_supervisor_evaluation
from lms.extensions import db
from lms.feedback.services import Target, post
from lms.models import ActivityKind, Course, CourseArea, CourseTrack, Cycle, Person, Plan
from lms.plans.carry_over import carry_over
from lms.plans.services import add_goal, add_planned_activity, build_from_gaps
from lms.plans.workflow import approve_plan, return_plan, submit_plan
from lms.reviews.services import verify_activity
from lms.vocab import Bucket, Outcome, PlanStatus

RETURN_COMMENT = "เพิ่มกิจกรรมเรียนรู้จากการลงมือปฏิบัติ (70) ให้มากขึ้น และระบุตัวชี้วัดให้ชัดเจน"
S = PlanStatus
# This year's plans, a couple of months into the year, in every state a plan can be in by then
# (None: not started yet). Completed plans are in last year's closed cycle.
CURRENT_STATES = (S.DRAFT, S.SUBMITTED, S.RETURNED, S.APPROVED, S.SUBMITTED, S.APPROVED, None)
A, P, N = Outcome.ACHIEVED, Outcome.PARTLY, Outcome.NOT_ACHIEVED
# Completed plans are mostly done: most goals achieved, some partly, a few not.
SELF_OUTCOMES = (A, A, P, A, A, A, P, A)
SUPERVISOR_OUTCOMES = (A, A, P, A, N, A, P, A)

# The seed study's own practices: Canva, Jamboard and Trello in daily work, the office's
# Innovation-Based KPI project, sharing at unit meetings, WeGO's training (see _course_for).
ON_THE_JOB = {
    "DLIT": "ทำสื่อประชาสัมพันธ์กิจกรรมเมืองพี่เมืองน้องด้วย Canva และสรุปรายงานด้วย Google Sheets",
    "DGOV": "ตรวจรายชื่อผู้เข้าร่วมประชุมนานาชาติตาม พ.ร.บ.คุ้มครองข้อมูลส่วนบุคคล",
    "DTECH": "ทดลองทำแดชบอร์ดติดตามโครงการเมืองพี่เมืองน้อง",
    "DPSD": "ออกแบบแบบฟอร์มออนไลน์รับคำขอศึกษาดูงาน ในโครงการตามตัวชี้วัด Innovation-Based KPI ของสำนักงาน",
    "SPM": "ติดตามงานโครงการประชุมนายกเทศมนตรีอาเซียนด้วย Trello",
    "DLEAD": "ใช้ Jamboard ระดมความคิดกับทีมเพื่อปรับขั้นตอนงานของส่วน",
    "DTRANS": "ขับเคลื่อนโครงการ Innovation-Based KPI ของสำนักงาน: ลดการใช้กระดาษในงานสารบรรณ",
}
FROM_OTHERS = {
    "COACHING": "รับการสอนงานจากผู้อำนวยการส่วนเรื่องการวิเคราะห์ข้อมูล",
    "COP": "เข้าร่วมชุมชนนักปฏิบัติด้านดิจิทัลของสำนักงาน ระดมความคิดด้วย Jamboard",
    "STUDY-VISIT": "ศึกษาดูงานศูนย์ข้อมูลของสำนักยุทธศาสตร์และประเมินผล",
    "SHARING": "เล่าสิ่งที่ได้เรียนรู้ให้เพื่อนร่วมงานฟังในที่ประชุมส่วนประจำเดือน",
}
# What a person asks of their unit or supervisor to reach the goal (the IDP form's column).
SUPPORT = {
    "DLIT": "ขอเวลาเรียนหลักสูตรออนไลน์ในเวลาราชการ สัปดาห์ละ 2 ชั่วโมง",
    "DGOV": "ขอคำแนะนำจากเจ้าหน้าที่คุ้มครองข้อมูลส่วนบุคคลของสำนักงาน",
    "DTECH": "ขอสิทธิ์ใช้เครื่องมือทำแดชบอร์ด และผู้สอนงานจากกองพัฒนาระบบคอมพิวเตอร์",
    "DPSD": "ขอให้ได้ทดลองปรับแบบฟอร์มจริงกับผู้ใช้บริการ",
    "SPM": "ขอรับมอบหมายงานประสานโครงการหนึ่งโครงการในปีนี้",
    "DLEAD": "ขอเวลาในที่ประชุมส่วนเดือนละครั้งเพื่อทดลองวิธีทำงานใหม่กับทีม",
    "DTRANS": "ขอการสนับสนุนจากผู้บริหารให้โครงการนำร่องลดการใช้กระดาษ",
}
# When each kind of learning is planned, in days from the first day of the fiscal year.
PERIODS = {Bucket.ON_THE_JOB: (45, 240), Bucket.FROM_OTHERS: (60, 150), Bucket.FORMAL: (30, 90)}
# Generative-AI courses appeared in late 2565 (after ChatGPT): no plan before then has one.
GENERATIVE_AI_FROM = date(2022, 12, 1)


def build_demo_learning(people: list[Person], closed: Cycle, current: Cycle, rng: random.Random):
    """Plans and learning for both cycles; `closed` must still be open while this runs."""
    kinds = {k.code: k for k in db.session.scalars(select(ActivityKind))}
    for number, person in enumerate(people):
        if not _has_submitted(person, closed):
            continue
        reviewer = _reviewer(person, people)
        old = _plan(person, closed, kinds, rng)
        planned = sum(len(g.activities) for g in old.goals)
        _learn(
            person, closed, old, kinds, rng, evidence=False, count=planned - 1, reviewer=reviewer
        )
        _review(old, reviewer, PlanStatus.APPROVED, cycle=closed)
        if old.status == PlanStatus.APPROVED:
            _evaluate_year(old, reviewer, number)
        _current_plan(person, number, current, kinds, rng, reviewer)
    db.session.flush()


def _evaluate_year(plan: Plan, reviewer: Person, number: int) -> None:
    """Last year's close: the person's self-evaluation, then the supervisor's ratings of
    every area and every goal, which completes the plan."""
    owner, cycle = plan.person, plan.cycle
    with frozen_at(moment(cycle, 0.93)):
        save_self_evaluation(
            plan,
            {
                g.id: (
                    outcome := SELF_OUTCOMES[(i + number) % len(SELF_OUTCOMES)],
                    "นำไปใช้ในงานจริงแล้ว มีผลงานให้ดู" if outcome == A else None,
                )
                for i, g in enumerate(plan.goals)
            },
            by=owner,
            finish=True,
        )
    ratings = {}
    own = {r.area_id: r.level for r in _assessment_ratings(owner, cycle)}
    for i, area in enumerate(cycle_areas(cycle)):
        level = own.get(area.id)
        if level is None:
            continue
        adjusted = max(0, min(4, level + (-1, 0, 0, 1, 0)[(i + number) % 5]))
        note = "ประเมินตนเองสูงกว่าผลงานที่เห็น" if adjusted < level else None
        ratings[area.id] = (adjusted, note)
    outcomes = {
        g.id: (
            outcome := SUPERVISOR_OUTCOMES[(i + number) % len(SUPERVISOR_OUTCOMES)],
            "เห็นผลงานชัดเจน" if outcome == A else "ควรฝึกต่อในปีหน้า",
        )
        for i, g in enumerate(plan.goals)
    }
    with frozen_at(moment(cycle, 0.96)):
        save_supervisor_evaluation(plan, ratings, outcomes, by=reviewer, complete=True)


def _assessment_ratings(person: Person, cycle: Cycle):
    assessment = find_assessment(person, cycle)
    return assessment.ratings if assessment is not None else []


def _has_submitted(person: Person, cycle: Cycle) -> bool:
    assessment = find_assessment(person, cycle)
    return assessment is not None and assessment.is_submitted


def _reviewer(person: Person, people: list[Person]) -> Person | None:
    """Who reviews `person`'s plan: whom the app routes it to (the supervisor, or for the top
    of a chain HR of their unit or an administrator); None when nobody may."""
    route = permissions.review_route(person)
    if route.reviewer is not None and permissions.can_review_plans_of(route.reviewer, person):
        return route.reviewer
    return None


def _review(plan: Plan, reviewer: Person | None, state: PlanStatus, *, cycle: Cycle) -> None:
    """Take `plan` from draft to `state` through the workflow, on believable days of `cycle`.

    A plan nobody may review stays a draft: the app would not let it be sent."""
    owner = plan.person
    if not plan.goals or reviewer is None:
        return  # nothing to send: every area already meets its target
    current = cycle.starts_on <= today() <= cycle.ends_on
    with frozen_at(moment(cycle, 0.55 if current else 0.22)):
        submit_plan(plan, by=owner)
    if state == PlanStatus.SUBMITTED:
        return
    with frozen_at(moment(cycle, 0.8 if current else 0.28)):
        if state == PlanStatus.RETURNED:
            return_plan(plan, by=reviewer, comment=RETURN_COMMENT)
            return
        approve_plan(
            plan,
            by=reviewer,
            comment="เห็นด้วยกับแผน ขอให้บันทึกผลการเรียนรู้อย่างสม่ำเสมอ" if current else None,
        )


def _plan(person: Person, cycle: Cycle, kinds, rng: random.Random, limit: int = 3) -> Plan:
    plan, _added = build_from_gaps(person, cycle, by=person)
    if not plan.goals:  # at every target already: one step further in a required area
        _grow_beyond_targets(person, cycle, plan)
    for goal in list(plan.goals)[limit:]:
        plan.goals.remove(goal)
    for goal in plan.goals:
        goal.success_criteria = "นำทักษะไปใช้ในงานจริงอย่างน้อย 1 ชิ้นงาน และผู้บังคับบัญชารับรอง"
        goal.support_needed = SUPPORT.get(goal.area.code)
        add_planned_activity(
            goal,
            {
                "bucket": Bucket.ON_THE_JOB,
                "kind": kinds["APPLY"],
                "hours": Decimal(20),
                "title": ON_THE_JOB.get(goal.area.code, "ลงมือทำงานจริง"),
                **_period(cycle, Bucket.ON_THE_JOB),
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
                **_period(cycle, Bucket.FROM_OTHERS),
            },
            by=person,
        )
        course = _course_for(goal.area.code, person.role_group.track, cycle, rng)
        if course is not None:
            add_planned_activity(
                goal,
                {
                    "bucket": Bucket.FORMAL,
                    "kind": kinds[
                        "CLASSROOM" if course.provider.code in ("HRDI", "WEGO") else "ELEARNING"
                    ],
                    "course": course,
                    "hours": course.hours or Decimal(3),
                    **_period(cycle, Bucket.FORMAL),
                },
                by=person,
            )
    return plan


def _period(cycle: Cycle, bucket: Bucket) -> dict:
    start, end = PERIODS[bucket]
    return {
        "starts_on": cycle.starts_on + timedelta(days=start),
        "ends_on": cycle.starts_on + timedelta(days=end),
    }


def _grow_beyond_targets(person: Person, cycle: Cycle, plan: Plan) -> None:
    assessment = find_assessment(person, cycle)
    rows = [r for r in results(assessment) if r.target is not None and (r.level or 0) < 4]
    if rows:
        row = rows[0]
        add_goal(
            plan,
            {
                "area": row.area,
                "current_level": row.level,
                "target_level": (row.level or 0) + 1,
                "success_criteria": None,
                "due_on": cycle.evaluation_due,
            },
            by=person,
        )


def _course_for(area_code: str, track, cycle: Cycle, rng: random.Random) -> Course | None:
    """A course of the person's track for the area, that existed in the cycle's year; IAO
    people who work on service design take WeGO's training every other time, as in the seed
    study."""
    query = (
        select(Course)
        .join(CourseArea)
        .where(CourseArea.area_code == area_code, Course.active.is_(True))
        .order_by(Course.code)
    )
    if track is not None:
        query = query.where(
            Course.id.in_(select(CourseTrack.course_id).where(CourseTrack.track_code == track.code))
        )
    courses = db.session.scalars(query).all()
    if cycle.ends_on < GENERATIVE_AI_FROM:
        courses = [c for c in courses if "generative" not in (c.keywords or "").lower()]
    wego = [c for c in courses if c.provider.code == "WEGO"]
    if wego and rng.random() < 0.5:
        return wego[0]
    return rng.choice(courses) if courses else None


def _learn(
    person, cycle, plan, kinds, rng, evidence: bool, count: int | None = None, reviewer=None
) -> list:
    """Log some of the planned activities as done, on past days within the cycle; the
    reviewer verifies about half of the learning on the job, as applied at work."""
    planned = [a for g in plan.goals for a in g.activities]
    rng.shuffle(planned)
    chosen = planned[: count if count is not None else len(planned) // 2 + 1]
    last = min(today(), cycle.ends_on)
    logged = []
    for i, item in enumerate(chosen):
        day = _learning_day(cycle, last, i, len(chosen), rng)
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
                "ended_on": min(day + timedelta(days=9), last) if on_the_job else None,
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
        logged.append(activity)
        finished = activity.ended_on or activity.occurred_on
        seen_on = finished + timedelta(days=3)  # the supervisor looks once it is over
        if reviewer is not None and on_the_job and seen_on <= last and rng.random() < 0.5:
            with frozen_at(past(datetime.combine(seen_on, time(14)))):
                verify_activity(activity, by=reviewer, applied=rng.random() < 0.7, checked=False)
        if evidence and is_course:
            attach_evidence(
                activity,
                certificate_png(person.name_th, item.title, day),
                "certificate.png",
                "certificate",
                by=person,
            )
    return logged


def _learning_day(cycle: Cycle, last: date, i: int, n: int, rng: random.Random) -> date:
    """The i-th of n days of learning: spread over the part of the cycle already lived."""
    days = (last - cycle.starts_on).days
    if days > 200:  # a whole year: from mid-November, every two or three weeks
        return cycle.starts_on + timedelta(days=45 + 17 * i + rng.randrange(10))
    return cycle.starts_on + timedelta(days=int(days * (i + 1) / (n + 1)))


def sends_plan_this_year(number: int) -> bool:
    """Does the demo's person `number` send their plan this year (so they assessed first)?"""
    return CURRENT_STATES[number % len(CURRENT_STATES)] not in (S.DRAFT, None)


def _current_plan(person, number, current, kinds, rng, reviewer) -> None:
    """This year: plans in every state, spread over the organisation, with learning going on
    and a few conversations."""
    state = CURRENT_STATES[number % len(CURRENT_STATES)]
    if person.email == "staff@demo.local":
        state = PlanStatus.DRAFT  # the staff journey of the README starts from a draft
    if state is None:
        return  # not started yet: carry-over is waiting for them
    plan = _plan(person, current, kinds, rng, limit=2)
    carry_over(person, current, by=person)
    if state == PlanStatus.DRAFT:
        if person.email == "staff@demo.local":  # learning goes on while the plan is drafted
            logged = _learn(person, current, plan, kinds, rng, evidence=True, count=4)
            _talk_about_learning(person, reviewer, logged)
        return
    if state == PlanStatus.APPROVED:
        _learn(person, current, plan, kinds, rng, evidence=True, count=3, reviewer=reviewer)
    _review(plan, reviewer, state, cycle=current)
    if state == PlanStatus.SUBMITTED and plan.goals and reviewer is not None:
        with frozen_at(moment(current, 0.6)):
            post(
                Target("goal", plan.goals[0]),
                f"ขอเพิ่มการสอนงานจากหัวหน้ากลุ่มงานในเป้าหมายนี้ได้ไหม{particle(person, question=True)}",
                by=person,
            )


def _talk_about_learning(person: Person, reviewer: Person | None, logged: list) -> None:
    """A supervisor's word on a piece of learning the person has not read yet."""
    if reviewer is None or not logged:
        return
    with frozen_at(moment(logged[0].cycle, 0.9, hour=16)):
        post(
            Target("activity", logged[0]),
            f"ดีมาก{particle(reviewer)} ลองสรุปสิ่งที่ได้เรียนรู้ให้ทีมฟังในการประชุมส่วนครั้งหน้า",
            by=reviewer,
        )
