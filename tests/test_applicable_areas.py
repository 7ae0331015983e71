"""An area OCSC/TPQI do not assign to a role group has no target: never a gap, never a goal
built from gaps, left out of unit figures, and shown as not required (it may still be rated)."""

from sqlalchemy import select

from lms.assessments.services import results, top_gaps
from lms.cycles import targets_for
from lms.extensions import db
from lms.models import SkillArea
from lms.plans.services import build_from_gaps
from tests.conftest import login
from tests.factories import PersonFactory, ready_to_send, submitted_assessment


def codes(cycle, ids) -> set[str]:
    return {a.code for a in db.session.scalars(select(SkillArea).where(SkillArea.id.in_(ids)))}


def test_an_area_without_a_target_is_never_a_gap(client, cycle):
    officer = PersonFactory(group="ACAD")  # a foreign-relations officer: not a director
    assessment = submitted_assessment(officer, cycle, level=0)  # 0 in every area, DLEAD too
    assert codes(cycle, targets_for(cycle, officer.role_group)) == {
        "DLIT",
        "DGOV",
        "DTECH",
        "DPSD",
        "SPM",
    }
    rows = {r.area.code: r for r in results(assessment)}
    assert rows["DLEAD"].level == 0 and rows["DLEAD"].target is None
    assert rows["DLEAD"].gap is None and rows["DTRANS"].gap is None
    gaps = [r.area.code for r in top_gaps(list(rows.values()), limit=7)]
    assert "DLEAD" not in gaps and "DTRANS" not in gaps and len(gaps) == 5

    plan, added = build_from_gaps(officer, cycle, by=officer)
    db.session.commit()
    assert added == 5
    assert {g.area.code for g in plan.goals} == {"DLIT", "DGOV", "DTECH", "DPSD", "SPM"}

    login(client, officer)
    shown = client.get(f"/people/{officer.employee_no}/assessments/2566").get_data(as_text=True)
    assert shown.count("ไม่กำหนดสำหรับกลุ่มภารกิจนี้") == 2  # DLEAD and DTRANS
    assert shown.count('<tr class="not-required">') == 2  # not marked as below a target
    assert "ไม่มีจุดระดับเป้าหมาย" in shown  # and the radar chart says why its line skips them


def test_a_colleague_starting_out_sees_which_areas_are_not_required(app, client, cycle):
    colleague = PersonFactory(group="ACAD")
    login(client, colleague)
    overview = client.get("/assessment/2566/").get_data(as_text=True)
    assert overview.count("ไม่กำหนดสำหรับกลุ่มภารกิจของท่าน") == 2  # DLEAD and DTRANS
    area = client.get("/assessment/2566/areas/DLEAD").get_data(as_text=True)
    assert "ไม่ใช่ทักษะที่กำหนดสำหรับกลุ่มภารกิจของท่าน" in area  # and it may still be rated
    assert 'name="level"' in area


def test_a_director_keeps_leadership_and_transformation(cycle):
    director = PersonFactory(group="MGMT")
    assert {"DLEAD", "DTRANS"} <= codes(cycle, targets_for(cycle, director.role_group))


def test_a_sent_plan_reads_put_up_and_a_sent_assessment_handed_in(client, cycle):
    """เสนอ for a plan sent up to the supervisor, ส่ง for a self-assessment handed in."""
    from lms.plans.services import add_planned_activity
    from lms.plans.workflow import submit_plan

    boss = PersonFactory()
    officer = PersonFactory(group="ACAD", supervisor=boss, unit=boss.unit)
    submitted_assessment(officer, cycle, level=1)
    plan, _ = build_from_gaps(officer, cycle, by=officer)
    for goal in plan.goals:
        add_planned_activity(goal, {"bucket": "70", "title": "ลงมือทำ", "hours": 4}, by=officer)
    ready_to_send(plan)
    submit_plan(plan, by=officer)
    db.session.commit()
    login(client, boss)
    row = client.get("/team").get_data(as_text=True)
    assert 'badge-submitted">ส่งแล้ว<' in row and 'badge-submitted">เสนอแล้ว<' in row
