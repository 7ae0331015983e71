"""A year's targets (issue 20, part 1): HR sets a role group's target per skill area with the
framework's default and its confidence beside it, and a reason where they differ; the reports
follow through the stale -> rebuilt path, never silently wrong; bad input and who may."""

import random

import pytest
from sqlalchemy import select

from lms.cycles import TargetsError, change_targets, close_cycle, target_table, targets_version
from lms.extensions import db
from lms.models import (
    AuditEvent,
    CycleTargetNote,
    FrameworkTarget,
    ReportState,
    RoleGroup,
)
from lms.reports import summary, tasks
from lms.reports.queries import unit_report
from tests.conftest import login
from tests.factories import PersonFactory, UnitFactory
from tests.report_world import assess, comparable, oracle, person, random_world


@pytest.fixture
def world(cycle):
    summary.bring_up_to_date(cycle)
    db.session.commit()
    root = random_world(random.Random(20), cycle, 30)
    assess(person(root, 99999, "ACAD"), cycle, {"DLIT": 2})  # whom the ACAD DLIT target moves
    db.session.commit()
    return cycle, root


@pytest.fixture
def queued(monkeypatch):
    """The queued rebuilds, as a real queue would run them: later."""
    jobs = []
    monkeypatch.setattr(tasks, "rebuild_summary", jobs.append)
    return jobs


def _group(code: str) -> RoleGroup:
    return db.session.scalars(select(RoleGroup).where(RoleGroup.code == code)).one()


def _form(cycle, group_code: str, **changes) -> dict:
    """The group's form as the page shows it, with `changes` ("level-DLIT": "4", ...)."""
    cells = target_table(cycle)[_group(group_code).id]
    form = {"version": targets_version(cells)}
    for cell in cells:
        form[f"level-{cell.area.code}"] = "" if cell.level is None else str(cell.level)
        form[f"reason-{cell.area.code}"] = cell.reason or ""
    return form | changes


def _target(cycle, group_code: str, area_code: str):
    cell = next(c for c in target_table(cycle)[_group(group_code).id] if c.area.code == area_code)
    return cell


def test_the_loader_keeps_each_default_targets_confidence_and_the_sources(ocsc):
    def confidence(group, area):
        return db.session.scalars(
            select(FrameworkTarget.confidence)
            .join(RoleGroup, RoleGroup.id == FrameworkTarget.role_group_id)
            .where(FrameworkTarget.framework_id == ocsc.id, RoleGroup.code == group)
            .where(FrameworkTarget.area_id.in_([a.id for a in ocsc.areas if a.code == area]))
        ).one()

    assert confidence("EXEC", "DLIT") == "verified"  # a TPQI unit names the group
    assert confidence("EXEC", "DGOV") == "default"  # the product's reading
    assert "tpqi-net.tpqi.go.th" in ocsc.sources


def test_hr_changes_targets_and_the_report_is_stale_then_exact(client, world, queued):
    cycle, root = world
    login(client, PersonFactory(unit=root, roles=(("hr", root),), locale="en"))
    before = unit_report(root, cycle).figures.as_dict()
    assert comparable(before) == comparable(oracle(root, cycle))
    page = client.get(f"/admin/cycles/{cycle.be_year}/targets").get_data(as_text=True)
    assert "/targets/ACAD" in page
    form_page = client.get(f"/admin/cycles/{cycle.be_year}/targets/ACAD").get_data(as_text=True)
    assert "checked against a TPQI competency unit" in form_page  # the default's confidence
    assert _target(cycle, "ACAD", "DLIT").level == 3
    saved = client.post(
        f"/admin/cycles/{cycle.be_year}/targets/ACAD",
        data=_form(
            cycle,
            "ACAD",
            **{
                "level-DLIT": "4",
                "reason-DLIT": "ทุกคนในกลุ่มนี้ทำงานกับข้อมูล",
                "level-DGOV": "",  # no longer applies to the group
                "reason-DGOV": "ปีนี้เน้นทักษะพื้นฐาน",
            },
        ),
    )
    assert saved.status_code == 302
    assert queued == [cycle.id]  # the rebuild waits for the queue: the request returns at once
    db.session.expire_all()
    assert db.session.get(ReportState, cycle.id).stale_since is not None
    report_url = f"/reports/units/{root.code}?cycle={cycle.be_year}"
    assert 'id="recomputing"' in client.get(report_url).get_data(as_text=True)
    assert summary.rebuild_stale(cycle.id) is True  # the queued task's body
    after = unit_report(root, cycle).figures.as_dict()
    assert comparable(after) == comparable(oracle(root, cycle))
    assert after["skills"]["DLIT"]["avg_target"] != before["skills"]["DLIT"]["avg_target"]
    assert 'id="recomputing"' not in client.get(report_url).get_data(as_text=True)
    assert summary.drift(cycle) == []
    cell = _target(cycle, "ACAD", "DLIT")
    assert (cell.level, cell.default, cell.reason) == (4, 3, "ทุกคนในกลุ่มนี้ทำงานกับข้อมูล")
    assert _target(cycle, "ACAD", "DGOV").level is None
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "cycle_targets_changed")
    ).one()
    assert event.details["changed"] == {"DLIT": [3, 4], "DGOV": [2, None]}
    assert event.details["role_group"] == "ACAD" and "DLIT" in event.details["reasons"]
    overview = client.get(f"/admin/cycles/{cycle.be_year}/targets").get_data(as_text=True)
    assert "ทุกคนในกลุ่มนี้ทำงานกับข้อมูล" in overview and "departs" in overview
    # back to the default: the reason goes with the departure
    client.post(
        f"/admin/cycles/{cycle.be_year}/targets/ACAD",
        data=_form(cycle, "ACAD", **{"level-DLIT": "3", "reason-DLIT": ""}),
    )
    assert _target(cycle, "ACAD", "DLIT").reason is None
    assert (
        db.session.scalar(
            select(CycleTargetNote.reason).where(CycleTargetNote.area_id == cell.area.id)
        )
        is None
    )


