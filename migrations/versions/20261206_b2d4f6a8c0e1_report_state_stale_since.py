"""a cycle's report summary can be marked stale while a task rebuilds it

Issue 16. A change of a cycle's targets or dates made on a web page marks the summary stale
(`report_state.stale_since`) instead of rebuilding it inside the request; a queued task rebuilds
it, and report pages say so meanwhile, with the time of the last exact figures.

Revision ID: b2d4f6a8c0e1
Revises: a1c3e5f7b9d2
Create Date: 2026-12-06 21:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "b2d4f6a8c0e1"
down_revision = "a1c3e5f7b9d2"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("report_state") as batch:
        batch.add_column(sa.Column("stale_since", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("report_state") as batch:
        batch.drop_column("stale_since")
