"""API tokens read, or read and write

Issue 22. A token made on the profile page or by the command line reads only, unless its owner
asks for writing too (the learning log through the API); a token never carries more than its
owner's rights either way. Tokens made before this read only.

Revision ID: d2f4a6b8c0e3
Revises: c1e3a5b7d9f2
Create Date: 2026-12-07 13:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "d2f4a6b8c0e3"
down_revision = "c1e3a5b7d9f2"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("api_tokens") as batch:
        batch.add_column(
            sa.Column("scope", sa.String(length=5), nullable=False, server_default="read")
        )
        batch.create_check_constraint("scope_known", "scope IN ('read', 'write')")


def downgrade():
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_constraint("scope_known", type_="check")
        batch.drop_column("scope")
