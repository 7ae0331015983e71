"""targets only where OCSC/TPQI assign an area to a role group (issue 9)

An area that does not apply to a role group has no target: its framework default and every
cycle's copy go, so it is no longer a gap, nor in "build my IDP from my gaps", nor in a unit's
gap figures. The report summaries are rebuilt on their next read.

Revision ID: 5c1e0a7d9b21
Revises: 73fc517cfb9a
Create Date: 2026-11-24 19:10:00

"""
import sqlalchemy as sa
from alembic import op

revision = "5c1e0a7d9b21"
down_revision = "73fc517cfb9a"
branch_labels = None
depends_on = None

FRAMEWORK = "OCSC-2560"
# (role group, area, the default target it had) for the pairs that do not apply.
NOT_APPLICABLE = [
    ("ACAD", "DLEAD", 1), ("ACAD", "DTRANS", 2),
    ("SERV", "DLEAD", 1), ("SERV", "DTRANS", 1),
    ("TECH", "DLEAD", 2), ("TECH", "DTRANS", 3),
    ("OTHER", "DTECH", 1), ("OTHER", "DPSD", 1), ("OTHER", "SPM", 1),
    ("OTHER", "DLEAD", 1), ("OTHER", "DTRANS", 1),
]
PAIR = (
    "role_group_id = (SELECT id FROM role_groups WHERE code = :group) AND area_id = "
    "(SELECT a.id FROM skill_areas a JOIN frameworks f ON f.id = a.framework_id "
    " WHERE f.code = :framework AND a.code = :area)"
)


def upgrade():
    conn = op.get_bind()
    for group, area, _level in NOT_APPLICABLE:
        params = {"group": group, "area": area, "framework": FRAMEWORK}
        conn.execute(sa.text(f"DELETE FROM framework_targets WHERE {PAIR}"), params)
        conn.execute(sa.text(f"DELETE FROM cycle_targets WHERE {PAIR}"), params)
    conn.execute(sa.text("DELETE FROM report_state"))  # rebuilt from the base tables when read


def downgrade():
    conn = op.get_bind()
    for group, area, level in NOT_APPLICABLE:
        params = {"group": group, "area": area, "framework": FRAMEWORK, "level": level}
        ids = (
            "SELECT g.id AS role_group_id, a.id AS area_id FROM role_groups g, skill_areas a "
            "JOIN frameworks f ON f.id = a.framework_id "
            "WHERE g.code = :group AND a.code = :area AND f.code = :framework"
        )
        conn.execute(
            sa.text(
                "INSERT INTO framework_targets (framework_id, role_group_id, area_id, level) "
                f"SELECT (SELECT id FROM frameworks WHERE code = :framework), p.role_group_id, "
                f"p.area_id, :level FROM ({ids}) p"
            ),
            params,
        )
        conn.execute(
            sa.text(
                "INSERT INTO cycle_targets (cycle_id, role_group_id, area_id, level) "
                f"SELECT c.id, p.role_group_id, p.area_id, :level FROM cycles c, ({ids}) p "
                "JOIN frameworks f ON f.code = :framework WHERE c.framework_id = f.id"
            ),
            params,
        )
    conn.execute(sa.text("DELETE FROM report_state"))
