"""Issue 22: the whole API fuzzed from its own OpenAPI document (schemathesis, in `make test`,
bounded): no answer is a 5xx, and every answer is what the document says (content type, and the
body's schema for the statuses it describes). It found its first bug at once: a year or a page
beyond the database's integers answered 500 on PostgreSQL (the schemas bound them now)."""

import os
from datetime import datetime

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
)
from sqlalchemy import select

from lms.api.tokens import create_token
from lms.extensions import db
from lms.models import Unit
from lms.people.org import add_unit
from tests.factories import PersonFactory
from tests.report_world import learn, person

EXAMPLES = 30  # per operation: the whole run stays within seconds


@pytest.fixture
def api_schema(app, cycle, frozen_clock):
    frozen_clock(datetime(2023, 3, 1, 10, 0))  # in FY 2566, the fixtures' open cycle
    unit = add_unit("FUZZ", "กองทดสอบ", "Fuzz office")
    learn(person(unit, 1), cycle, "70", "3.5")
    db.session.commit()
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


@pytest.fixture
def fuzz_headers(api_schema):
    unit = db.session.scalars(select(Unit).where(Unit.code == "FUZZ")).one()
    hr = PersonFactory(unit=unit, roles=(("hr", unit),))
    db.session.commit()
    _, plain = create_token(hr, "fuzz", scope="write")
    db.session.commit()
    return {"Authorization": f"Bearer {plain}"}


CHECKS = [not_a_server_error, content_type_conformance, response_schema_conformance]


def test_the_api_answers_what_its_document_says(api_schema, fuzz_headers):
    """Each operation of the document, with cases generated from its schemas (valid and not):
    run in this test rather than through the pytest plugin, so the app, its data and the
    token are the fixtures'."""
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 7  # the reports, the people list and the learning log
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
            derandomize=bool(os.environ.get("CI")),  # CI: the same cases each run
        )
        def fuzz(case):
            case.call_and_validate(headers=fuzz_headers, checks=CHECKS)

        fuzz()
