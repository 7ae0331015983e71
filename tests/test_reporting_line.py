"""The reporting line as data (issue 19): `people.line` always agrees with the recursive
definition over `supervisor_id`, through moves of whole subtrees, people added under people
added in the same flush, leavers, bulk rewrites and imports; a circle is refused; pages that
read the team run the same statements whatever its size."""

import random
from datetime import date

import pytest
from sqlalchemy import delete, select, update

from lms.clock import today
from lms.extensions import db
from lms.models import CircleInLine, Person, SelfAssessment
from lms.models.lines import end_of, reline, rewrite_lines, team_counts_drift, team_size
from lms.people.services import team_counts
from lms.permissions import below_query
from lms.vocab import AssessmentStatus
from tests.conftest import login
from tests.factories import PersonFactory, UnitFactory, submitted_assessment


def _recursive_below(head: int, bosses: dict[int, int | None]) -> set[int]:
    """Everyone below `head` by the definition: follow supervisor_id up from each person."""
    found = set()
    for pid in bosses:
        seen, current = {pid}, bosses[pid]
        while current is not None and current not in seen:
            if current == head:
                found.add(pid)
                break
            seen.add(current)
            current = bosses[current]
    return found


def _expected_line(pid: int, bosses: dict[int, int | None]) -> str:
    chain = [pid]
    while bosses[chain[-1]] is not None:
        chain.append(bosses[chain[-1]])
    return "/" + "".join(f"{p}/" for p in reversed(chain))


def _check_every_line() -> None:
    db.session.flush()
    rows = db.session.execute(select(Person.id, Person.supervisor_id, Person.line)).all()
    bosses = {pid: boss for pid, boss, _line in rows}
    for pid, _boss, line in rows:
        assert line == _expected_line(pid, bosses), pid
    for head in bosses:
        assert set(db.session.scalars(below_query([head]))) == _recursive_below(head, bosses)


def _organisation(rng: random.Random, size: int) -> list[Person]:
    units = [UnitFactory()]
    for _ in range(3):
        units.append(UnitFactory(parent=rng.choice(units)))
    people: list[Person] = []
    for _ in range(size):
        boss = rng.choice(people) if people and rng.random() < 0.9 else None
        people.append(PersonFactory(unit=rng.choice(units), supervisor=boss))
    return people


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_the_line_agrees_with_the_recursive_definition_through_moves_leavers_and_circles(seed):
    rng = random.Random(seed)
    people = _organisation(rng, 30)
    _check_every_line()
    refused = 0
    for _round in range(25):
        person = rng.choice(people)
        below = [p for p in people if p.line.startswith(person.line) and p is not person]
        if below and rng.random() < 0.3:  # someone below them: a circle
            boss = rng.choice(below)
        else:
            boss = rng.choice([None, *(p for p in people if p is not person)])
        if rng.random() < 0.2:  # someone leaves: the line stays (people who left are below too)
            person.deactivated_on = date(2021, 1, 1)
        try:
            with db.session.begin_nested():
                person.supervisor = boss  # a whole subtree moves with them
                db.session.flush()
        except CircleInLine:
            refused += 1
            db.session.expire_all()
        _check_every_line()
    assert refused, "the rounds tried at least one circle"


def test_people_added_under_people_added_in_the_same_flush():
    top = PersonFactory()
    unit = top.unit
    middle = Person(
        employee_no="LN1",
        name_th="กลาง",
        role_group_id=top.role_group_id,
        unit=unit,
        supervisor=top,
    )
    bottom = Person(employee_no="LN2", name_th="ล่าง", role_group_id=top.role_group_id, unit=unit)
    bottom.supervisor = middle
    db.session.add_all([bottom, middle])
    db.session.flush()  # read in the same transaction, before any commit
    assert bottom.line == f"/{top.id}/{middle.id}/{bottom.id}/"
    db.session.commit()
    _check_every_line()


def test_someone_as_their_own_supervisor_or_below_themselves_is_refused():
    top = PersonFactory()
    below = PersonFactory(supervisor=top)
    for boss in (top, below):
        top.supervisor_id = boss.id
        with pytest.raises(CircleInLine):
            db.session.flush()
        db.session.rollback()
    _check_every_line()


