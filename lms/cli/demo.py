"""`flask lms demo`: the demo organisation and its five log-ins."""

import click
from flask.cli import with_appcontext

from lms.extensions import db

DEMO_LOGINS = ("staff", "supervisor", "hr", "hrd", "executive", "admin")


@click.command("demo")
@with_appcontext
def demo_command():
    """Build the demo organisation with its five demo log-ins (never use in production)."""
    from lms.demo import DEMO_PASSWORD, build_demo  # loads matplotlib for the certificates

    created = build_demo()
    db.session.commit()
    if created:
        click.echo("Demo data loaded. Log in with password " + DEMO_PASSWORD + " as:")
        for login in DEMO_LOGINS:
            click.echo(f"  {login}@demo.local")
    else:
        click.echo("Demo data is already loaded; nothing changed.")
