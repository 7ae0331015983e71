"""sign-in through the organisation's directory: how each person and unit signs in

Issue 23. NULL: a person as their unit, a unit as the one above; at the top, both the directory
(LDAP or OpenID Connect) and a password kept here. `units.directory_creates`: may the directory
create the people it knows in this unit (NULL: as the unit above; at the top, never).

Revision ID: a7c9e1b3d5f6
Revises: f6b8d0a2c4e5
Create Date: 2026-12-07 02:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "a7c9e1b3d5f6"
down_revision = "f6b8d0a2c4e5"
branch_labels = None
depends_on = None

KNOWN = "sign_in IS NULL OR sign_in IN ('both', 'directory', 'local')"


def upgrade():
    for table in ("people", "units"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("sign_in", sa.String(length=10), nullable=True))
            batch.create_check_constraint(op.f(f"ck_{table}_sign_in_known"), KNOWN)
    with op.batch_alter_table("units") as batch:
        batch.add_column(sa.Column("directory_creates", sa.Boolean(), nullable=True))


def downgrade():
    with op.batch_alter_table("units") as batch:
        batch.drop_column("directory_creates")
    for table in ("people", "units"):
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(op.f(f"ck_{table}_sign_in_known"), type_="check")
            batch.drop_column("sign_in")
