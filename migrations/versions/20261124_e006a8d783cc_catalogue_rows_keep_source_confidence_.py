"""catalogue rows keep source, confidence, tracks and search words; track goals in English

Issue 9. Schema: a course says whether its code is the provider's own (TDGA's are not), extra
search words (cyber-security courses are found by "ไซเบอร์"), the ว 6/2561 certification where
known, its source and confidence, and the BMA plan's tracks it serves; a track gets an English
goal. Data: the starter rows shipped with questionable facts are corrected where they are still
as shipped (coaching is not digital leadership; cyber awareness for general staff is digital
literacy), and the Thai MOOC row whose title was never verified is retired. `flask lms init` then
fills the new columns of starter rows from content/courses.csv.

Revision ID: e006a8d783cc
Revises: 5c1e0a7d9b21
Create Date: 2026-11-24 20:08:25

"""
import sqlalchemy as sa
from alembic import op

revision = "e006a8d783cc"
down_revision = "5c1e0a7d9b21"
branch_labels = None
depends_on = None

# (provider, code, areas as shipped, areas now)
AREA_FIXES = [
    ("OCSC", "SL12", ["DLEAD"], []),
    ("OCSC", "DS03", ["DLIT", "DGOV"], ["DLIT"]),
    ("TDGA", "TDGA-007", ["DGOV"], ["DLIT"]),
    ("TDGA", "TDGA-009", ["DGOV"], ["DLIT"]),
]
UNVERIFIED = ("THAIMOOC", "course-v1:STOU-MOOC+stou005+2017_T2")
UNVERIFIED_TITLE = ("Big Data (exact title uncertain)", "Big Data")
COURSE = (
    "SELECT c.id FROM courses c JOIN providers p ON p.id = c.provider_id "
    "WHERE p.code = :provider AND c.code = :code"
)


def upgrade():
    op.create_table(
        "course_tracks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("track_code", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"], ["courses.id"],
            name=op.f("fk_course_tracks_course_id_courses"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course_tracks")),
        sa.UniqueConstraint(
            "course_id", "track_code", name=op.f("uq_course_tracks_course_id_track_code")
        ),
    )
    with op.batch_alter_table("course_tracks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_course_tracks_track_code"), ["track_code"])

    # SQLite adds and drops these columns in place: copying the table would break the rows
    # that refer to it
    with op.batch_alter_table("courses", recreate="never") as batch_op:
        batch_op.add_column(
            sa.Column("code_official", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
        batch_op.add_column(sa.Column("keywords", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("certified_w6", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("source", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("confidence", sa.String(length=10), nullable=True))

    with op.batch_alter_table("tracks", recreate="never") as batch_op:
        batch_op.add_column(sa.Column("goal_en", sa.Text(), nullable=True))

    conn = op.get_bind()
    # TDGA publishes no course codes: ours are keys, never shown
    conn.execute(
        sa.text(
            "UPDATE courses SET code_official = :no WHERE code LIKE 'TDGA-%' AND provider_id = "
            "(SELECT id FROM providers WHERE code = 'TDGA')"
        ),
        {"no": False},
    )
    _move_areas(conn, [(p, c, old, new) for p, c, old, new in AREA_FIXES])
    _retitle(conn, *UNVERIFIED_TITLE, active=False)


def downgrade():
    conn = op.get_bind()
    _retitle(conn, *reversed(UNVERIFIED_TITLE), active=True)
    _move_areas(conn, [(p, c, new, old) for p, c, old, new in AREA_FIXES])
    with op.batch_alter_table("tracks", recreate="never") as batch_op:
        batch_op.drop_column("goal_en")
    with op.batch_alter_table("courses", recreate="never") as batch_op:
        batch_op.drop_column("confidence")
        batch_op.drop_column("source")
        batch_op.drop_column("certified_w6")
        batch_op.drop_column("keywords")
        batch_op.drop_column("code_official")
    with op.batch_alter_table("course_tracks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_course_tracks_track_code"))
    op.drop_table("course_tracks")


def _move_areas(conn, fixes) -> None:
    """Replace a starter course's areas, only where HR has not changed them since."""
    for provider, code, before, after in fixes:
        course_id = conn.execute(sa.text(COURSE), {"provider": provider, "code": code}).scalar()
        if course_id is None:
            continue
        now = conn.execute(
            sa.text("SELECT area_code FROM course_areas WHERE course_id = :id"), {"id": course_id}
        ).scalars()
        if sorted(now) != sorted(before):
            continue
        conn.execute(sa.text("DELETE FROM course_areas WHERE course_id = :id"), {"id": course_id})
        for area in after:
            conn.execute(
                sa.text("INSERT INTO course_areas (course_id, area_code) VALUES (:id, :area)"),
                {"id": course_id, "area": area},
            )


def _retitle(conn, title_from: str, title_to: str, *, active: bool) -> None:
    provider, code = UNVERIFIED
    conn.execute(
        sa.text(
            f"UPDATE courses SET title_th = :to, active = :active WHERE id = ({COURSE}) "
            "AND title_th = :from"
        ),
        {"provider": provider, "code": code, "from": title_from, "to": title_to, "active": active},
    )
