"""`flask lms create-admin`: the first administrator of a real installation."""

import click
from flask.cli import with_appcontext
from flask_babel import force_locale

from lms.extensions import db
from lms.people.services import PeopleError, create_admin


@click.command("create-admin")
@click.argument("email")
@click.argument("employee_no")
@click.argument("name_th")
@click.option(
    "--unit", "unit_code", required=True, help="Unit code; created as a root unit if new."
)
@click.option("--role-group", default="OTHER", show_default=True)
@click.password_option()
@with_appcontext
def create_admin_command(email, employee_no, name_th, unit_code, role_group, password):
    """Create the first administrator (scoped to everything)."""
    try:
        create_admin(
            email=email,
            employee_no=employee_no,
            name_th=name_th,
            unit_code=unit_code,
            role_group_code=role_group,
            password=password,
        )
    except PeopleError as exc:
        db.session.rollback()
        with force_locale("en"):  # the command line speaks English, like its --help
            message = str(exc.message)
        raise click.UsageError(message) from exc
    db.session.commit()
    click.echo(f"Administrator {email} created.")
