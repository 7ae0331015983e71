"""`flask lms xapi-provider create|list|revoke`: a learning provider's xAPI credentials."""

import click
from flask_babel import force_locale
from sqlalchemy import func, select

from lms.extensions import db
from lms.interchange.services import clients, create_client, revoke_client
from lms.models import Provider, XapiClient
from lms.rules import RuleError


@click.group("xapi-provider")
def xapi_provider_group():
    """Credentials with which a learning provider posts xAPI statements to /xapi/."""


@xapi_provider_group.command("create")
@click.argument("name")
@click.option(
    "--provider",
    "provider_code",
    help="The catalogue provider (e.g. TDGA) among whose courses its course codes are found.",
)
def create_command(name, provider_code):
    """Make credentials for NAME; prints KEY:SECRET as its last line (shown once)."""
    provider = None
    if provider_code:
        provider = db.session.scalars(
            select(Provider).where(func.upper(Provider.code) == provider_code.upper())
        ).first()
        if provider is None:
            raise click.UsageError(f"No provider {provider_code!r} in the catalogue.")
    try:
        client, credentials = create_client(name, provider=provider)
    except RuleError as problem:
        with force_locale("en"):  # the command line speaks English, as `flask lms import`
            raise click.UsageError(str(problem.message)) from None
    db.session.commit()
    click.echo(f"Credentials {client.id} for {client.name} (HTTP Basic; the secret is shown once):")
    click.echo(credentials)


@xapi_provider_group.command("list")
def list_command():
    """Every provider's credentials, with when they were last used."""
    found = clients()
    if not found:
        click.echo("No learning provider has credentials.")
    for client in found:
        state = "revoked" if client.revoked_at else "in use"
        used = client.last_used_at.isoformat(timespec="minutes") if client.last_used_at else "never"
        click.echo(f"{client.id}\t{client.key}\t{client.name}\t{state}\tlast used {used}")


@xapi_provider_group.command("revoke")
@click.argument("client_id", type=int)
def revoke_command(client_id):
    """End credentials now: what the provider sends with them is refused."""
    client = db.session.get(XapiClient, client_id)
    if client is None:
        raise click.UsageError(f"No credentials {client_id}.")
    if not revoke_client(client, by=None):
        click.echo(f"Credentials {client_id} ({client.name}) were already revoked.")
        return
    db.session.commit()
    click.echo(f"Credentials {client_id} ({client.name}) are revoked.")
