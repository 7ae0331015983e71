"""`flask lms token create` (API tokens), `flask lms rebuild-reports` and `flask lms check-reports`
(the report summary)."""

import time

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from lms.api.tokens import (
    DEFAULT_DAYS,
    MAX_DAYS,
    create_token,
    find_person,
    revoke_token,
    token_state,
    tokens_of,
)
from lms.extensions import db
from lms.models import ApiToken, Cycle
from lms.models.lines import recount_teams, team_counts_drift
from lms.reports.summary import drift, rebuild


@click.group("token")
def token_group():
    """API tokens."""


@token_group.command("create")
@click.argument("identifier")
@click.option("--name", default="cli", show_default=True, help="What the token is for.")
@click.option(
    "--days",
    type=click.IntRange(1, MAX_DAYS),
    default=DEFAULT_DAYS,
    show_default=True,
    help="Days until the token ends by itself.",
)
@click.option(
    "--write",
    is_flag=True,
    help="Also change what its owner may (assessment, plan, log, reviews).",
)
@with_appcontext
def create_token_command(identifier, name, days, write):
    """Make an API token for EMPLOYEE_NO_OR_EMAIL; the token is the last line printed."""
    person = find_person(identifier)
    if person is None or not person.is_active:
        raise click.UsageError(f"No active person with employee number or e-mail {identifier!r}.")
    token, plain = create_token(person, name, days=days, scope="write" if write else "read")
    db.session.commit()
    ends = token.expires_at.strftime("%Y-%m-%d %H:%M UTC")
    click.echo(f"Token {token.id} for {person.email}, until {ends} (shown once; keep it secret):")
    click.echo(plain)


@token_group.command("list")
@click.argument("identifier")
@with_appcontext
def list_tokens_command(identifier):
    """The API tokens of EMPLOYEE_NO_OR_EMAIL: id, start, name, state, last use, end."""
    person = find_person(identifier)
    if person is None:
        raise click.UsageError(f"No person with employee number or e-mail {identifier!r}.")
    tokens = tokens_of(person)
    if not tokens:
        click.echo(f"{person.email} has no API token.")
    for token in tokens:
        used = token.last_used_at.strftime("%Y-%m-%d") if token.last_used_at else "never"
        ends = token.expires_at.strftime("%Y-%m-%d") if token.expires_at else "never"
        click.echo(
            f"{token.id}\t{token.prefix}…\t{token.name}\t{token_state(token)}"
            f"\tlast used {used}\tends {ends}"
        )


@token_group.command("revoke")
@click.argument("token_id", type=int)
@with_appcontext
def revoke_token_command(token_id):
    """End the API token TOKEN_ID (from `flask lms token list`) now."""
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise click.UsageError(f"No API token {token_id}.")
    if not revoke_token(token, by=None):  # at the console: no person of the app
        click.echo(f"Token {token_id} had already ended ({token_state(token)}).")
        return
    db.session.commit()
    click.echo(f"Token {token_id} ({token.name}) of {token.person.email} is revoked.")


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


@click.command("check-reports")
@click.option("--cycle", "be_year", type=int, help="Only this fiscal year (BE).")
@click.option("--repair", is_flag=True, help="Rebuild each cycle that drifted.")
@with_appcontext
def check_reports_command(be_year, repair):
    """Compare the report summary with the base tables (for cron): prints any drift and exits
    1 when there is some (0 after --repair mended it)."""
    query = select(Cycle).order_by(Cycle.be_year)
    if be_year:
        query = query.where(Cycle.be_year == be_year)
    cycles = list(db.session.scalars(query))
    if not cycles:
        raise click.UsageError("No such cycle.")
    drifted = 0
    for cycle in cycles:
        started = time.perf_counter()
        found = drift(cycle)
        took = time.perf_counter() - started
        if not found:
            click.echo(f"FY {cycle.be_year}: exact (checked in {took:.1f} s)")
            continue
        click.echo(f"FY {cycle.be_year}: {len(found)} rows drifted (checked in {took:.1f} s)")
        for line in found[:50]:
            click.echo(f"  {line}")
        if repair:
            rebuild(cycle)
            db.session.commit()
            click.echo(f"FY {cycle.be_year}: rebuilt")
        else:
            drifted += 1
    found = team_counts_drift()
    if not found:
        click.echo("Team sizes: exact")
    else:
        click.echo(f"Team sizes: {len(found)} rows drifted (supervisor, cycle, kept, counted)")
        for line in found[:50]:
            click.echo(f"  {line}")
        if repair:
            recount_teams()
            db.session.commit()
            click.echo("Team sizes: counted again")
        else:
            drifted += 1
    db.session.rollback()
    if drifted:
        raise SystemExit(1)
