"""imports of units and people: an optional e-mail, people's search words, the import job

Issue 18 (day one, imports and people administration). Staff without an e-mail address are
imported with none (several may have none: a unique column allows many NULLs). `search_key`
holds names, number and e-mail folded (case, Thai tone marks, either form of sara am), so a
person is found by name however it is typed. An import is a job (check, then write).

Revision ID: f6b8d0a2c4e5
Revises: e5a7c9b1d3f4
Create Date: 2026-12-07 01:30:00

"""

import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "f6b8d0a2c4e5"
down_revision = "e5a7c9b1d3f4"
branch_labels = None
depends_on = None

KINDS_BEFORE = "kind IN ('report_pdf', 'report_people', 'plan_pdf')"
KINDS_AFTER = "kind IN ('report_pdf', 'report_people', 'plan_pdf', 'import')"
SEARCHED = ("name_th", "name_en", "display_name", "employee_no", "email")
BATCH = 5000


def _fold(text: str) -> str:
    """lms.text.fold as of this revision (a migration never imports the app)."""
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    kept = [
        ch
        for ch in decomposed
        if not ("\u0e48" <= ch <= "\u0e4c")
        and not (unicodedata.category(ch) == "Mn" and "\u0300" <= ch <= "\u036f")
    ]
    return " ".join("".join(kept).split())


def upgrade():
    with op.batch_alter_table("people") as batch:
        batch.alter_column("email", existing_type=sa.String(length=255), nullable=True)
        batch.add_column(
            sa.Column("search_key", sa.String(length=800), nullable=False, server_default="")
        )
    with op.batch_alter_table("jobs") as batch:
        batch.drop_constraint(op.f("ck_jobs_kind_known"), type_="check")
        batch.create_check_constraint(op.f("ck_jobs_kind_known"), KINDS_AFTER)
    people = sa.table(
        "people",
        sa.column("id", sa.Integer),
        sa.column("search_key", sa.String),
        *(sa.column(name, sa.String) for name in SEARCHED),
    )
    bind = op.get_bind()
    last = 0
    while True:
        rows = bind.execute(
            sa.select(people).where(people.c.id > last).order_by(people.c.id).limit(BATCH)
        ).all()
        if not rows:
            break
        bind.execute(
            people.update()
            .where(people.c.id == sa.bindparam("pid"))
            .values(search_key=sa.bindparam("key")),
            [
                {
                    "pid": row.id,
                    "key": _fold(" ".join(str(getattr(row, n) or "") for n in SEARCHED))[:800],
                }
                for row in rows
            ],
        )
        last = rows[-1].id


def downgrade():
    op.execute("DELETE FROM jobs WHERE kind = 'import'")
    with op.batch_alter_table("jobs") as batch:
        batch.drop_constraint(op.f("ck_jobs_kind_known"), type_="check")
        batch.create_check_constraint(op.f("ck_jobs_kind_known"), KINDS_BEFORE)
    op.execute("UPDATE people SET email = 'none-' || employee_no || '@invalid' WHERE email IS NULL")
    with op.batch_alter_table("people") as batch:
        batch.drop_column("search_key")
        batch.alter_column("email", existing_type=sa.String(length=255), nullable=False)
