"""The schema: migrations match the models, and the database itself enforces the rules."""

from datetime import date
from decimal import Decimal

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lms import create_app
from lms.assessments.services import start_assessment
from lms.extensions import db
from lms.models import LearningActivity, Rating, SkillArea
from tests.factories import PersonFactory, UnitFactory


def test_migrations_match_the_models():
    with db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "render_as_batch": True}
        )
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_migrations_downgrade_and_upgrade_cleanly(tmp_path):
    url = "sqlite:///" + str(tmp_path / "roundtrip.sqlite")
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        upgrade()
        assert "people" in db.inspect(db.engine).get_table_names()
        db.engine.dispose()


def _commit_fails():
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_levels_outside_the_scale_are_refused_by_the_database(cycle):
    person = PersonFactory()
    assessment = start_assessment(person, cycle, by=person)
    area = db.session.scalars(
        select(SkillArea).where(SkillArea.framework_id == cycle.framework_id)
    ).first()
    db.session.add(Rating(assessment_id=assessment.id, area_id=area.id, level=5))
    _commit_fails()


def test_employee_numbers_and_unit_codes_are_unique():
    PersonFactory(employee_no="X1")
    with pytest.raises(IntegrityError):
        PersonFactory(employee_no="X1", email="other@test.local")
    db.session.rollback()
    UnitFactory(code="DUP")
    with pytest.raises(IntegrityError):
        UnitFactory(code="DUP")
    db.session.rollback()


def test_hours_and_scores_are_bounded_by_the_database(cycle):
    person = PersonFactory()
    base = dict(
        person_id=person.id, cycle_id=cycle.id, bucket="70", title="t", occurred_on=date(2023, 1, 5)
    )
    db.session.add(LearningActivity(**base, hours=Decimal("0")))
    _commit_fails()
    db.session.add(LearningActivity(**base, hours=Decimal("1001")))
    _commit_fails()
    db.session.add(LearningActivity(**base, hours=Decimal("2"), post_score=101))
    _commit_fails()
    db.session.add(LearningActivity(**{**base, "bucket": "30"}, hours=Decimal("2")))
    _commit_fails()
