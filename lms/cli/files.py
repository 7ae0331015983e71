"""`flask lms clean-uploads`: remove evidence files no database row knows (for cron)."""

import click

from lms.activities.evidence import orphan_files


@click.command("clean-uploads")
@click.option("--dry-run", is_flag=True, help="Only list what would be removed.")
def clean_uploads_command(dry_run):
    """Remove files in UPLOAD_DIR without an evidence row (older than an hour)."""
    orphans = orphan_files()
    for path in orphans:
        click.echo(("would remove " if dry_run else "removed ") + str(path))
        if not dry_run:
            path.unlink(missing_ok=True)
    click.echo(f"orphan files: {len(orphans)}" + (" (dry run)" if dry_run else ""))