def test_bulk_writes_around_the_orm_are_relined_or_rewritten():
    rng = random.Random(7)
    people = _organisation(rng, 25)
    ids = [p.id for p in people]
    table = Person.__table__
    # as an import writes: supervisors changed by Core statements, then a few relined...
    moved = rng.sample(ids[5:], 4)
    for pid in moved:
        db.session.execute(update(table).where(table.c.id == pid).values(supervisor_id=ids[0]))
    reline(db.session.connection(), moved)
    _check_every_line()
    # ... or many, and every line rewritten in one statement
    for pid in ids[1:]:
        boss = rng.choice([None, *ids[: ids.index(pid)]])
        db.session.execute(update(table).where(table.c.id == pid).values(supervisor_id=boss))
    db.session.execute(update(table).values(line=""))
    assert rewrite_lines(db.session.connection()) == len(ids)
    _check_every_line()
    assert rewrite_lines(db.session.connection()) == 0  # nothing changed: nothing written


def test_a_range_holds_exactly_the_lines_that_start_with_it():
    line = "/1/57/"
    inside, outside = ["/1/57/9/", "/1/57/0/", "/1/57/99999/3/"], ["/1/57", "/1/570/", "/1/58/"]
    assert all(line < other < end_of(line) for other in inside)
    assert not any(line < other < end_of(line) for other in outside)


# -- pages that read the team: statements do not grow with it ----------------------------------


def _statements(client, count_queries, cycle, size: int, url: str) -> int:
    unit = UnitFactory()
    boss = PersonFactory(unit=unit, group="MGMT", roles=(("supervisor", None),))
    leads = [PersonFactory(unit=unit, supervisor=boss) for _ in range(2)]
    for number in range(size):
        person = PersonFactory(unit=UnitFactory(parent=unit), supervisor=leads[number % 2])
        if number % 2:
            submitted_assessment(person, cycle)
    login(client, boss)
    client.get(url)  # warm: the first request of a client loads what every page loads
    with count_queries() as queries:
        assert client.get(url).status_code == 200
    client.post("/logout")
    return queries


@pytest.mark.parametrize("url", ["/", "/team", "/team?page=2", "/team?sort=unit&show=direct"])
def test_home_and_team_run_the_same_statements_for_a_small_and_a_large_team(
    client, cycle, count_queries, url
):
    small = _statements(client, count_queries, cycle, 3, url)
    large = _statements(client, count_queries, cycle, 60, url)  # past a page of 50
    assert len(small) == len(large), (small.statements, large.statements)


# -- team sizes: the supervisors' counts agree with counting the people -----------------------


def _expected_size(head: Person, heads: list[Person], cycle) -> tuple[int, int]:
    """By the definition: the people still here below any of `heads`, `head` aside, and how
    many of them submitted their self-assessment in `cycle`."""
    rows = db.session.execute(select(Person.id, Person.supervisor_id, Person.deactivated_on)).all()
    bosses = {pid: boss for pid, boss, _left in rows}
    here = {pid for pid, _boss, left in rows if left is None or left > today()}
    team = set().union(*(_recursive_below(h.id, bosses) for h in heads)) & here - {head.id}
    done = set(
        db.session.scalars(
            select(SelfAssessment.person_id).where(
                SelfAssessment.cycle_id == cycle.id,
                SelfAssessment.status == AssessmentStatus.SUBMITTED,
            )
        )
    )
    return len(team), len(team & done)


