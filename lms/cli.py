"""The `flask lms ...` commands: init, demo, create-admin."""

import click
from flask.cli import with_appcontext
from flask_migrate import upgrade
from sqlalchemy import select

from lms.extensions import db


@click.group("lms")
def lms_group():
    """Thaksa administration commands."""


@lms_group.command("init")
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


@lms_group.command("demo")
@with_appcontext
def demo_command():
    """Build the demo organisation with its five demo log-ins (never use in production)."""
    from lms.demo import DEMO_PASSWORD, build_demo

    created = build_demo()
    db.session.commit()
    if created:
        click.echo("Demo data loaded. Log in with password " + DEMO_PASSWORD + " as:")
        for login in ("staff", "supervisor", "hr", "executive", "admin"):
            click.echo(f"  {login}@demo.local")
    else:
        click.echo("Demo data is already loaded; nothing changed.")


@lms_group.command("create-admin")
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
    from datetime import date

    from lms.auth.services import MIN_PASSWORD_LENGTH, audit, set_password
    from lms.models import Person, RoleGroup
    from lms.people.org import add_person, add_unit, unit_by_code

    if len(password) < MIN_PASSWORD_LENGTH:
        raise click.UsageError(f"The password needs at least {MIN_PASSWORD_LENGTH} characters.")
    if db.session.scalars(
        select(Person).where((Person.email == email) | (Person.employee_no == employee_no))
    ).first():
        raise click.UsageError("A person with this e-mail or employee number already exists.")
    group = db.session.scalars(select(RoleGroup).where(RoleGroup.code == role_group)).first()
    if group is None:
        raise click.UsageError(f"Unknown role group {role_group!r}; run 'flask lms init' first.")
    unit = unit_by_code(unit_code) or add_unit(unit_code, unit_code)
    person = add_person(
        unit=unit,
        since=date.today(),
        roles=(("admin", None),),
        email=email,
        employee_no=employee_no,
        name_th=name_th,
        role_group_id=group.id,
    )
    set_password(person, password)
    audit("role_granted", None, person, role="admin", via="cli")
    db.session.commit()
    click.echo(f"Administrator {email} created.")
