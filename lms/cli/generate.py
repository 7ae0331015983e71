"""`flask lms generate`: a synthetic organisation for benchmarks (see lms.demo.generate)."""

import time

import click
from flask.cli import with_appcontext

from lms.extensions import db


@click.command("generate")
@click.option("--people", default=100_000, show_default=True, type=click.IntRange(1, 2_000_000))
@click.option("--seed", default=1, show_default=True, type=int)
@with_appcontext
def generate_command(people, seed):
    """Build a synthetic organisation of PEOPLE people (deterministic from SEED)."""
    from lms.demo.generate import ADMIN_EMAIL, generate, summarise

    started = time.perf_counter()
    steps = ("units", "people", "FY 2565", "FY 2566", "summary")
    with click.progressbar(length=len(steps), label=f"Generating {people:,} people") as bar:
        try:
            built = generate(people, seed, progress=lambda _step, _n: bar.update(1))
        except ValueError as problem:
            db.session.rollback()
            raise click.UsageError(str(problem)) from problem
        db.session.commit()
        summarise()
        db.session.commit()
        bar.update(1)
    click.echo(
        f"{built.people:,} people in {built.units:,} units, "
        + ", ".join(f"{n:,} {table}" for table, n in built.rows.items())
        + f" in {time.perf_counter() - started:.1f} s."
    )
    click.echo(f"Admin: {ADMIN_EMAIL} (set a password with flask shell, or make a token:")
    click.echo(f"  flask lms token create {ADMIN_EMAIL})")
