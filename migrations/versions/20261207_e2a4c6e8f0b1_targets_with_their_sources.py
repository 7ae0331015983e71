"""targets with their sources: how sure a default target is, and why HR departs from it

Issue 20. A framework's default targets carry the confidence the content files give them
(`verified`: a TPQI competency unit names the role group; `default`: the product's reading of
the guideline), and the framework the sources behind them (one address per line). When HR sets a
cycle's target away from the framework's default (another level, or an area added or taken away
for a role group), the reason is kept beside it in `cycle_target_notes`.

Revision ID: e2a4c6e8f0b1
Revises: d0f2a4b6c8e1
Create Date: 2026-12-07 10:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "e2a4c6e8f0b1"
down_revision = "d0f2a4b6c8e1"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("framework_targets") as batch:
        batch.add_column(sa.Column("confidence", sa.String(length=10), nullable=True))
    with op.batch_alter_table("frameworks") as batch:
        batch.add_column(sa.Column("sources", sa.Text(), nullable=True))
    op.create_table(
        "cycle_target_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("role_group_id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["cycle_id"], ["cycles.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["role_group_id"], ["role_groups.id"]),
        sa.ForeignKeyConstraint(["area_id"], ["skill_areas.id"]),
        sa.ForeignKeyConstraint(["changed_by_id"], ["people.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("cycle_id", "role_group_id", "area_id"),
    )


def downgrade():
    op.drop_table("cycle_target_notes")
    with op.batch_alter_table("frameworks") as batch:
        batch.drop_column("sources")
    with op.batch_alter_table("framework_targets") as batch:
        batch.drop_column("confidence")
