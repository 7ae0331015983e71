"""Fixtures: an app on an empty database migrated once per run, clients and log-in helpers.

The database is TEST_DATABASE_URL (PostgreSQL in CI) or a throw-away SQLite file. The schema is
built by the Alembic migrations, never by create_all, and the content/ files are loaded once;
every test then starts from that state (transactional tables are emptied after each test).
"""

import contextvars
import os
import re
import shutil
import sqlite3
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pytest
from flask.globals import _cv_app
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import bindparam, create_engine, event, func, select, text

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


def _no_waiting_for_the_disk(dbapi_connection, _record) -> None:
    """The test database is thrown away: a commit need not wait for the disk (the suite spent a
    third of its time in fsync). Production keeps its durable defaults."""
    cursor = dbapi_connection.cursor()
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute("PRAGMA journal_mode=MEMORY")
    else:
        cursor.execute("SET synchronous_commit TO OFF")
    cursor.close()
    if not isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.commit()


def _database_of_this_worker() -> None:
    """Under pytest-xdist (`make test` runs two workers) each worker gets its own PostgreSQL
    database, `<TEST_DATABASE_URL's>_<worker>`, created on first use; SQLite files are already
    per worker (each has its own temporary folder)."""
    url, worker = os.environ.get("TEST_DATABASE_URL"), os.environ.get("PYTEST_XDIST_WORKER")
    if not url or not worker or not url.startswith("postgresql"):
        return
    server, name = url.rsplit("/", 1)
    own = f"{name}_{worker}"
    admin = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": own})
        if exists.scalar() is None:
            conn.execute(text(f'CREATE DATABASE "{own}"'))
    admin.dispose()
    os.environ["TEST_DATABASE_URL"] = f"{server}/{own}"


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    _database_of_this_worker()
    instance = tmp_path_factory.mktemp("instance")
    os.environ["INSTANCE_PATH"] = str(instance)
    application = create_app({"ENV_NAME": "testing", "UPLOAD_DIR": str(instance / "uploads")})
    application.test_client_class = IsolatedClient
    with application.app_context():
        event.listen(db.engine, "connect", _no_waiting_for_the_disk)
        db.engine.dispose()  # connections made before the listener reconnect with it
        _reset_database()
        upgrade()  # the migrations build the schema on an empty database
        load_all()
        db.session.commit()
        _LOADED.update(_content_high_water())
    yield application


def _transactional_tables() -> list:
    """Every table but the content's, children first (the order to empty them in)."""
    return [t for t in reversed(db.metadata.sorted_tables) if t.name not in CONTENT_TABLES]


# Kept by the database's triggers from the other tables (lms.models.lines.TeamCount): a copy
# put back would count twice what the triggers count again.
KEPT_BY_TRIGGERS = {"team_counts"}


def _copied_tables() -> list:
    return [t for t in _transactional_tables() if t.name not in KEPT_BY_TRIGGERS]


# The highest id of each content table once the content is loaded: rows a test adds past it (a
# framework imported, a course HR made) are removed after the test like every other row.
_LOADED: dict[str, int] = {}


def _content_tables() -> list:
    return [
        t for t in reversed(db.metadata.sorted_tables) if t.name in CONTENT_TABLES and "id" in t.c
    ]


def _content_high_water() -> dict[str, int]:
    with db.engine.connect() as conn:
        return {
            t.name: conn.execute(select(func.coalesce(func.max(t.c.id), 0))).scalar()
            for t in _content_tables()
        }


def empty_database(app) -> None:
    """Remove everything but the content (and the uploaded files). On PostgreSQL the tables are
    truncated in one statement: the audit log refuses DELETE (append-only), and rows deleted by
    the thousand in every test left dead tuples that autovacuum, under load, did not clear in
    time (a nested loop over a bloated table once took a page past its statement timeout)."""
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            names = ", ".join(table.name for table in _transactional_tables())
            conn.execute(text(f"TRUNCATE {names}"))
        else:
            for table in _transactional_tables():
                conn.execute(table.delete())
        for table in _content_tables():  # children first
            conn.execute(table.delete().where(table.c.id > _LOADED.get(table.name, 0)))
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


def _put_back(conn, table, rows: list[dict]) -> None:
    """Insert `rows` as they were; columns that point into the same table (a supervisor, a
    parent unit) are set afterwards, since a row may point to one inserted after it."""
    inward = [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]
    conn.execute(table.insert(), [{**row, **dict.fromkeys(inward)} for row in rows])
    for name in inward:
        links = [{"pk": row["id"], "value": row[name]} for row in rows if row[name] is not None]
        if links:
            conn.execute(
                table.update()
                .where(table.c.id == bindparam("pk"))
                .values({name: bindparam("value")}),
                links,
            )


DEMO_DAY = datetime(2026, 11, 24, 10, 0)  # FY 2570, as the demo tests' addresses say
_demo_copy: dict = {}


@pytest.fixture
def demo_world(app, frozen_clock):
    """The demo organisation as `flask lms demo` builds it on DEMO_DAY (the clock is left
    there): built once per run, then restored for each test from a copy of its rows and files
    (a build takes seconds, a restore a fraction of one). Tests that check building itself, or
    build on another day, call `build_demo()` instead."""
    from lms.demo import build_demo

    frozen_clock(DEMO_DAY)
    uploads = Path(app.config["UPLOAD_DIR"])
    if not _demo_copy:
        assert build_demo() is True
        db.session.commit()
        with db.engine.connect() as conn:
            _demo_copy["rows"] = {
                table: [
                    dict(r)
                    for r in conn.execute(select(table).order_by(*table.primary_key)).mappings()
                ]
                for table in _copied_tables()
            }
        _demo_copy["files"] = Path(shutil.copytree(uploads, uploads.parent / "demo-uploads"))
        return
    with db.engine.begin() as conn:
        for table in reversed(_copied_tables()):
            if _demo_copy["rows"][table]:
                _put_back(conn, table, _demo_copy["rows"][table])
        if conn.dialect.name == "postgresql":  # ids inserted as they were: move the sequences on
            for table in _copied_tables():
                if "id" in table.c and table.c.id.autoincrement and _demo_copy["rows"][table]:
                    sequence = func.pg_get_serial_sequence(table.name, "id")
                    latest = select(func.max(table.c.id)).scalar_subquery()
                    conn.execute(select(func.setval(sequence, latest)))
    shutil.copytree(_demo_copy["files"], uploads, dirs_exist_ok=True)
