"""The `flask lms ...` command group: one module per group of commands, each a thin adapter
over services (arguments in, a service call, a line of output)."""

import click
from flask.cli import with_appcontext
from sqlalchemy import event

from lms.cli.content import courses_group, init_command
from lms.cli.cycles import cycle_group
from lms.cli.demo import demo_command
from lms.cli.files import clean_uploads_command
from lms.cli.frameworks import framework_group
from lms.cli.generate import generate_command
from lms.cli.imports import import_command
from lms.cli.people import create_admin_command, person_group
from lms.cli.remind import remind_command
from lms.cli.reports import check_reports_command, rebuild_reports_command, token_group
from lms.cli.xapi import xapi_provider_group
from lms.extensions import db


def no_statement_timeout() -> None:
    """The web's per-statement and lock limits (DB_STATEMENT_TIMEOUT_MS, DB_LOCK_TIMEOUT_MS)
    do not apply to commands, which may rightly run long (imports, reminders for a whole
    organisation) or wait for a page's transaction to end."""
    engine = db.engine
    if engine.dialect.name == "postgresql" and not event.contains(engine, "connect", _unlimited):
        event.listen(engine, "connect", _unlimited)


def _unlimited(dbapi_connection, _record) -> None:
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 0")
        cursor.execute("SET lock_timeout = 0")
    dbapi_connection.commit()


@click.group("lms")
@with_appcontext
def lms_group():
    """Thaksa administration commands."""
    no_statement_timeout()


for _command in (
    init_command,
    demo_command,
    create_admin_command,
    person_group,
    remind_command,
    clean_uploads_command,
    token_group,
    cycle_group,
    import_command,
    framework_group,
    courses_group,
    generate_command,
    rebuild_reports_command,
    check_reports_command,
    xapi_provider_group,
):
    lms_group.add_command(_command)
