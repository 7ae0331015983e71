"""`flask lms token create` (API tokens) and `flask lms rebuild-reports` (the report summary)."""

import time

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from lms.api.tokens import create_token, find_person
from lms.extensions import db
from lms.models import Cycle
from lms.reports.summary import rebuild


@click.group("token")
def token_group():
    """API tokens."""


@token_group.command("create")
@click.argument("identifier")
@click.option("--name", default="cli", show_default=True, help="What the token is for.")
@with_appcontext
def create_token_command(identifier, name):
    """Make an API token for EMPLOYEE_NO_OR_EMAIL; the token is the last line printed."""
    person = find_person(identifier)
    if person is None or not person.is_active:
        raise click.UsageError(f"No active person with employee number or e-mail {identifier!r}.")
    _, plain = create_token(person, name)
    db.session.commit()
    click.echo(f"Token for {person.email} (it is shown once; keep it secret):")
    click.echo(plain)


@click.command("rebuild-reports")
@click.option("--cycle", "be_year", type=int, help="Only this fiscal year (BE).")
@with_appcontext
def rebuild_reports_command(be_year):
    """Recompute the report summary from the base tables (after a bulk load or a restore)."""
    query = select(Cycle).order_by(Cycle.be_year)
    if be_year:
        query = query.where(Cycle.be_year == be_year)
    cycles = list(db.session.scalars(query))
    if not cycles:
        raise click.UsageError("No such cycle.")
    for cycle in cycles:
        started = time.perf_counter()
        rebuild(cycle)
        db.session.commit()
        click.echo(f"FY {cycle.be_year}: rebuilt in {time.perf_counter() - started:.1f} s")