def _check_every_team(people: list[Person], cycle) -> None:
    db.session.flush()
    for head in people:
        db.session.refresh(head)
        assert team_counts(head, cycle) == _expected_size(head, [head], cycle), head.id
    # standing in for someone above or beside them: both teams, themselves aside
    head, other = people[-1], people[len(people) // 2]
    lines = [head.line, other.line]
    assert team_size(head, lines, cycle.id) == _expected_size(head, [head, other], cycle)
    assert team_counts_drift() == []


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_team_sizes_agree_with_counting_through_moves_leavers_and_assessments(cycle, seed):
    rng = random.Random(seed)
    people = _organisation(rng, 30)
    group = people[0].role_group_id
    for person in rng.sample(people, 12):
        status = rng.choice(list(AssessmentStatus))
        db.session.add(
            SelfAssessment(person=person, cycle=cycle, status=status, role_group_id=group)
        )
    _check_every_team(people, cycle)
    for _round in range(20):
        person, change = rng.choice(people), rng.random()
        if change < 0.3:  # a subtree moves (a circle is refused, as above)
            boss = rng.choice([None, *(p for p in people if not p.line.startswith(person.line))])
            person.supervisor = boss
        elif change < 0.5:  # leaves, or will leave, or comes back
            person.deactivated_on = rng.choice([None, date(2021, 1, 1), date(2099, 1, 1)])
        elif change < 0.8:  # submits, or the assessment goes back to a draft, or starts
            mine = db.session.scalars(
                select(SelfAssessment).where(SelfAssessment.person_id == person.id)
            ).first()
            if mine is None:
                db.session.add(
                    SelfAssessment(person=person, cycle=cycle, role_group_id=group, status="draft")
                )
            else:
                mine.status = rng.choice(list(AssessmentStatus))
        else:  # written around the ORM, as an import does
            table = Person.__table__
            boss = rng.choice([p for p in people if not p.line.startswith(person.line)])
            db.session.execute(
                update(table).where(table.c.id == person.id).values(supervisor_id=boss.id)
            )
            reline(db.session.connection(), [person.id])
            assessments = SelfAssessment.__table__
            db.session.execute(
                update(assessments)
                .where(assessments.c.person_id == boss.id)
                .values(status=AssessmentStatus.SUBMITTED)
            )
            db.session.expire_all()
        _check_every_team(people, cycle)
    # someone with no one below them is removed, with their assessment
    last = next(p for p in people if not db.session.scalars(below_query([p.id])).first())
    assessments = SelfAssessment.__table__
    db.session.execute(delete(assessments).where(assessments.c.person_id == last.id))
    db.session.delete(last)
    people.remove(last)
    _check_every_team(people, cycle)
    db.session.commit()
    _check_every_team(people, cycle)


@pytest.mark.parametrize("first", ["move", "submit"])
def test_a_move_and_a_submission_at_the_same_time_are_both_counted(app, cycle, first):
    """Someone's supervisor changes while they submit their self-assessment, in two transactions
    at once: whichever starts first, the other waits for it (the assessment's trigger locks the
    person's row) and counts against what it wrote, so both teams stay exact (PostgreSQL)."""
    import threading

    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite runs one writer at a time")
    old, new = PersonFactory(), PersonFactory()
    someone = PersonFactory(supervisor=old)
    mine = SelfAssessment(
        person=someone, cycle=cycle, status="draft", role_group_id=someone.role_group_id
    )
    db.session.add(mine)
    db.session.commit()
    people, assessments = Person.__table__, SelfAssessment.__table__

    def move(connection) -> None:
        connection.execute(
            update(people).where(people.c.id == someone.id).values(supervisor_id=new.id)
        )
        reline(connection, [someone.id])

    def submit(connection) -> None:
        connection.execute(
            update(assessments).where(assessments.c.id == mine.id).values(status="submitted")
        )

    steps = {"move": move, "submit": submit}
    second = "submit" if first == "move" else "move"
    with db.engine.connect() as one, db.engine.connect() as two:
        steps[first](one)
        finished, failures = threading.Event(), []

        def then() -> None:
            try:
                with app.app_context():
                    steps[second](two)
                    two.commit()
                finished.set()
            except Exception as error:  # noqa: BLE001 - reported below
                failures.append(repr(error))

        waiting = threading.Thread(target=then)
        waiting.start()
        assert not finished.wait(0.5), "the second waits for the first"
        one.commit()
        waiting.join(10)
        assert finished.is_set(), failures
    db.session.expire_all()
    assert team_counts(new, cycle) == (1, 1)
    assert team_counts(old, cycle) == (0, 0)
