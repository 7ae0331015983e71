"""jobs carry a heartbeat and their attempts; learning activities a version; API tokens an expiry

Issue 17 (reliability).
- `jobs.heartbeat_at`, `jobs.attempts`: the consumer running a job writes a heartbeat; a job
  whose heartbeat stopped (its consumer was killed) is re-queued once, then failed, and its page
  says "try again" instead of "being made" for good.
- `learning_activities.version`: verification is a conditional write; of two reviewers (or a
  double-click) one wins and the other is told (optimistic lock, as plans have).
- `api_tokens.expires_at`: tokens end (default 90 days) and can be revoked.
- job kind `plan_pdf`: the IDP PDF of a large plan is made by the task queue, not in the request.

Revision ID: d4f6b8a0c2e3
Revises: c3e5a7b9d1f2
Create Date: 2026-12-06 22:40:00

"""
import sqlalchemy as sa
from alembic import op

revision = "d4f6b8a0c2e3"
down_revision = "c3e5a7b9d1f2"
branch_labels = None
depends_on = None


KINDS_BEFORE = "kind IN ('report_pdf', 'report_people')"
KINDS_AFTER = "kind IN ('report_pdf', 'report_people', 'plan_pdf')"


def upgrade():
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("heartbeat_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch.drop_constraint(op.f("ck_jobs_kind_known"), type_="check")
        batch.create_check_constraint(op.f("ck_jobs_kind_known"), KINDS_AFTER)
    with op.batch_alter_table("learning_activities") as batch:
        batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
    with op.batch_alter_table("api_tokens") as batch:
        batch.add_column(sa.Column("expires_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_column("expires_at")
    with op.batch_alter_table("learning_activities") as batch:
        batch.drop_column("version")
    op.execute("DELETE FROM jobs WHERE kind = 'plan_pdf'")
    with op.batch_alter_table("jobs") as batch:
        batch.drop_constraint(op.f("ck_jobs_kind_known"), type_="check")
        batch.create_check_constraint(op.f("ck_jobs_kind_known"), KINDS_BEFORE)
        batch.drop_column("attempts")
        batch.drop_column("heartbeat_at")
