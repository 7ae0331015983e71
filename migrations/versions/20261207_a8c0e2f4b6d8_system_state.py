"""system state: facts the app keeps about its own running (the last reminder run)

Issue 20, part 7. The administrators' health page says when `flask lms remind` last ran (from
cron, on any machine): the run writes it here, where every app server reads it.

Revision ID: a8c0e2f4b6d8
Revises: 6ec2b8722041
Create Date: 2026-12-07 12:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "a8c0e2f4b6d8"
down_revision = "6ec2b8722041"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "system_state",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_system_state")),
    )


def downgrade():
    op.drop_table("system_state")
