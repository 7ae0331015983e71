"""`flask lms init`: the latest schema and the content/ files; `flask lms courses
check-links`: the catalogue's dead links."""

import click
from flask.cli import with_appcontext
from flask_migrate import upgrade

from lms.courses.links import DEAD, UNCHECKED, catalogue_links, check_links
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


@click.group("courses")
def courses_group():
    """The course catalogue."""


@courses_group.command("check-links")
@click.option("--timeout", default=10.0, show_default=True, help="Seconds to wait for a site.")
@click.option("--workers", default=8, show_default=True, help="Sites asked at once.")
@with_appcontext
def check_links_command(timeout, workers):
    """Ask every course page and provider catalogue of the catalogue whether it is still there,
    and list the dead links with the courses that use them (exit code 1 when any is dead; 2
    when no site answered, as on a machine without a network: then nothing is called dead)."""
    links = catalogue_links()
    if not links:
        click.echo("The catalogue has no links to check.")
        return
    click.echo(f"Checking {len(links)} links ({workers} at a time, {timeout:g} s each) …")
    answered = check_links(links, timeout=timeout, workers=workers)
    if not answered:
        click.echo(
            f"No site answered ({len(links)} links): this machine seems to have no network, or "
            "needs a proxy (set HTTPS_PROXY). Nothing is called dead; try again from a machine "
            "that reaches the internet."
        )
        raise SystemExit(2)
    dead = [link for link in links if link.outcome == DEAD]
    unchecked = [link for link in links if link.outcome == UNCHECKED]
    for title, shown in (("Dead", dead), ("Could not check", unchecked)):
        if shown:
            click.echo(f"{title} ({len(shown)}):")
            for link in shown:
                click.echo(f"  {link.url} — {link.detail}; used by {', '.join(link.used_by)}")
    alive = len(links) - len(dead) - len(unchecked)
    click.echo(f"{alive} alive, {len(dead)} dead, {len(unchecked)} could not be checked.")
    if dead:
        raise SystemExit(1)
