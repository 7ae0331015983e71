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


def test_the_catalogue_migration_corrects_starter_rows_hr_left_alone(tmp_path):
    """Issue 9's data fixes: coaching leaves digital leadership, cyber awareness becomes digital
    literacy, the unverified title is retired, TDGA's codes are marked as Thaksa's own; a row HR
    changed meanwhile keeps HR's areas."""
    from sqlalchemy import text

    url = "sqlite:///" + str(tmp_path / "catalogue.sqlite")
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade(revision="5c1e0a7d9b21")
        with db.engine.begin() as conn:
            for pid, code in ((1, "OCSC"), (2, "TDGA"), (3, "THAIMOOC")):
                conn.execute(
                    text("INSERT INTO providers (id, code, name_th) VALUES (:id, :code, :code)"),
                    {"id": pid, "code": code},
                )
            courses = [
                (1, 1, "SL12", "การสอนงาน (Coaching)", ["DLEAD"]),
                (2, 1, "DS03", "ความมั่นคงปลอดภัยบนอินเทอร์เน็ต", ["DLIT", "DGOV"]),
                (3, 2, "TDGA-009", "Cyber Security Awareness", ["DGOV", "DTECH"]),  # HR's edit
                (
                    4,
                    3,
                    "course-v1:STOU-MOOC+stou005+2017_T2",
                    "Big Data (exact title uncertain)",
                    (),
                ),
            ]
            for cid, pid, code, title, areas in courses:
                conn.execute(
                    text(
                        "INSERT INTO courses (id, provider_id, code, title_th, language, active,"
                        " search_text) VALUES (:id, :pid, :code, :title, 'th', :yes, '')"
                    ),
                    {"id": cid, "pid": pid, "code": code, "title": title, "yes": True},
                )
                for area in areas:
                    conn.execute(
                        text("INSERT INTO course_areas (course_id, area_code) VALUES (:c, :a)"),
                        {"c": cid, "a": area},
                    )
        upgrade()
        with db.engine.connect() as conn:

            def areas(cid):
                return sorted(
                    conn.execute(
                        text("SELECT area_code FROM course_areas WHERE course_id = :c"), {"c": cid}
                    ).scalars()
                )

            assert areas(1) == [] and areas(2) == ["DLIT"] and areas(3) == ["DGOV", "DTECH"]
            retired = text("SELECT title_th, active FROM courses WHERE id = 4")
            title, active = conn.execute(retired).one()
            assert title == "Big Data" and not active
            official = dict(conn.execute(text("SELECT code, code_official FROM courses")).all())
            assert not official["TDGA-009"] and official["SL12"]
        downgrade(revision="5c1e0a7d9b21")
        with db.engine.connect() as conn:
            back = text("SELECT count(*) FROM course_areas WHERE course_id = 1")
            assert conn.execute(back).scalar() == 1  # coaching's area as shipped
        db.engine.dispose()
