"""The `flask lms ...` command group: one module per group of commands, each a thin adapter
over services (arguments in, a service call, a line of output)."""

import click

from lms.cli.content import init_command
from lms.cli.demo import demo_command
from lms.cli.files import clean_uploads_command
from lms.cli.people import create_admin_command
from lms.cli.remind import remind_command


@click.group("lms")
def lms_group():
    """Thaksa administration commands."""


for _command in (
    init_command,
    demo_command,
    create_admin_command,
    remind_command,
    clean_uploads_command,
):
    lms_group.add_command(_command)
