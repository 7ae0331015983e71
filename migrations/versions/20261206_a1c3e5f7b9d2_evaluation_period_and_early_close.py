"""the year-end evaluation opens on a day the cycle names; a plan closed before it keeps why

Issue 16. `cycles.evaluation_opens`: from this day a supervisor may finish the year-end
evaluation (empty: the first day of the fiscal year's last two months). `plans.closed_early_reason`:
the reason a supervisor gave for finishing it earlier, shown to the person.

Revision ID: a1c3e5f7b9d2
Revises: 24b8a62b0a3f
Create Date: 2026-12-06 20:50:00

"""
import sqlalchemy as sa
from alembic import op

revision = "a1c3e5f7b9d2"
down_revision = "24b8a62b0a3f"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("cycles") as batch:
        batch.add_column(sa.Column("evaluation_opens", sa.Date(), nullable=True))
    with op.batch_alter_table("plans") as batch:
        batch.add_column(sa.Column("closed_early_reason", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("plans") as batch:
        batch.drop_column("closed_early_reason")
    with op.batch_alter_table("cycles") as batch:
        batch.drop_column("evaluation_opens")
