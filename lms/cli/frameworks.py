"""`flask lms framework import FILE` and `flask lms framework export CODE FILE`: a framework
from Moodle's competency-framework CSV (or a content file) and ours out as that CSV, with the
checks of the administration page."""

from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import force_locale
from sqlalchemy import select

from lms.cli.imports import _problems
from lms.exchange import FileRefused, ImportRefused
from lms.exchange.frameworks import import_framework, moodle_csv, read_framework_file
from lms.extensions import db
from lms.models import Framework


@click.group("framework")
def framework_group():
    """Skill frameworks in and out (Moodle's competency-framework CSV)."""


@framework_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--code", help="The new framework's code (default: the file's ID number).")
@click.option("--dry-run", is_flag=True, help="Check the file and say what it holds; add nothing.")
@click.option(
    "--lang", type=click.Choice(["en", "th"]), default="en", help="Language of the messages."
)
@with_appcontext
def import_framework_command(path, code, dry_run, lang):
    """Add a framework from Moodle's competency-framework CSV (or XLSX with its columns) or a
    content file (.yaml). With any problem nothing is added, every problem is listed (row,
    column, why) and the exit code is 1."""
    with force_locale(lang):
        try:
            read = read_framework_file(path.read_bytes(), path.name)
            added = import_framework(read, code=code, by=None, dry_run=dry_run)
        except FileRefused as refused:
            raise click.ClickException(str(refused.message)) from refused
        except ImportRefused as refused:
            db.session.rollback()
            _problems(refused)
            raise SystemExit(1) from None
        if not dry_run:
            db.session.commit()
        said = f"Added {added.code}" if added else "Nothing added (dry run); the file holds"
        click.echo(f"{said}: {read.areas} skill areas, {read.sub_skills} sub-skills")
        for notice in read.notices:
            click.echo(f"  note: {notice}")


@framework_group.command("export")
@click.argument("code")
@click.argument("path", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@with_appcontext
def export_framework_command(code, path):
    """Write framework CODE as Moodle's competency-framework CSV to PATH ("-": standard
    output), for Moodle's "Import competency framework" tool."""
    framework = db.session.scalars(select(Framework).where(Framework.code == code)).first()
    if framework is None:
        known = ", ".join(db.session.scalars(select(Framework.code).order_by(Framework.code)))
        raise click.ClickException(f"No framework has the code {code}. Known: {known}.")
    text = moodle_csv(framework)
    if str(path) == "-":
        click.echo(text, nl=False)
        return
    path.write_text(text, encoding="utf-8")
    click.echo(f"Wrote {framework.code} to {path}: {len(framework.areas)} skill areas")
