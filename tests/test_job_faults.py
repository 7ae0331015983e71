"""Queued files when something around them fails (issue 17): a queue that will not take the job,
a consumer killed or stopped while it runs one, and a file whose owner lost the role."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from lms import jobs
from lms.clock import utcnow
from lms.extensions import db
from lms.models import Job, RoleAssignment, Unit
from lms.people.org import add_unit
from tests.conftest import login
from tests.factories import PersonFactory

EXPORT = "/reports/units/DEPT/export/people?cycle=2566"


@pytest.fixture
def hr(cycle):
    root = add_unit("DEPT", "สำนักทดสอบ", "Test department")
    PersonFactory(unit=root)
    return PersonFactory(unit=root, roles=(("hr", root),))


def _only_job() -> Job:
    db.session.expire_all()
    return db.session.scalars(select(Job)).one()


def test_a_queue_that_is_down_fails_the_job_at_once_with_what_to_do(client, hr, monkeypatch):
    def down(_job_id):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setitem(jobs.RUNNERS, "report_people", down)
    login(client, hr)
    response = client.post(EXPORT)
    assert response.status_code == 302  # never a 500
    job = _only_job()
    assert job.status == "failed" and job.error == jobs.QUEUE_DOWN
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "ไม่ตอบสนอง" in page and "ลองใหม่" in page  # not answering; try again
    assert 'http-equiv="refresh"' not in page  # it does not wait for good


def _running(hr, *, beat_ago: timedelta, attempts: int = 1, progress: int = 20) -> Job:
    dept = db.session.scalars(select(Unit).where(Unit.code == "DEPT")).one()
    params = {"unit_id": dept.id, "cycle_id": _cycle_id(), "role_group_id": None}
    job = jobs.start_job(hr, "report_people", params, "th")
    job.status, job.progress, job.attempts = "running", progress, attempts
    job.started_at = job.heartbeat_at = utcnow() - beat_ago
    db.session.commit()
    return job


def _cycle_id() -> int:
    from lms.models import Cycle

    return db.session.scalars(select(Cycle.id).where(Cycle.be_year == 2566)).one()


def test_a_job_whose_consumer_died_is_shown_failed_not_being_made(client, hr):
    job = _running(hr, beat_ago=jobs.STALE_AFTER + timedelta(seconds=5))
    login(client, hr)
    page = client.get(f"/reports/exports/{job.id}").get_data(as_text=True)
    assert "20%" not in page and 'http-equiv="refresh"' not in page
    assert "ลองใหม่" in page


def test_a_job_with_a_recent_heartbeat_is_still_being_made(client, hr):
    job = _running(hr, beat_ago=timedelta(seconds=30))
    login(client, hr)
    page = client.get(f"/reports/exports/{job.id}").get_data(as_text=True)
    assert "20%" in page and 'http-equiv="refresh"' in page


def test_a_job_long_in_line_says_the_service_may_be_stopped(client, hr):
    job = _running(hr, beat_ago=timedelta(0))
    job.status, job.created_at = "queued", utcnow() - jobs.STALE_AFTER * 2
    db.session.commit()
    login(client, hr)
    page = client.get(f"/reports/exports/{job.id}").get_data(as_text=True)
    assert 'http-equiv="refresh"' in page  # it is made when a consumer runs: keep waiting
    assert "อาจหยุดทำงาน" in page  # ... and say why it takes long


def test_a_starting_consumer_runs_an_abandoned_job_again_once_then_fails_it(hr):
    again = _running(hr, beat_ago=jobs.STALE_AFTER * 2, attempts=1)
    given_up = _running(hr, beat_ago=jobs.STALE_AFTER * 2, attempts=jobs.MAX_ATTEMPTS)
    alive = _running(hr, beat_ago=timedelta(seconds=10))
    assert jobs.recover_abandoned() == (1, 1)  # tasks run at once here: it is made now
    db.session.expire_all()
    assert db.session.get(Job, again.id).status == "done"
    assert db.session.get(Job, again.id).attempts == 2
    assert db.session.get(Job, given_up.id).status == "failed"
    assert db.session.get(Job, given_up.id).error == "consumer_stopped"
    assert db.session.get(Job, alive.id).status == "running"  # another consumer's, alive


def test_a_job_interrupted_by_a_stopping_consumer_goes_back_in_the_queue(hr):
    job = _running(hr, beat_ago=timedelta(seconds=1))
    jobs.put_back(job.id)
    assert _only_job().status == "done"


def test_the_job_heartbeat_beats_while_the_work_runs(hr):
    import time

    job = _running(hr, beat_ago=timedelta(hours=1))
    with jobs.heartbeat(job.id, every=0.05):
        time.sleep(0.3)
    db.session.expire_all()
    assert utcnow() - db.session.get(Job, job.id).heartbeat_at < timedelta(seconds=5)


def test_a_file_is_not_downloaded_after_its_owner_lost_the_role(client, hr):
    login(client, hr)
    job_url = client.post(EXPORT).headers["Location"]
    assert client.get(job_url + "/file").status_code == 200
    for role in db.session.scalars(select(RoleAssignment).where(RoleAssignment.person_id == hr.id)):
        if role.role == "hr":
            db.session.delete(role)
    db.session.commit()
    login(client, hr)  # losing a role ends the sessions: log in again, as staff now
    assert client.get(job_url + "/file").status_code == 404
    assert client.get(job_url).status_code == 404


def test_the_pdf_of_a_large_plan_is_made_by_the_queue_not_in_the_request(client, app, cycle):
    from decimal import Decimal

    from lms.plans.pdf import LARGE_PLAN
    from lms.plans.services import add_planned_activity, build_from_gaps
    from tests.factories import submitted_assessment

    boss = PersonFactory()
    owner = PersonFactory(supervisor=boss)
    submitted_assessment(owner, cycle, level=1)
    plan, _ = build_from_gaps(owner, cycle, by=owner)
    for n in range(LARGE_PLAN + 1):
        goal = plan.goals[n % 3]
        add_planned_activity(
            goal, {"bucket": "70", "title": f"งาน {n}", "hours": Decimal(1)}, by=owner
        )
    db.session.commit()
    login(client, owner)
    asked = client.get("/plan/2566/plan.pdf")
    assert asked.status_code == 302 and "/plan/files/" in asked.headers["Location"]
    page = client.get(asked.headers["Location"]).get_data(as_text=True)
    assert 'href="/plan/2566/plan.pdf"' in page  # ready: tasks run at once here
    pdf = client.get("/plan/2566/plan.pdf")  # now made: served at once, from the cache
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    stranger = app.test_client()
    login(stranger, PersonFactory())
    assert stranger.get(asked.headers["Location"]).status_code == 404
    login(client, boss)
    mine = client.get(f"/people/{owner.employee_no}/plans/2566/plan.pdf")
    assert mine.status_code == 200 and mine.data.startswith(b"%PDF")  # the same day's copy
