"""one-time ways into an account: invitations and password resets, by link or printed code

Issue 18 (day one, accounts). Only a SHA-256 hash of each secret is kept; each works once,
until it expires; a newer one of the same purpose replaces the older.

Revision ID: e5a7c9b1d3f4
Revises: d4f6b8a0c2e3
Create Date: 2026-12-06 23:50:00

"""
import sqlalchemy as sa
from alembic import op

revision = "e5a7c9b1d3f4"
down_revision = "d4f6b8a0c2e3"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "account_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=10), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("purpose IN ('invite', 'reset')", name=op.f("ck_account_tokens_purpose_known")),
        sa.CheckConstraint("kind IN ('link', 'code')", name=op.f("ck_account_tokens_kind_known")),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_account_tokens_person_id_people"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["people.id"], name=op.f("fk_account_tokens_created_by_id_people"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_tokens")),
        sa.UniqueConstraint("secret_hash", name=op.f("uq_account_tokens_secret_hash")),
    )
    op.create_index("ix_account_tokens_person", "account_tokens", ["person_id", "purpose"])


def downgrade():
    op.drop_index("ix_account_tokens_person", table_name="account_tokens")
    op.drop_table("account_tokens")
