"""providers can be retired: their courses leave the catalogue, their history stays

Issue 20. HR keeps the course catalogue: courses already have `active`; a provider gets one too,
so that a provider that closed can be retired without deleting what people learned with it.

Revision ID: f3b5d7f9a1c2
Revises: e2a4c6e8f0b1
Create Date: 2026-12-07 11:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "f3b5d7f9a1c2"
down_revision = "e2a4c6e8f0b1"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("providers") as batch:
        batch.add_column(
            sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true())
        )


def downgrade():
    with op.batch_alter_table("providers") as batch:
        batch.drop_column("active")
