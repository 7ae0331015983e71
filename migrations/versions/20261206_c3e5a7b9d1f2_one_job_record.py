"""one job record for the task queue's work (report files today; imports, personal-data
exports and outgoing learning records next)

Issue 16. `export_jobs` becomes `jobs`: the kind names what runs (report_pdf, report_people)
and `params` holds what it needs (the unit, cycle and role group of a report), so a new kind
needs no new table. Rows carry over, so a file being made keeps its page.

Revision ID: c3e5a7b9d1f2
Revises: b2d4f6a8c0e1
Create Date: 2026-12-06 21:10:00

"""
import sqlalchemy as sa
from alembic import op

revision = "c3e5a7b9d1f2"
down_revision = "b2d4f6a8c0e1"
branch_labels = None
depends_on = None

KINDS = {"pdf": "report_pdf", "people": "report_people"}
COMMON = ("id", "person_id", "locale", "status", "progress", "file_name", "error", "created_at",
          "finished_at")


def upgrade():
    jobs = op.create_table(
        "jobs",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("locale", sa.String(length=5), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=True),
        sa.Column("error", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('report_pdf', 'report_people')", name=op.f("ck_jobs_kind_known")
        ),
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'done', 'failed')", name=op.f("ck_jobs_status_known")
        ),
        sa.CheckConstraint(
            "progress >= 0 AND progress <= 100", name=op.f("ck_jobs_progress_range")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_jobs_person_id_people"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
    )
    with op.batch_alter_table("jobs") as batch:
        batch.create_index(batch.f("ix_jobs_person_id"), ["person_id"], unique=False)
        batch.create_index(batch.f("ix_jobs_created_at"), ["created_at"], unique=False)
    old = sa.table(
        "export_jobs",
        *[sa.column(name) for name in (*COMMON, "kind", "unit_id", "cycle_id", "role_group_id")],
    )
    rows = op.get_bind().execute(sa.select(old)).mappings().all()
    if rows:
        op.bulk_insert(
            jobs,
            [
                {
                    **{name: row[name] for name in COMMON},
                    "kind": KINDS[row["kind"]],
                    "params": {
                        "unit_id": row["unit_id"],
                        "cycle_id": row["cycle_id"],
                        "role_group_id": row["role_group_id"],
                    },
                }
                for row in rows
            ],
        )
    op.drop_table("export_jobs")


def downgrade():
    export_jobs = op.create_table(
        "export_jobs",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("role_group_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("locale", sa.String(length=5), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=True),
        sa.Column("error", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("kind IN ('pdf', 'people')", name=op.f("ck_export_jobs_kind_known")),
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'done', 'failed')",
            name=op.f("ck_export_jobs_status_known"),
        ),
        sa.CheckConstraint(
            "progress >= 0 AND progress <= 100", name=op.f("ck_export_jobs_progress_range")
        ),
        sa.ForeignKeyConstraint(
            ["cycle_id"], ["cycles.id"], name=op.f("fk_export_jobs_cycle_id_cycles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_export_jobs_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["role_group_id"], ["role_groups.id"],
            name=op.f("fk_export_jobs_role_group_id_role_groups"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_export_jobs_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_export_jobs")),
    )
    with op.batch_alter_table("export_jobs") as batch:
        batch.create_index(batch.f("ix_export_jobs_person_id"), ["person_id"], unique=False)
    new = sa.table("jobs", *[sa.column(n) for n in (*COMMON, "kind")], sa.column("params", sa.JSON))
    rows = op.get_bind().execute(sa.select(new)).mappings().all()
    back = {v: k for k, v in KINDS.items()}
    kept = [
        {
            **{name: row[name] for name in COMMON},
            "kind": back[row["kind"]],
            "unit_id": row["params"]["unit_id"],
            "cycle_id": row["params"]["cycle_id"],
            "role_group_id": row["params"].get("role_group_id"),
        }
        for row in rows
        if row["kind"] in back
    ]
    if kept:
        op.bulk_insert(export_jobs, kept)
    op.drop_table("jobs")
