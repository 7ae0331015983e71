"""the reporting line as data: each person's line of supervisors, an indexed range

Issue 19. `people.line` holds the ids from the top of the person's reporting line down to them
("/1/57/203/"), byte-ordered (collation "C" on PostgreSQL), so everyone below someone is one
index range instead of a recursion over `people`. Filled here from the supervisors as they are;
kept from now on by lms.models.lines. And a partial index of the plans waiting for review, by
person, which every reviewer's inbox looks up.

Revision ID: b8d0f2a4c6e7
Revises: a7c9e1b3d5f6
Create Date: 2026-12-07 04:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "b8d0f2a4c6e7"
down_revision = "a7c9e1b3d5f6"
branch_labels = None
depends_on = None

LINE = sa.String(length=600).with_variant(sa.String(length=600, collation="C"), "postgresql")

# Every line from the top down (people in a circle, which no top reaches, keep an empty line).
FILL = """
    WITH RECURSIVE line_of(id, line, depth) AS (
        SELECT id, '/' || CAST(id AS VARCHAR(20)) || '/', 1 FROM people
        WHERE supervisor_id IS NULL
        UNION ALL
        SELECT p.id, l.line || CAST(p.id AS VARCHAR(20)) || '/', l.depth + 1
        FROM people p JOIN line_of l ON p.supervisor_id = l.id
        WHERE l.depth < 50
    )
    UPDATE people SET line = line_of.line
    FROM line_of
    WHERE people.id = line_of.id
"""


def upgrade():
    with op.batch_alter_table("people") as batch:
        batch.add_column(sa.Column("line", LINE, server_default="", nullable=False))
    op.execute(FILL)
    op.create_index("ix_people_line", "people", ["line"])
    # the plans waiting for review, by person: what every reviewer's inbox looks up
    waiting = sa.text("status = 'submitted'")
    op.create_index(
        "ix_plans_waiting", "plans", ["person_id"], postgresql_where=waiting, sqlite_where=waiting
    )


def downgrade():
    op.drop_index("ix_plans_waiting", table_name="plans")
    op.drop_index("ix_people_line", table_name="people")
    with op.batch_alter_table("people") as batch:
        batch.drop_column("line")
