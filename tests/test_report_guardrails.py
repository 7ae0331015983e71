"""The report summary survives bulk work: a bulk UPDATE/DELETE on a watched table is refused
outside `bulk_changes()`, which rebuilds; many people in one transaction rebuild set-based;
`flask lms check-reports` finds drift; the watched columns follow what reports/rows.py reads."""

import random

import pytest
from sqlalchemy import Column, Table, delete, select, text, update
from sqlalchemy.sql import visitors

from lms.extensions import db
from lms.models import LearningActivity, Plan, ReportPerson
from lms.reports import summary, upkeep
from lms.reports.rows import area_rows, person_rows
from tests.report_world import learn, random_world


@pytest.fixture
def world(cycle):
    summary.bring_up_to_date(cycle)
    db.session.commit()
    random_world(random.Random(7), cycle, 24)
    db.session.commit()
    assert db.session.scalar(select(ReportPerson.person_id).limit(1)) is not None
    return cycle


def test_a_bulk_update_on_a_watched_table_is_refused_with_the_way_to_do_it(world):
    with pytest.raises(upkeep.BulkWriteRefused, match="bulk_changes"):
        db.session.execute(update(Plan).values(status="approved"))
    with pytest.raises(upkeep.BulkWriteRefused):
        db.session.execute(delete(LearningActivity))


def test_bulk_changes_allow_it_and_rebuild_the_summary_before_the_commit(world):
    with upkeep.bulk_changes(db.session):
        db.session.execute(update(Plan).values(status="approved"))
        db.session.execute(delete(LearningActivity).where(LearningActivity.bucket == "70"))
    db.session.commit()
    assert summary.drift(world) == []
    approved = db.session.scalars(select(ReportPerson.idp_status).distinct())
    assert "approved" in set(approved)


def test_many_people_in_one_transaction_rebuild_the_cycle_in_bulk(world, monkeypatch):
    calls = {"rebuild": 0, "refresh": 0, "add_learning": 0}
    for name in calls:
        original = getattr(summary, name)

        def counted(*args, _name=name, _original=original, **kwargs):
            calls[_name] += 1
            return _original(*args, **kwargs)

        monkeypatch.setattr(summary, name, counted)
    monkeypatch.setattr(upkeep, "BULK_PEOPLE", 5)
    from lms.models import Person

    for someone in db.session.scalars(select(Person).limit(8)):
        learn(someone, world, "20", "1.5")
    db.session.commit()
    assert calls == {"rebuild": 1, "refresh": 0, "add_learning": 0}
    assert summary.drift(world) == []
    learn(someone, world, "10", "2")
    db.session.commit()  # a few people: learning moved in place by its difference
    assert calls == {"rebuild": 1, "refresh": 0, "add_learning": 1}
    someone.deactivated_on = world.starts_on
    db.session.commit()  # anything else: their rows recomputed in place
    assert calls == {"rebuild": 1, "refresh": 1, "add_learning": 1}
    assert summary.drift(world) == []


def test_check_reports_finds_drift_and_repairs_it(app, world):
    runner = app.test_cli_runner()
    exact = runner.invoke(args=["lms", "check-reports"])
    assert exact.exit_code == 0 and "exact" in exact.output
    # what no listener hears: a write straight to the summary
    db.session.execute(text("UPDATE report_people SET activities = activities + 1"))
    db.session.commit()
    found = runner.invoke(args=["lms", "check-reports"])
    assert found.exit_code == 1 and "drifted" in found.output and "person" in found.output
    repaired = runner.invoke(args=["lms", "check-reports", "--repair"])
    assert repaired.exit_code == 0 and "rebuilt" in repaired.output
    db.session.expire_all()
    assert summary.drift(world) == []


def _columns_read(statement) -> set[tuple[str, str]]:
    """(table, column) of every base-table column a statement reads, through aliases."""
    found = set()
    for element in visitors.iterate(statement, {"column_collections": False}):
        if not isinstance(element, Column) or element.table is None:
            continue
        table = element.table
        while not isinstance(table, Table) and hasattr(table, "element"):
            table = table.element
        if isinstance(table, Table):
            found.add((table.name, element.name))
    return found


# Columns reports read that never change once written: primary keys and the links of a rating.
STABLE = {"id", "assessment_id", "area_id"}


