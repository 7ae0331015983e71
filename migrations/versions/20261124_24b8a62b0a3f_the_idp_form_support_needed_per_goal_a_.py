"""the IDP form: support needed per goal, a period per planned activity (issue 9)

The IDP form Thai offices use has, per goal, the support the person needs, and per planned
activity the period in which it will be done. Columns are added and dropped in place (SQLite
would otherwise copy tables that other rows refer to).

Revision ID: 24b8a62b0a3f
Revises: e006a8d783cc
Create Date: 2026-11-24 20:35:00

"""
import sqlalchemy as sa
from alembic import op

revision = "24b8a62b0a3f"
down_revision = "e006a8d783cc"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("goals", recreate="never") as batch_op:
        batch_op.add_column(sa.Column("support_needed", sa.Text(), nullable=True))
    with op.batch_alter_table("planned_activities", recreate="never") as batch_op:
        batch_op.add_column(sa.Column("starts_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("ends_on", sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table("planned_activities", recreate="never") as batch_op:
        batch_op.drop_column("ends_on")
        batch_op.drop_column("starts_on")
    with op.batch_alter_table("goals", recreate="never") as batch_op:
        batch_op.drop_column("support_needed")
