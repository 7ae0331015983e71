"""the audit log as a page: each event's person and unit, and append-only on PostgreSQL

Issue 20. HR reads the audit log of their own subtree, so each event keeps whom it is about
(`subject_id`: the person, or the owner of the plan, assessment or activity) and the unit that
person was in (`unit_id`; for an event about a unit, that unit), filled here from the targets of
the events already written and by `lms.audit.audit` from now on. Indexes for the page's filters,
newest first. On PostgreSQL the table refuses UPDATE and DELETE: the log is append-only.

Revision ID: d0f2a4b6c8e1
Revises: c9e1f3a5b7d9
Create Date: 2026-12-07 08:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "d0f2a4b6c8e1"
down_revision = "c9e1f3a5b7d9"
branch_labels = None
depends_on = None

OWNED = {
    "Plan": "plans",
    "SelfAssessment": "self_assessments",
    "LearningActivity": "learning_activities",
}

APPEND_ONLY = """
CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
"""


def upgrade():
    with op.batch_alter_table("audit_events") as batch:
        batch.add_column(sa.Column("subject_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("unit_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_audit_events_subject_id_people", "people", ["subject_id"], ["id"]
        )
        batch.create_foreign_key("fk_audit_events_unit_id_units", "units", ["unit_id"], ["id"])
    op.execute("UPDATE audit_events SET subject_id = target_id WHERE target_type = 'Person'")
    for kind, table in OWNED.items():
        op.execute(
            f"UPDATE audit_events SET subject_id = (SELECT t.person_id FROM {table} t"  # noqa: S608
            f" WHERE t.id = audit_events.target_id) WHERE target_type = '{kind}'"
        )
    op.execute(
        "UPDATE audit_events SET unit_id = (SELECT p.unit_id FROM people p"
        " WHERE p.id = audit_events.subject_id) WHERE subject_id IS NOT NULL"
    )
    op.execute("UPDATE audit_events SET unit_id = target_id WHERE target_type = 'Unit'")
    op.create_index("ix_audit_events_unit", "audit_events", ["unit_id", "id"])
    op.create_index("ix_audit_events_subject", "audit_events", ["subject_id", "id"])
    op.create_index("ix_audit_events_actor", "audit_events", ["actor_id", "id"])
    op.create_index("ix_audit_events_action", "audit_events", ["action", "id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(APPEND_ONLY)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_events_append_only ON audit_events")
        op.execute("DROP FUNCTION audit_events_append_only()")
    for name in ("action", "actor", "subject", "unit"):
        op.drop_index(f"ix_audit_events_{name}", table_name="audit_events")
    with op.batch_alter_table("audit_events") as batch:
        batch.drop_constraint("fk_audit_events_unit_id_units", type_="foreignkey")
        batch.drop_constraint("fk_audit_events_subject_id_people", type_="foreignkey")
        batch.drop_column("unit_id")
        batch.drop_column("subject_id")