def test_every_column_the_reports_read_is_watched(cycle):
    read = _columns_read(person_rows(cycle.id, cycle.ends_on)) | _columns_read(
        area_rows(cycle.id, cycle.ends_on)
    )
    tables = {model.__tablename__: model for model in upkeep.WATCHED}
    unwatched = {
        (table, column)
        for table, column in read
        if table in tables and column not in upkeep.WATCHED[tables[table]] and column not in STABLE
    }
    assert unwatched == set()
    # A self-assessment's ratings change only while it is a draft (reports count submitted
    # ones, and submitting is a watched change of status): the one unwatched table read.
    other_tables = {table for table, _ in read} - set(tables)
    assert other_tables == {"ratings"}
    assert ("plans", "status") in read and ("unit_memberships", "valid_to") in read


def test_a_target_change_on_the_web_returns_at_once_and_the_report_says_recomputing(
    app, world, client, monkeypatch
):
    from lms.models import ReportState, Unit
    from lms.reports import tasks
    from tests.conftest import login
    from tests.factories import PersonFactory
    from tests.report_world import drop_target

    queued, rebuilt = [], []
    monkeypatch.setattr(tasks, "rebuild_summary", queued.append)  # as a real queue: later
    original = summary.rebuild
    monkeypatch.setattr(summary, "rebuild", lambda *a, **k: rebuilt.append(a) or original(*a, **k))
    with app.test_request_context(), tasks.rebuilt_later(db.session):
        drop_target(world, "ACAD", "DLIT")
        db.session.commit()
    assert queued == [world.id] and rebuilt == []  # nothing rebuilt inside the request
    assert db.session.get(ReportState, world.id).stale_since is not None
    root = db.session.scalars(select(Unit).where(Unit.parent_id.is_(None))).first()
    login(client, PersonFactory(unit=root, roles=(("hr", root),)))
    url = f"/reports/units/{root.code}?cycle={world.be_year}"
    assert 'id="recomputing"' in client.get(url).get_data(as_text=True)
    assert summary.rebuild_stale(world.id) is True  # the task's body
    assert summary.rebuild_stale(world.id) is False  # a second run finds it done
    assert 'id="recomputing"' not in client.get(url).get_data(as_text=True)
    assert summary.drift(world) == []


def test_a_rebuild_leaves_fresh_planner_statistics_on_postgresql(cycle):
    """Issue 19: without ANALYZE after a rebuild the reports ran 2-3 times slower until
    autovacuum came by. PostgreSQL only (SQLite's planner needs none)."""
    from sqlalchemy import event

    seen = []
    engine = db.session.get_bind()

    def listen(_conn, _cursor, statement, *_rest):
        seen.append(statement.strip().split())

    event.listen(engine, "before_cursor_execute", listen)
    try:
        summary.rebuild(cycle)
        db.session.commit()
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    analysed = {words[-1] for words in seen if words and words[0].upper() == "ANALYZE"}
    if engine.dialect.name == "postgresql":
        assert analysed == set(summary.SUMMARY_TABLES)
    else:
        assert analysed == set()


def test_check_reports_finds_team_sizes_written_around_the_triggers_and_counts_them_again(
    app, world
):
    """A restore with the triggers off (here: a row written straight to team_counts) shows as
    drift, and --repair counts the teams again from the people."""
    from lms.models.lines import team_counts_drift

    runner = app.test_cli_runner()
    exact = runner.invoke(args=["lms", "check-reports"])
    assert exact.exit_code == 0 and "Team sizes: exact" in exact.output
    someone = db.session.scalar(text("SELECT id FROM people ORDER BY id LIMIT 1"))
    db.session.execute(
        text(
            "INSERT INTO team_counts (supervisor_id, cycle_id, line, n) VALUES (:id, 0, '/0/', 3)"
            " ON CONFLICT (supervisor_id, cycle_id) DO UPDATE SET n = team_counts.n + 3"
        ).bindparams(id=someone)
    )
    db.session.commit()
    found = runner.invoke(args=["lms", "check-reports"])
    assert found.exit_code == 1 and "Team sizes:" in found.output and "drifted" in found.output
    repaired = runner.invoke(args=["lms", "check-reports", "--repair"])
    assert repaired.exit_code == 0 and "counted again" in repaired.output
    db.session.expire_all()
    assert team_counts_drift() == []
