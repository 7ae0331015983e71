"""`flask lms create-admin`: the first administrator of a real installation; `flask lms person
anonymise EMPLOYEE_NO`: a departed person made anonymous (PDPA)."""

import click
from flask.cli import with_appcontext
from flask_babel import force_locale
from sqlalchemy import select

from lms.extensions import db
from lms.models import Person
from lms.people.personal_data import AnonymiseRefused, anonymise, remove_files
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


@click.group("person")
def person_group():
    """One person's data."""


@person_group.command("anonymise")
@click.argument("employee_no")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def anonymise_command(employee_no, yes):
    """Make a person who has left anonymous (PDPA): names, e-mail, employee number, free text
    and evidence files removed for good; every report figure stays. Refused for a person who
    is still active."""
    person = db.session.scalars(select(Person).where(Person.employee_no == employee_no)).first()
    if person is None:
        raise click.UsageError(f"Nobody has the employee number {employee_no}.")
    if not yes:
        click.confirm(f"Anonymise {person.name_th} ({employee_no}) for good?", abort=True)
    try:
        files = anonymise(person, by=None)
    except AnonymiseRefused as exc:
        db.session.rollback()
        with force_locale("en"):
            message = str(exc.message)
        raise click.UsageError(message) from exc
    db.session.commit()
    removed = remove_files(files)
    click.echo(
        f"{employee_no} is anonymous now: {person.employee_no} ({removed} evidence files removed)."
    )
