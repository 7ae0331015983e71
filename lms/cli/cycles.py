"""`flask lms cycle create|open|close|list`: HR's year from the command line (the same services
as the administration pages)."""

import click
from flask.cli import with_appcontext
from flask_babel import force_locale
from sqlalchemy import select

from lms.cycles import close_cycle, cycle_by_year, new_cycle, open_for_people
from lms.extensions import db
from lms.i18n import typed_be_date
from lms.models import Cycle, Framework
from lms.rules import RuleError


def _be(day) -> str:
    """A date as Thai HR writes it: day/month/BE year."""
    return typed_be_date(day) if day else "–"


def _fail(problem: RuleError) -> None:
    """Say what the service refused, in English like the rest of the command line."""
    db.session.rollback()
    with force_locale("en"):
        lines = [str(problem.message)]
        lines += [f"  {field}: {message}" for field, message in problem.field_errors.items()]
    raise click.UsageError("\n".join(lines))


def _year_or_fail(be_year: int) -> Cycle:
    cycle = cycle_by_year(be_year)
    if cycle is None:
        raise click.UsageError(
            f"Fiscal year {be_year} has no cycle: flask lms cycle create {be_year}"
        )
    return cycle


@click.group("cycle")
def cycle_group():
    """Fiscal-year cycles: create, open, close, list."""


@cycle_group.command("create")
@click.argument("be_year", type=int)
@click.option("--framework", "code", help="Framework code (default: the newest one).")
@click.option("--open", "open_now", is_flag=True, help="Open it for people at once.")
@with_appcontext
def create_command(be_year, code, open_now):
    """Create the cycle of fiscal year BE_YEAR (e.g. 2570: 1 Oct 2569 – 30 Sep 2570), with the
    framework's default targets and the usual deadlines (change them on the web)."""
    query = select(Framework).order_by(Framework.id.desc())
    framework = db.session.scalars(query.where(Framework.code == code) if code else query).first()
    if framework is None:
        raise click.UsageError(
            f"No framework {code!r}." if code else "No framework loaded: flask lms init"
        )
    try:
        cycle = new_cycle(be_year, framework, by=None)
        if open_now:
            open_for_people(cycle, by=None)
    except RuleError as problem:
        _fail(problem)
    db.session.commit()
    click.echo(
        f"Fiscal year {be_year} ({_be(cycle.starts_on)} – {_be(cycle.ends_on)}), framework "
        f"{framework.code}: {cycle.status}. Self-assessment due {_be(cycle.assessment_due)}, "
        f"IDP due {_be(cycle.idp_due)}."
    )


def _step(be_year: int, step, said: str) -> None:
    """Open or close fiscal year `be_year` (`step` is the service) and say so."""
    cycle = _year_or_fail(be_year)
    try:
        step(cycle, by=None)
    except RuleError as problem:
        _fail(problem)
    db.session.commit()
    click.echo(f"Fiscal year {be_year} is {said}.")


@cycle_group.command("open")
@click.argument("be_year", type=int)
@with_appcontext
def open_command(be_year):
    """Open the planned cycle BE_YEAR for people."""
    _step(be_year, open_for_people, "open")


@cycle_group.command("close")
@click.argument("be_year", type=int)
@with_appcontext
def close_command(be_year):
    """Close the open cycle BE_YEAR: its data no longer changes."""
    _step(be_year, close_cycle, "closed")


@cycle_group.command("list")
@with_appcontext
def list_command():
    """Every cycle: year, status, dates, framework."""
    cycles = db.session.scalars(select(Cycle).order_by(Cycle.be_year)).all()
    if not cycles:
        click.echo("No cycle yet: flask lms cycle create YEAR")
    for cycle in cycles:
        click.echo(
            f"{cycle.be_year}\t{cycle.status}\t{_be(cycle.starts_on)} – {_be(cycle.ends_on)}"
            f"\t{cycle.framework.code}"
        )
