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


def test_an_sqlite_database_with_people_in_it_upgrades(tmp_path):
    """The batch migrations copy `people` and `units` under their memberships, roles and plans:
    an installation with people in it (a demo made before, a pilot office) upgrades on SQLite."""
    from sqlalchemy import text

    url = "sqlite:///" + str(tmp_path / "populated.sqlite")
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade(revision="e5a7c9b1d3f4")  # before the imports' and the directory's columns
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO role_groups (id, code, name_th, position) VALUES (1, 'A', 'ก', 1)"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO units (id, code, name_th, path, depth, active) "
                    "VALUES (1, 'BMA', 'กทม', '/1/', 0, 1)"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO people (id, employee_no, email, name_th, role_group_id, unit_id, "
                    "locale, created_at) VALUES (1, '1001', 'a@b.th', 'นางน้ำฝน ศรีสุข', 1, 1, 'th', "
                    "'2026-01-01 00:00:00')"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO unit_memberships (person_id, unit_id, role_group_id, valid_from) "
                    "VALUES (1, 1, 1, '2026-01-01')"
                )
            )
        upgrade()
        with db.engine.connect() as conn:
            key = conn.execute(text("SELECT search_key FROM people WHERE id = 1")).scalar()
            assert conn.execute(text("SELECT count(*) FROM unit_memberships")).scalar() == 1
        assert "นางนําฝน" in key  # the search words were filled in for people already there
        db.engine.dispose()
