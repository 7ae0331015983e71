"""`flask lms import units|people|courses|completions FILE`: the HR system's and providers'
files from the command line (the same checks and writing as the administration page), with a
progress bar."""

import time
from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import force_locale

from lms.exchange import KINDS, FileRefused, ImportRefused, Outcome, read_table
from lms.extensions import db

SHOWN = 20  # changes of each kind printed (all of them are counted)


@click.command("import")
@click.argument("what", type=click.Choice(sorted(KINDS)))
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--dry-run", is_flag=True, help="Check the file and say what would change; write nothing."
)
@click.option(
    "--deactivate-missing",
    is_flag=True,
    help="People: deactivate everyone not in the file (a full import; never deletes anyone).",
)
@click.option("--sheet", help="XLSX: the sheet to read (default: the first).")
@click.option(
    "--encoding",
    type=click.Choice(["utf-8", "cp874"]),
    help="CSV: the encoding (default: detected; cp874 is Thai Windows / TIS-620).",
)
@click.option(
    "--lang", type=click.Choice(["en", "th"]), default="en", help="Language of the messages."
)
@with_appcontext
def import_command(what, path, dry_run, deactivate_missing, sheet, encoding, lang):
    """Import units (code, name_th, name_en, parent_code) or people (employee_no, email,
    name_th, name_en, position_th, role_group, unit_code, supervisor_employee_no, roles,
    scope_unit_code, effective_on), courses, or completions (employee_no or email,
    course_code or course_title, provider, completed_on, score, hours) from a CSV or XLSX
    file. Every row is checked first: with any problem nothing is written and every problem is
    listed (row, column, why); exit code 1."""
    started = time.perf_counter()
    with force_locale(lang):
        try:
            table = read_table(path.read_bytes(), sheet=sheet, encoding=encoding)
        except FileRefused as refused:
            raise click.ClickException(str(refused.message)) from refused
        click.echo(
            f"{path.name}: {len(table.rows):,} rows"
            + (f" ({table.encoding})" if table.encoding else "")
        )
        options = {"deactivate_missing": deactivate_missing} if what == "people" else {}
        with click.progressbar(length=100, label="Importing" if not dry_run else "Checking") as bar:

            def step(share: float) -> None:
                bar.update(max(0, int(share * 100) - bar.pos))

            try:
                outcome = KINDS[what](table, by=None, dry_run=dry_run, progress=step, **options)
                if not dry_run:
                    db.session.commit()
                step(1.0)
            except ImportRefused as refused:
                db.session.rollback()
                bar.render_finish()
                _problems(refused)
                raise SystemExit(1) from None
        _summary(outcome, time.perf_counter() - started)


def _problems(refused: ImportRefused) -> None:
    click.echo(str(refused.message), err=True)
    for problem in refused.problems:
        where = (f"row {problem.row}" if problem.row else "the file") + (
            f", {problem.column}" if problem.column else ""
        )
        click.echo(f"  {where}: {problem.message}", err=True)


def _summary(outcome: Outcome, seconds: float) -> None:
    said = "Written" if outcome.written else "Nothing written (dry run); it would be"
    counts = ", ".join(f"{what} {outcome.count(what):,}" for what in LABELS if outcome.count(what))
    click.echo(f"{said}: {counts or 'no rows'} — {seconds:.1f} s")
    for what in LABELS[:-1]:
        for entry in getattr(outcome, what)[:SHOWN]:
            click.echo(f"  {what:<11} {_line(what, entry)}")
        if outcome.count(what) > SHOWN:
            click.echo(f"  {what:<11} … and {outcome.count(what) - SHOWN:,} more")


LABELS = ("new", "changed", "moved", "deactivated", "reactivated", "unchanged")


def _line(what: str, entry: dict) -> str:
    if what == "changed":
        changes = "; ".join(
            f"{column}: {before or '–'} → {after or '–'}"
            for column, before, after in entry["changes"]
        )
        return f"{entry['key']} {entry['name']}: {changes}"
    if what == "moved":
        return f"{entry['key']} {entry['name']}: {entry['before'] or '–'} → {entry['after'] or '–'}"
    return f"{entry['key']} {entry.get('name', '')}"
