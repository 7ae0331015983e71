"""IDP templates (issue 20, part 3): HR makes a template for a role group, applies it in bulk to
a unit subtree for the open year; each draft starts from it with the person's own gaps first,
stays theirs, gains nothing twice; a sent plan is left alone and listed; who may; bad input."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from lms.extensions import db
from lms.models import AuditEvent, Course, Plan, PlanTemplate
from lms.plans import templates as service
from lms.plans.services import add_planned_activity, build_from_gaps
from lms.plans.workflow import submit_plan
from tests.conftest import login
from tests.factories import (
    PersonFactory,
    UnitFactory,
    ready_to_send,
    role_group,
    submitted_assessment,
)


@pytest.fixture
def org(cycle):
    top = UnitFactory(code="TOP")
    dept = UnitFactory(code="DEPT", parent=top)
    team = UnitFactory(code="TEAM", parent=dept)
    other = UnitFactory(code="OTHERDEPT", parent=top)
    serv = role_group("SERV")
    people = {
        "hr": PersonFactory(unit=top, roles=(("hr", top),), locale="en"),
        "hr_other": PersonFactory(unit=other, roles=(("hr", other),), locale="en"),
        "fresh": PersonFactory(unit=team, role_group=serv, locale="en"),  # no plan yet
        "drafting": PersonFactory(unit=dept, role_group=serv),  # a draft with a goal
        "sent": PersonFactory(unit=dept, role_group=serv),  # a plan sent
        "academic": PersonFactory(unit=dept, role_group=role_group("ACAD")),  # not for them
        "elsewhere": PersonFactory(unit=other, role_group=serv),  # outside the unit
    }
    submitted_assessment(people["fresh"], cycle, level=1)  # gaps in every area
    submitted_assessment(people["drafting"], cycle, level=1)
    build_from_gaps(people["drafting"], cycle, by=people["drafting"])
    submitted_assessment(people["sent"], cycle, level=1)
    plan, _ = build_from_gaps(people["sent"], cycle, by=people["sent"])
    for goal in plan.goals:
        add_planned_activity(
            goal, {"bucket": "70", "title": "ลงมือทำ", "hours": Decimal(4)}, by=people["sent"]
        )
    ready_to_send(plan)
    submit_plan(plan, by=people["sent"])
    db.session.commit()
    return people


def _course_for(area: str) -> Course:
    return db.session.scalars(
        select(Course).where(Course.areas.any(area_code=area), Course.active.is_(True))
    ).first()


def _make_template(client) -> int:
    made = client.post(
        "/admin/templates/new",
        data={"name": "งานบริการหน้าเคาน์เตอร์ 2566", "unit": "DEPT", "role_group": "SERV"},
    )
    assert made.status_code == 302
    template_id = int(made.headers["Location"].rstrip("/").split("/")[-1])
    goal = client.post(
        f"/admin/templates/{template_id}/goals",
        data={"area": "DPSD", "target_level": "3", "success_criteria": "ให้บริการผ่านช่องทางออนไลน์ได้"},
    )
    assert goal.status_code == 302
    spm = client.post(
        f"/admin/templates/{template_id}/goals", data={"area": "SPM", "target_level": "2"}
    )
    assert spm.status_code == 302
    template = db.session.get(PlanTemplate, template_id)
    goal_id = template.goals[0].id
    for data in (
        {"bucket": "70", "title": "ฝึกใช้ระบบคิวออนไลน์กับผู้รับบริการจริง", "hours": "10"},
        {"course": str(_course_for("DPSD").id)},
    ):
        added = client.post(f"/admin/templates/{template_id}/goals/{goal_id}/activities", data=data)
        assert added.status_code == 302
    return template_id


def test_hr_makes_a_template_and_bad_input_keeps_what_was_typed(client, org):
    login(client, org["hr"])
    bad = client.post(
        "/admin/templates/new", data={"name": "", "unit": "OTHER-UNIT", "note": "my note"}
    )
    text = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "Give the template a name" in text and "Choose a unit" in text
    assert "my note" in text
    template_id = _make_template(client)
    template = db.session.get(PlanTemplate, template_id)
    assert [g.area.code for g in template.goals] == ["DPSD", "SPM"]
    assert [a.bucket for a in template.goals[0].activities] == ["70", "10"]
    twice = client.post(
        f"/admin/templates/{template_id}/goals", data={"area": "DPSD", "target_level": "2"}
    )
    assert twice.status_code == 422 and "has a goal for this area already" in twice.get_data(
        as_text=True
    )
    outside = client.post(
        f"/admin/templates/{template_id}/goals", data={"area": "DPSD", "target_level": "7"}
    )
    assert outside.status_code == 422 and "from 0 to 4" in outside.get_data(as_text=True)
    # a template for a role group an area does not apply to
    other = client.post(
        "/admin/templates/new", data={"name": "อื่น ๆ", "unit": "DEPT", "role_group": "OTHER"}
    )
    other_id = int(other.headers["Location"].rstrip("/").split("/")[-1])
    refused = client.post(
        f"/admin/templates/{other_id}/goals", data={"area": "DTECH", "target_level": "2"}
    )
    assert refused.status_code == 422 and "does not apply to" in refused.get_data(as_text=True)
    empty_title = client.post(
        f"/admin/templates/{template_id}/goals/{template.goals[0].id}/activities",
        data={"bucket": "20", "title": "", "hours": "abc"},
    )
    assert empty_title.status_code == 422


def test_applying_fills_drafts_gaps_first_leaves_sent_plans_and_adds_nothing_twice(
    client, org, cycle
):
    login(client, org["hr"])
    template_id = _make_template(client)
    url = f"/admin/templates/{template_id}/apply"
    counted = client.get(f"{url}?cycle={cycle.be_year}&unit=DEPT").get_data(as_text=True)
    assert "3 people of" in counted and "1 of them has sent their plan" in counted
    done = client.post(url, data={"cycle": str(cycle.be_year), "unit": "DEPT", "role_group": ""})
    assert done.status_code == 302
    result = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "New drafts started" in result and org["sent"].employee_no in result
    db.session.expire_all()

    def plan_of(who):
        return db.session.scalars(
            select(Plan).where(Plan.person_id == org[who].id, Plan.cycle_id == cycle.id)
        ).first()

    fresh = plan_of("fresh")
    # their own gaps first (level 1 against SERV's targets: DLIT and DPSD 2, DGOV 1), then
    # the template's goal for an area they have no gap in
    assert fresh.status == "draft"
    assert [g.area.code for g in fresh.goals] == ["DLIT", "DPSD", "DGOV", "SPM"]
    dpsd = fresh.goals[1]
    assert (dpsd.current_level, dpsd.target_level) == (1, 3)  # their own levels stay
    assert dpsd.success_criteria == "ให้บริการผ่านช่องทางออนไลน์ได้"
    assert [a.bucket for a in dpsd.activities] == ["70", "10"]
    assert (fresh.goals[3].current_level, fresh.goals[3].target_level) == (1, 2)
    drafting = plan_of("drafting")
    assert [g.area.code for g in drafting.goals] == ["DLIT", "DPSD", "DGOV", "SPM"]
    dpsd_draft = drafting.goals[1]
    titles = [a.title for a in dpsd_draft.activities]
    assert "ฝึกใช้ระบบคิวออนไลน์กับผู้รับบริการจริง" in titles and len(titles) == 2
    sent = plan_of("sent")
    assert sent.status == "submitted" and [g.area.code for g in sent.goals] == [
        "DLIT",
        "DPSD",
        "DGOV",
    ]
    assert all(len(g.activities) == 1 for g in sent.goals)  # untouched
    assert plan_of("academic") is None and plan_of("elsewhere") is None
    before = {g.id: len(g.activities) for p in (fresh, drafting) for g in p.goals}
    again = client.post(url, data={"cycle": str(cycle.be_year), "unit": "DEPT", "role_group": ""})
    second = client.get(again.headers["Location"]).get_data(as_text=True)
    assert "Drafts that had everything already" in second
    db.session.expire_all()
    after = {
        g.id: len(g.activities) for p in (plan_of("fresh"), plan_of("drafting")) for g in p.goals
    }
    assert after == before  # nothing twice
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "template_applied").order_by(AuditEvent.id)
    ).first()
    assert (
        event.details["started"] == 1
        and event.details["filled"] == 1
        and event.details["sent"] == 1
    )
    # the person opens their draft and it is theirs to change
    reader = client.application.test_client()
    login(reader, org["fresh"])
    page = reader.get(f"/plan/{cycle.be_year}/").get_data(as_text=True)
    assert "ฝึกใช้ระบบคิวออนไลน์กับผู้รับบริการจริง" in page


def test_a_big_unit_is_applied_by_the_task_queue(client, org, cycle, monkeypatch):
    import lms.admin.views as views

    monkeypatch.setattr(views, "INLINE_PEOPLE", 0)  # every apply goes to the queue (immediate)
    login(client, org["hr"])
    template_id = _make_template(client)
    done = client.post(
        f"/admin/templates/{template_id}/apply", data={"cycle": str(cycle.be_year), "unit": "TOP"}
    )
    result = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Done: 4 people reached." in result


def test_one_units_hr_cannot_see_or_use_anothers_templates(client, org, cycle):
    login(client, org["hr"])
    template_id = _make_template(client)
    other = client.application.test_client()
    login(other, org["hr_other"])
    assert other.get(f"/admin/templates/{template_id}").status_code == 404
    assert (
        other.post(f"/admin/templates/{template_id}/apply", data={"unit": "DEPT"}).status_code
        == 404
    )
    assert "งานบริการหน้าเคาน์เตอร์" not in other.get("/admin/templates").get_data(as_text=True)
    own = other.post("/admin/templates/new", data={"name": "ของฉัน", "unit": "OTHERDEPT"})
    own_id = int(own.headers["Location"].rstrip("/").split("/")[-1])
    other.post(f"/admin/templates/{own_id}/goals", data={"area": "DLIT", "target_level": "2"})
    beyond = other.get(f"/admin/templates/{own_id}/apply?cycle={cycle.be_year}&unit=DEPT")
    assert beyond.status_code == 422 and "Choose a unit you are HR of" in beyond.get_data(
        as_text=True
    )
    staff = client.application.test_client()
    login(staff, org["fresh"])
    assert staff.get("/admin/templates").status_code == 404
    assert staff.get(f"/admin/templates/{template_id}").status_code == 404


def test_applying_needs_an_open_year_and_goals(org, cycle, closed_cycle):
    template = service.save_template(
        None,
        {"name": "ว่าง", "unit": org["hr"].unit, "role_group": None, "track": None},
        framework_id=cycle.framework_id,
        by=org["hr"],
    )
    with pytest.raises(service.TemplateError) as refused:
        service.check_apply(template, closed_cycle, org["hr"].unit, org["hr"])
    assert {"cycle", "template"} <= set(refused.value.field_errors)
    db.session.rollback()
