"""`flask lms remind`: reminders and escalation for cron, then the e-mails."""

import click
from flask import current_app

from lms.inbox.reminders import remind


@click.command("remind")
@click.option("--days-before", type=int, default=None, help="Days before a deadline to remind.")
@click.option(
    "--waiting-days", type=int, default=None, help="Days an item waits before a reminder."
)
@click.option("--no-mail", is_flag=True, help="Write the in-app reminders only.")
def remind_command(days_before, waiting_days, no_mail):
    """Send due reminders once each (safe to run every few minutes from cron)."""
    config = current_app.config
    run = remind(
        days_before=config["REMIND_DAYS_BEFORE"] if days_before is None else days_before,
        waiting_days=config["REMIND_WAITING_DAYS"] if waiting_days is None else waiting_days,
        send_mail=not no_mail,
    )
    for kind, count in sorted(run.sent.items()):
        click.echo(f"{kind}: {count}")
    click.echo(f"reminders: {sum(run.sent.values())}, e-mails sent: {run.emailed}")
