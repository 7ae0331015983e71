"""Query budgets: the main pages run a bounded number of SQL statements, whatever the data.

Measured on the demo organisation (a lived-in account: an earlier cycle, a plan with carried
goals, learning with evidence). Before the budgets the staff home ran 29 statements and the plan
page 34.
"""

import pytest

from lms.demo import DEMO_PASSWORD, build_demo
from lms.extensions import db
from tests.conftest import login
from tests.factories import PersonFactory, UnitFactory, submitted_assessment

BUDGETS = {
    "/": 12,
    "/plan/2566/": 15,
    "/learning/2566/": 12,
    "/assessment/2566/": 10,
    "/courses/": 10,
}


@pytest.fixture
def demo(app):
    build_demo()
    db.session.commit()


def _log_in_demo(client, who):
    response = client.post(
        "/login", data={"identifier": f"{who}@demo.local", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302


@pytest.mark.parametrize("who", ["staff", "supervisor"])
def test_main_pages_stay_within_their_query_budget(client, demo, count_queries, who):
    _log_in_demo(client, who)
    for url, budget in BUDGETS.items():
        with count_queries() as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        assert len(queries) <= budget, f"{url}: {queries}"


def _team_page_statements(client, count_queries, cycle, size: int) -> int:
    unit = UnitFactory()
    boss = PersonFactory(unit=unit, group="MGMT", roles=(("supervisor", None),))
    lead = PersonFactory(unit=unit, supervisor=boss, roles=(("supervisor", None),))
    for number in range(size):
        person = PersonFactory(unit=UnitFactory(parent=unit), supervisor=lead)
        if number % 2:
            submitted_assessment(person, cycle)
    login(client, boss)
    client.get("/team")  # warm: the first request of a client loads what every page loads
    with count_queries() as queries:
        assert client.get("/team").status_code == 200
    client.post("/logout")
    return len(queries)


def test_the_team_page_runs_the_same_statements_for_a_small_and_a_large_team(
    client, cycle, count_queries
):
    small = _team_page_statements(client, count_queries, cycle, 2)
    large = _team_page_statements(client, count_queries, cycle, 9)
    assert small == large
