"""Fixtures: an app on an empty database migrated once per run, clients and log-in helpers.

The database is TEST_DATABASE_URL (PostgreSQL in CI) or a throw-away SQLite file. The schema is
built by the Alembic migrations, never by create_all, and the content/ files are loaded once;
every test then starts from that state (transactional tables are emptied after each test).
"""

import contextvars
import os
import re
import shutil
from contextlib import contextmanager

import pytest
from flask.globals import _cv_app
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import event, text

from lms import create_app
from lms.content import load_all
from lms.cycles import create_cycle
from lms.extensions import db
from lms.models import Framework

CONTENT_TABLES = {
    "tracks",
    "role_groups",
    "frameworks",
    "skill_areas",
    "sub_skills",
    "scale_levels",
    "framework_targets",
    "activity_kinds",
    "course_tracks",
    "providers",
    "courses",
    "course_areas",
    "alembic_version",
}
PASSWORD = "correct horse battery"


def _reset_database() -> None:
    engine = db.engine
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    else:
        db.drop_all()
        with engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))


class IsolatedClient(FlaskClient):
    """Runs every request in its own app context, as in production.

    Flask reuses an app context that is already pushed (the tests keep one for their own
    database work); sharing it would share `g` and the database session between the test and
    the request and hide, for example, a view that forgets to commit.
    """

    def open(self, *args, **kwargs):
        def run():
            _cv_app.set(None)
            return FlaskClient.open(self, *args, **kwargs)

        return contextvars.copy_context().run(run)


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    os.environ["INSTANCE_PATH"] = str(instance)
    application = create_app({"ENV_NAME": "testing", "UPLOAD_DIR": str(instance / "uploads")})
    application.test_client_class = IsolatedClient
    with application.app_context():
        _reset_database()
        upgrade()  # the migrations build the schema on an empty database
        load_all()
        db.session.commit()
    yield application


def empty_database(app) -> None:
    """Remove everything but the content (and the uploaded files)."""
    tables = [t for t in reversed(db.metadata.sorted_tables) if t.name not in CONTENT_TABLES]
    with db.engine.begin() as conn:
        for table in tables:
            conn.execute(table.delete())
    shutil.rmtree(app.config["UPLOAD_DIR"], ignore_errors=True)


@pytest.fixture(autouse=True)
def _clean_database(app, request):
    """Each test runs inside an app context and leaves only the content behind, except in a
    module marked `shared_data`, whose module-scoped fixtures build read-only data once (and
    empty the database when the module ends)."""
    with app.app_context():
        yield
        db.session.rollback()
        db.session.remove()
        if request.node.get_closest_marker("shared_data") is None:
            empty_database(app)


@pytest.fixture
def client(app):
    app.config["WTF_CSRF_ENABLED"] = False
    return app.test_client()


@pytest.fixture
def csrf_client(app, monkeypatch):
    """A client against an app that checks CSRF tokens, as production does."""
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    return app.test_client()


@pytest.fixture
def ocsc():
    return db.session.scalars(db.select(Framework).where(Framework.code == "OCSC-2560")).one()


@pytest.fixture
def cycle(ocsc):
    """The open FY 2566 cycle."""
    c = create_cycle(2566, ocsc, status="open")
    db.session.commit()
    return c


@pytest.fixture
def closed_cycle(ocsc):
    c = create_cycle(2565, ocsc, status="closed")
    db.session.commit()
    return c


def login(client, person, password=PASSWORD):
    """Log `person` in through the real log-in form."""
    response = client.post(
        "/login", data={"identifier": person.email, "password": password}, follow_redirects=False
    )
    assert response.status_code == 302, response.data[:500]
    return response


def csrf_token(client, url):
    """The CSRF token of the form on `url`."""
    page = client.get(url).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page
    )
    assert match, "no CSRF token on " + url
    return match.group(1)


class QueryCount:
    """The SQL statements run inside a `count_queries()` block."""

    def __init__(self):
        self.statements: list[str] = []

    def __len__(self) -> int:
        return len(self.statements)

    def __str__(self) -> str:
        return f"{len(self)} statements:\n" + "\n".join(s[:160] for s in self.statements)


@pytest.fixture
def count_queries(app):
    """`with count_queries() as q: client.get(...)`; then `len(q)` is the statements it ran
    (indico's fixture of the same name is the model)."""

    @contextmanager
    def counting():
        found = QueryCount()

        def record(_conn, _cursor, statement, _params, _context, _many):
            found.statements.append(" ".join(statement.split()))

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            yield found
        finally:
            event.remove(db.engine, "before_cursor_execute", record)

    return counting


@pytest.fixture
def frozen_clock():
    """Pin lms.clock (the app's only clock) for one test: `frozen_clock(date_or_datetime)`."""
    from lms import clock

    yield clock.freeze
    clock.unfreeze()
