"""anonymising a departed person reaches the audit log: one narrow path past append-only

Issue 20, part 6. The audit log refuses UPDATE and DELETE on PostgreSQL. Anonymising a departed
person (PDPA) must still replace their names, e-mail and number in the details of the events
about them, and drop the address they signed in from: inside that one service, the transaction
sets `thaksa.anonymising` and may then change an event's `details` and `ip` only, never who did
what, to whom or when, and never delete a row. A personal-data export is a job kind.

Revision ID: b9d1f3a5c7e9
Revises: a8c0e2f4b6d8
Create Date: 2026-12-07 13:00:00

"""

from alembic import op

revision = "b9d1f3a5c7e9"
down_revision = "a8c0e2f4b6d8"
branch_labels = None
depends_on = None

NARROW = """
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND current_setting('thaksa.anonymising', true) = 'on'
       AND NEW.id = OLD.id AND NEW.action = OLD.action AND NEW.created_at = OLD.created_at
       AND NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id
       AND NEW.subject_id IS NOT DISTINCT FROM OLD.subject_id
       AND NEW.target_type IS NOT DISTINCT FROM OLD.target_type
       AND NEW.target_id IS NOT DISTINCT FROM OLD.target_id
       AND NEW.unit_id IS NOT DISTINCT FROM OLD.unit_id THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;
"""

STRICT = """
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;
"""

KINDS_BEFORE = "kind IN ('report_pdf', 'report_people', 'plan_pdf', 'import', 'apply_template')"
KINDS_AFTER = (
    "kind IN ('report_pdf', 'report_people', 'plan_pdf', 'import', 'apply_template', "
    "'personal_data')"
)


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(NARROW)
    with op.batch_alter_table("jobs") as batch:
        batch.drop_constraint(op.f("ck_jobs_kind_known"), type_="check")
        batch.create_check_constraint(op.f("ck_jobs_kind_known"), KINDS_AFTER)


def downgrade():
    with op.batch_alter_table("jobs") as batch:
        batch.drop_constraint(op.f("ck_jobs_kind_known"), type_="check")
        batch.create_check_constraint(op.f("ck_jobs_kind_known"), KINDS_BEFORE)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(STRICT)
