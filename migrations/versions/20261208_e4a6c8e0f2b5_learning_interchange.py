"""Learning done elsewhere: xAPI providers, statements, completions waiting for their person

Issue 22. Providers post xAPI statements with credentials an administrator makes; every
statement is kept as sent; "completed" and "passed" ones (and the rows of a provider's
completion file) become completions that wait for their person to confirm them into the
learning log, where the activity says where it came from.

Revision ID: e4a6c8e0f2b5
Revises: d2f4a6b8c0e3
Create Date: 2026-12-08 09:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "e4a6c8e0f2b5"
down_revision = "d2f4a6b8c0e3"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "xapi_clients",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(length=120), nullable=False, unique=True),
        sa.Column("key", sa.String(length=40), nullable=False, unique=True),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("provider_id", sa.Integer(), sa.ForeignKey("providers.id"), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), sa.ForeignKey("people.id"), nullable=True),
        sa.Column("last_used_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
    )
    op.create_table(
        "completions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "person_id",
            sa.Integer(),
            sa.ForeignKey("people.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("cycle_id", sa.Integer(), sa.ForeignKey("cycles.id"), nullable=False),
        sa.Column("course_id", sa.Integer(), sa.ForeignKey("courses.id"), nullable=False),
        sa.Column("source", sa.String(length=5), nullable=False),
        sa.Column("source_name", sa.String(length=120), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("passed", sa.Boolean(), nullable=True),
        sa.Column("hours", sa.Numeric(6, 1), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column(
            "activity_id",
            sa.Integer(),
            sa.ForeignKey("learning_activities.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("source IN ('xapi', 'file')", name="source_known"),
        sa.CheckConstraint(
            "status IN ('pending', 'confirmed', 'dismissed')", name="status_known"
        ),
        sa.CheckConstraint("score IS NULL OR (score >= 0 AND score <= 100)", name="score_range"),
        sa.CheckConstraint("hours IS NULL OR (hours > 0 AND hours <= 1000)", name="hours_range"),
        sa.UniqueConstraint("person_id", "cycle_id", "course_id"),
    )
    op.create_index("ix_completions_person_status", "completions", ["person_id", "status"])
    op.create_table(
        "xapi_statements",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("statement_id", sa.String(length=36), nullable=False, unique=True),
        sa.Column("client_id", sa.Integer(), sa.ForeignKey("xapi_clients.id"), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("verb", sa.String(length=500), nullable=False),
        sa.Column("activity_iri", sa.String(length=500), nullable=True),
        sa.Column("actor_key", sa.String(length=600), nullable=False),
        sa.Column("timestamp", sa.DateTime(), nullable=False),
        sa.Column("stored", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=True),
        sa.Column(
            "person_id",
            sa.Integer(),
            sa.ForeignKey("people.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column(
            "completion_id",
            sa.Integer(),
            sa.ForeignKey("completions.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "status IN ('used', 'stored', 'aside', 'voided')", name="status_known"
        ),
    )
    op.create_index(
        "ix_xapi_statements_client_stored", "xapi_statements", ["client_id", "stored", "id"]
    )
    op.create_index("ix_xapi_statements_status", "xapi_statements", ["status", "stored"])
    op.create_index("ix_xapi_statements_completion", "xapi_statements", ["completion_id"])
    with op.batch_alter_table("learning_activities") as batch:
        batch.add_column(sa.Column("received_from", sa.String(length=120), nullable=True))


def downgrade():
    with op.batch_alter_table("learning_activities") as batch:
        batch.drop_column("received_from")
    op.drop_table("xapi_statements")
    op.drop_table("completions")
    op.drop_table("xapi_clients")
