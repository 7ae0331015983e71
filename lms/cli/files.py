"""`flask lms clean-uploads`: remove evidence files no database row knows, and report charts
not drawn for two days (for cron)."""

import click

from lms.activities.evidence import orphan_files
from lms.reports.chart_files import old_charts


@click.command("clean-uploads")
@click.option("--dry-run", is_flag=True, help="Only list what would be removed.")
def clean_uploads_command(dry_run):
    """Remove files in UPLOAD_DIR without an evidence row (older than an hour), and kept
    report charts not drawn for two days (new figures are drawn under new keys)."""
    orphans, charts = orphan_files(), old_charts()
    for path in [*orphans, *charts]:
        click.echo(("would remove " if dry_run else "removed ") + str(path))
        if not dry_run:
            path.unlink(missing_ok=True)
    said = f"orphan files: {len(orphans)}, old charts: {len(charts)}"
    click.echo(said + (" (dry run)" if dry_run else ""))
