"""the report summary carries the whole plan: the year-end, learning verified and applied at
work, and hours per person

Issue 21. `report_people` and `report_units` gain the year-end figures (self-evaluated,
evaluated, goals by the supervisor's outcome) and learning verified / applied at work;
`report_hours` keeps, per unit subtree, how many people logged each number of hours (the bands
and the median of hours per person).

The summary is derived data: its rows are emptied here and every cycle is rebuilt by the first
report that asks, or at once by `flask lms rebuild-reports` (run it right after this upgrade on a
large installation: at 100,000 people a rebuild takes about 20 seconds).

Revision ID: c1e3a5b7d9f2
Revises: b9d1f3a5c7e9
Create Date: 2026-12-07 13:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "c1e3a5b7d9f2"
down_revision = "b9d1f3a5c7e9"
branch_labels = None
depends_on = None

COUNTS = (
    "self_evaluated",
    "evaluated",
    "goals_evaluated",
    "goals_achieved",
    "goals_partly",
    "goals_not_achieved",
)
PERSON = (*COUNTS, "verified_activities", "applied_activities")
UNIT = (*COUNTS, "verified", "verified_activities", "applied_at_work", "applied_activities")
SUMMARY = ("report_unit_areas", "report_units", "report_areas", "report_people", "report_state")


def _empty_the_summary():
    for table in SUMMARY:
        op.execute(sa.text(f"DELETE FROM {table}"))


def upgrade():
    _empty_the_summary()
    for table, names in (("report_people", PERSON), ("report_units", UNIT)):
        with op.batch_alter_table(table) as batch:
            for name in names:
                batch.add_column(sa.Column(name, sa.Integer(), nullable=False, server_default="0"))
            batch.add_column(
                sa.Column(
                    "verified_hours",
                    sa.Numeric(precision=14, scale=1),
                    nullable=False,
                    server_default="0",
                )
            )
    op.create_table(
        "report_hours",
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("role_group_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("tenths", sa.Integer(), nullable=False),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cycle_id"],
            ["cycles.id"],
            name=op.f("fk_report_hours_cycle_id_cycles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "cycle_id", "role_group_id", "unit_id", "tenths", name=op.f("pk_report_hours")
        ),
    )


def downgrade():
    _empty_the_summary()
    op.drop_table("report_hours")
    for table, names in (("report_people", PERSON), ("report_units", UNIT)):
        with op.batch_alter_table(table) as batch:
            for name in (*names, "verified_hours"):
                batch.drop_column(name)
