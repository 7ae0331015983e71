"""`flask lms init`: the latest schema and the content/ files."""

import click
from flask.cli import with_appcontext
from flask_migrate import upgrade

from lms.extensions import db


@click.command("init")
@with_appcontext
def init_command():
    """Migrate the database to the latest schema and load the content/ files (idempotent)."""
    from lms.content import load_all

    upgrade()
    report = load_all()
    db.session.commit()
    if report.changes:
        for table, count in sorted(report.created.items()):
            click.echo(f"  created {count:4d} {table}")
        for table, count in sorted(report.updated.items()):
            click.echo(f"  updated {count:4d} {table}")
    click.echo(f"Database ready; content loaded ({report.changes} changes).")