def test_bad_targets_are_refused_with_what_was_typed_kept(client, world, queued):
    cycle, root = world
    login(client, PersonFactory(unit=root, roles=(("hr", root),), locale="en"))
    url = f"/admin/cycles/{cycle.be_year}/targets/ACAD"
    no_reason = client.post(url, data=_form(cycle, "ACAD", **{"level-DLIT": "1"}))
    text = no_reason.get_data(as_text=True)
    assert no_reason.status_code == 422 and "say why" in text
    assert '<option value="1" selected>' in text  # the level typed is still chosen
    outside = client.post(url, data=_form(cycle, "ACAD", **{"level-DLIT": "7", "reason-DLIT": "x"}))
    assert outside.status_code == 422 and "Choose a level of the scale, 0 to 4" in outside.get_data(
        as_text=True
    )
    assert 'value="x"' in outside.get_data(as_text=True)
    garbled = client.post(url, data=_form(cycle, "ACAD", **{"level-DLIT": "๓"}))
    assert garbled.status_code == 422
    assert _target(cycle, "ACAD", "DLIT").level == 3 and queued == []  # nothing written
    with pytest.raises(TargetsError) as refused:
        change_targets(cycle, _group("ACAD"), {"NOPE": 2}, {}, version=None, by=None)
    assert "level-NOPE" in refused.value.field_errors
    db.session.rollback()


def test_a_page_older_than_the_last_save_is_refused_and_shows_both(client, world, queued):
    cycle, root = world
    login(client, PersonFactory(unit=root, roles=(("hr", root),), locale="en"))
    url = f"/admin/cycles/{cycle.be_year}/targets/ACAD"
    old = _form(cycle, "ACAD", **{"level-DGOV": "4", "reason-DGOV": "mine"})
    change_targets(cycle, _group("ACAD"), {"DGOV": 1}, {"DGOV": "theirs"}, version=None, by=None)
    db.session.commit()
    late = client.post(url, data=old)
    text = late.get_data(as_text=True)
    assert late.status_code == 422 and "changed in another window" in text
    assert 'value="mine"' in text and "Saved now:" in text  # what was typed, beside what won
    assert _target(cycle, "ACAD", "DGOV").level == 1


def test_who_may_see_and_change_the_targets(client, world, queued):
    cycle, root = world
    dept = UnitFactory(code="TDEPT", parent=root)
    url = f"/admin/cycles/{cycle.be_year}/targets"
    login(client, PersonFactory(unit=dept))
    assert client.get(url).status_code == 404
    assert client.post(f"{url}/ACAD", data=_form(cycle, "ACAD")).status_code == 404
    client = client.application.test_client()  # another browser
    login(client, PersonFactory(unit=dept, roles=(("hr", dept),), locale="en"))
    assert client.get(url).status_code == 200  # a department's HR may look
    assert "/targets/ACAD" not in client.get(url).get_data(as_text=True)
    refused = client.post(
        f"{url}/ACAD", data=_form(cycle, "ACAD", **{"level-DGOV": "3", "reason-DGOV": "x"})
    )
    assert refused.status_code == 403 and _target(cycle, "ACAD", "DGOV").level == 2
    assert client.get(f"{url}/NOPE").status_code == 404


def test_a_closed_years_targets_stay(client, world, queued):
    cycle, root = world
    close_cycle(cycle, by=None)
    db.session.commit()
    login(client, PersonFactory(unit=root, roles=(("hr", root),), locale="en"))
    url = f"/admin/cycles/{cycle.be_year}/targets/ACAD"
    refused = client.post(url, data=_form(cycle, "ACAD", **{"level-DGOV": "3", "reason-DGOV": "x"}))
    assert refused.status_code == 422 and "is closed" in refused.get_data(as_text=True)
    assert _target(cycle, "ACAD", "DGOV").level == 2 and queued == []
    page = client.get(f"/admin/cycles/{cycle.be_year}/targets").get_data(as_text=True)
    assert "/targets/ACAD" not in page  # no way in to change a closed year
