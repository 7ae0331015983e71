"""team sizes as data: how many people report directly to each supervisor, kept by the database

Issue 19. Counting everyone below the head of a million-person organisation, and how many of
them submitted their self-assessment, read the whole range of `people` with a join (0.7 s).
`team_counts` holds, for each supervisor, how many people report to them directly and have no
leaving date (cycle_id 0), and how many of those submitted their self-assessment in each cycle
(cycle_id = the cycle), with the supervisor's reporting line: a team's size is then the sum over
the supervisors in its range (a tenth of the people), and the few people with a leaving date
still to come are counted apart (`ix_people_leaving`).

Triggers keep it in the same transaction as every write, by the ORM or not: on PostgreSQL per
statement (over the transition tables, so a bulk import or a whole subtree moving is one
set-based step), on SQLite per row. A self-assessment's trigger locks its person's row (FOR
NO KEY UPDATE, as the summary's upkeep does), so a move of the person and a submission at the
same time are counted one after the other, never each against the other's old state.

Indexes for the same pages: people by name (a big team's page in name order), the learning
recognised as applied at work, newest first (the overview on HR's home page), and on PostgreSQL
people by supervisor covering what a reviewer's inbox reads of them.

Revision ID: c9e1f3a5b7d9
Revises: b8d0f2a4c6e7
Create Date: 2026-12-07 07:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "c9e1f3a5b7d9"
down_revision = "b8d0f2a4c6e7"
branch_labels = None
depends_on = None

LINE = sa.String(length=600).with_variant(sa.String(length=600, collation="C"), "postgresql")

FILL = """
    INSERT INTO team_counts (supervisor_id, cycle_id, line, n)
    SELECT p.supervisor_id, 0, b.line, count(*)
    FROM people p JOIN people b ON b.id = p.supervisor_id
    WHERE p.deactivated_on IS NULL
    GROUP BY p.supervisor_id, b.line
    UNION ALL
    SELECT p.supervisor_id, s.cycle_id, b.line, count(*)
    FROM people p JOIN people b ON b.id = p.supervisor_id
    JOIN self_assessments s ON s.person_id = p.id AND s.status = 'submitted'
    WHERE p.deactivated_on IS NULL
    GROUP BY p.supervisor_id, s.cycle_id, b.line
"""

# -- PostgreSQL: one step per statement, over the rows it changed ---------------------------------

# What a set of signed contributions `moves(person_id, boss, sign)` adds: to the boss's count of
# people (cycle 0) and, for every self-assessment the person submitted, to that cycle's count.
PG_ADD = """
    INSERT INTO team_counts (supervisor_id, cycle_id, line, n)
    SELECT d.boss, d.cycle_id, b.line, d.n
    FROM (
        SELECT m.boss, 0 AS cycle_id, sum(m.sign) AS n FROM moves m GROUP BY m.boss
        UNION ALL
        SELECT m.boss, s.cycle_id, sum(m.sign) FROM moves m
        JOIN self_assessments s ON s.person_id = m.person_id AND s.status = 'submitted'
        GROUP BY m.boss, s.cycle_id
    ) d JOIN people b ON b.id = d.boss
    WHERE d.n <> 0
    ORDER BY d.boss, d.cycle_id
    ON CONFLICT (supervisor_id, cycle_id) DO UPDATE SET n = team_counts.n + excluded.n
"""

PG_PEOPLE = f"""
CREATE FUNCTION team_counts_of_people() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        WITH moves(person_id, boss, sign) AS (
            SELECT id, supervisor_id, 1 FROM new_rows
            WHERE supervisor_id IS NOT NULL AND deactivated_on IS NULL
        ) {PG_ADD};
    ELSIF TG_OP = 'UPDATE' THEN
        WITH changed AS (
            SELECT o.id, o.supervisor_id AS old_boss, o.deactivated_on IS NULL AS was_counted,
                   n.supervisor_id AS new_boss, n.deactivated_on IS NULL AS is_counted
            FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE o.supervisor_id IS DISTINCT FROM n.supervisor_id
               OR (o.deactivated_on IS NULL) <> (n.deactivated_on IS NULL)
        ), moves(person_id, boss, sign) AS (
            SELECT id, old_boss, -1 FROM changed WHERE old_boss IS NOT NULL AND was_counted
            UNION ALL
            SELECT id, new_boss, 1 FROM changed WHERE new_boss IS NOT NULL AND is_counted
        ) {PG_ADD};
        UPDATE team_counts t SET line = n.line
        FROM new_rows n JOIN old_rows o ON o.id = n.id
        WHERE t.supervisor_id = n.id AND n.line IS DISTINCT FROM o.line;
    ELSE
        WITH moves(person_id, boss, sign) AS (
            SELECT id, supervisor_id, -1 FROM old_rows
            WHERE supervisor_id IS NOT NULL AND deactivated_on IS NULL
        ) {PG_ADD};
        DELETE FROM team_counts WHERE supervisor_id IN (SELECT id FROM old_rows);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER team_counts_people_insert AFTER INSERT ON people
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION team_counts_of_people();
CREATE TRIGGER team_counts_people_update AFTER UPDATE ON people
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION team_counts_of_people();
CREATE TRIGGER team_counts_people_delete AFTER DELETE ON people
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION team_counts_of_people();
"""

# `moves(person_id, cycle_id, sign)` of submitted self-assessments, counted for the person's
# supervisor while the person has no leaving date.
PG_ADD_ASSESSED = """
    INSERT INTO team_counts (supervisor_id, cycle_id, line, n)
    SELECT p.supervisor_id, m.cycle_id, b.line, sum(m.sign)
    FROM moves m JOIN people p ON p.id = m.person_id JOIN people b ON b.id = p.supervisor_id
    WHERE p.deactivated_on IS NULL
    GROUP BY p.supervisor_id, m.cycle_id, b.line
    HAVING sum(m.sign) <> 0
    ORDER BY p.supervisor_id, m.cycle_id
    ON CONFLICT (supervisor_id, cycle_id) DO UPDATE SET n = team_counts.n + excluded.n
"""

PG_ASSESSMENTS = f"""
CREATE FUNCTION team_counts_of_assessments() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM 1 FROM people WHERE id IN (SELECT person_id FROM new_rows WHERE status = 'submitted')
            ORDER BY id FOR NO KEY UPDATE;
        WITH moves(person_id, cycle_id, sign) AS (
            SELECT person_id, cycle_id, 1 FROM new_rows WHERE status = 'submitted'
        ) {PG_ADD_ASSESSED};
    ELSIF TG_OP = 'UPDATE' THEN
        PERFORM 1 FROM people WHERE id IN (
            SELECT n.person_id FROM new_rows n JOIN old_rows o ON o.id = n.id
            WHERE (n.status = 'submitted') <> (o.status = 'submitted')
        ) ORDER BY id FOR NO KEY UPDATE;
        WITH moves(person_id, cycle_id, sign) AS (
            SELECT person_id, cycle_id, 1 FROM new_rows WHERE status = 'submitted'
            UNION ALL
            SELECT person_id, cycle_id, -1 FROM old_rows WHERE status = 'submitted'
        ) {PG_ADD_ASSESSED};
    ELSE
        PERFORM 1 FROM people WHERE id IN (SELECT person_id FROM old_rows WHERE status = 'submitted')
            ORDER BY id FOR NO KEY UPDATE;
        WITH moves(person_id, cycle_id, sign) AS (
            SELECT person_id, cycle_id, -1 FROM old_rows WHERE status = 'submitted'
        ) {PG_ADD_ASSESSED};
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER team_counts_assessments_insert AFTER INSERT ON self_assessments
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION team_counts_of_assessments();
CREATE TRIGGER team_counts_assessments_update AFTER UPDATE ON self_assessments
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION team_counts_of_assessments();
CREATE TRIGGER team_counts_assessments_delete AFTER DELETE ON self_assessments
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION team_counts_of_assessments();
"""

PG_DROP = """
DROP TRIGGER team_counts_people_insert ON people;
DROP TRIGGER team_counts_people_update ON people;
DROP TRIGGER team_counts_people_delete ON people;
DROP FUNCTION team_counts_of_people();
DROP TRIGGER team_counts_assessments_insert ON self_assessments;
DROP TRIGGER team_counts_assessments_update ON self_assessments;
DROP TRIGGER team_counts_assessments_delete ON self_assessments;
DROP FUNCTION team_counts_of_assessments();
"""

# -- SQLite: per row ------------------------------------------------------------------------------


def _sqlite_add(who: str, boss: str, sign: int, when: str) -> str:
    """Statements adding `sign` for person `who` (NEW or OLD) under `boss` to the people count
    and to the count of every cycle in which they submitted, if `when`."""
    if sign > 0:
        return f"""
        INSERT INTO team_counts (supervisor_id, cycle_id, line, n)
        SELECT b.id, 0, b.line, 1 FROM people b WHERE b.id = {boss} AND {when}
        ON CONFLICT (supervisor_id, cycle_id) DO UPDATE SET n = n + 1;
        INSERT INTO team_counts (supervisor_id, cycle_id, line, n)
        SELECT b.id, s.cycle_id, b.line, 1 FROM people b, self_assessments s
        WHERE b.id = {boss} AND s.person_id = {who}.id AND s.status = 'submitted' AND {when}
        ON CONFLICT (supervisor_id, cycle_id) DO UPDATE SET n = n + 1;"""
    return f"""
        UPDATE team_counts SET n = n - 1
        WHERE supervisor_id = {boss} AND cycle_id = 0 AND {when};
        UPDATE team_counts SET n = n - 1
        WHERE supervisor_id = {boss} AND {when} AND cycle_id IN (
            SELECT cycle_id FROM self_assessments
            WHERE person_id = {who}.id AND status = 'submitted'
        );"""


def _sqlite_assessed(sign: int, row: str) -> str:
    """Add `sign` to the cycle's count of the supervisor of the person of assessment `row`,
    if `row` is submitted."""
    if sign > 0:
        return f"""
        INSERT INTO team_counts (supervisor_id, cycle_id, line, n)
        SELECT b.id, {row}.cycle_id, b.line, 1 FROM people p, people b
        WHERE p.id = {row}.person_id AND b.id = p.supervisor_id AND p.deactivated_on IS NULL
          AND {row}.status = 'submitted'
        ON CONFLICT (supervisor_id, cycle_id) DO UPDATE SET n = n + 1;"""
    return f"""
        UPDATE team_counts SET n = n - 1
        WHERE {row}.status = 'submitted' AND cycle_id = {row}.cycle_id AND supervisor_id = (
            SELECT p.supervisor_id FROM people p
            WHERE p.id = {row}.person_id AND p.deactivated_on IS NULL
        );"""


SQLITE = [
    f"""CREATE TRIGGER team_counts_people_insert AFTER INSERT ON people
    WHEN NEW.supervisor_id IS NOT NULL AND NEW.deactivated_on IS NULL BEGIN
    {_sqlite_add("NEW", "NEW.supervisor_id", 1, "1 = 1")}
    END""",
    f"""CREATE TRIGGER team_counts_people_update AFTER UPDATE OF supervisor_id, deactivated_on
    ON people
    WHEN OLD.supervisor_id IS NOT NEW.supervisor_id
      OR (OLD.deactivated_on IS NULL) <> (NEW.deactivated_on IS NULL) BEGIN
    {_sqlite_add("OLD", "OLD.supervisor_id", -1, "OLD.deactivated_on IS NULL")}
    {_sqlite_add("NEW", "NEW.supervisor_id", 1, "NEW.deactivated_on IS NULL")}
    END""",
    """CREATE TRIGGER team_counts_people_line AFTER UPDATE OF line ON people
    WHEN OLD.line IS NOT NEW.line BEGIN
        UPDATE team_counts SET line = NEW.line WHERE supervisor_id = NEW.id;
    END""",
    f"""CREATE TRIGGER team_counts_people_delete AFTER DELETE ON people BEGIN
    {_sqlite_add("OLD", "OLD.supervisor_id", -1, "OLD.deactivated_on IS NULL")}
        DELETE FROM team_counts WHERE supervisor_id = OLD.id;
    END""",
    f"""CREATE TRIGGER team_counts_assessments_insert AFTER INSERT ON self_assessments
    WHEN NEW.status = 'submitted' BEGIN {_sqlite_assessed(1, "NEW")}
    END""",
    f"""CREATE TRIGGER team_counts_assessments_update AFTER UPDATE OF status ON self_assessments
    WHEN (OLD.status = 'submitted') <> (NEW.status = 'submitted') BEGIN
    {_sqlite_assessed(-1, "OLD")}
    {_sqlite_assessed(1, "NEW")}
    END""",
    f"""CREATE TRIGGER team_counts_assessments_delete AFTER DELETE ON self_assessments
    WHEN OLD.status = 'submitted' BEGIN {_sqlite_assessed(-1, "OLD")}
    END""",
]


def upgrade():
    op.create_table(
        "team_counts",
        sa.Column("supervisor_id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("line", LINE, nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("supervisor_id", "cycle_id"),
    )
    op.execute(FILL)
    # the read: one range per cycle, from the index alone
    op.create_index("ix_team_counts_range", "team_counts", ["cycle_id", "line", "n"])
    leaving = sa.text("deactivated_on IS NOT NULL")
    op.create_index(
        "ix_people_leaving",
        "people",
        ["deactivated_on", "line"],
        postgresql_where=leaving,
        sqlite_where=leaving,
    )
    # a big team's page in name order reads the names in order, not the whole team sorted
    op.create_index("ix_people_name", "people", ["name_th", "id"])
    applied = sa.text("applied_at_work")
    op.create_index(
        "ix_learning_activities_applied",
        "learning_activities",
        ["verified_at", "id"],
        postgresql_where=applied,
        sqlite_where=applied,
    )
    if op.get_bind().dialect.name == "postgresql":
        # who reports to whom, covering what a reviewer's inbox filters and joins on
        op.drop_index("ix_people_supervisor_id", table_name="people")
        op.create_index(
            "ix_people_supervisor_id",
            "people",
            ["supervisor_id"],
            postgresql_include=["id", "deactivated_on", "unit_id"],
        )
        op.execute(PG_PEOPLE)
        op.execute(PG_ASSESSMENTS)
    else:
        for statement in SQLITE:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_DROP)
        op.drop_index("ix_people_supervisor_id", table_name="people")
        op.create_index("ix_people_supervisor_id", "people", ["supervisor_id"])
    else:
        for name in ("people_insert", "people_update", "people_line", "people_delete"):
            op.execute(f"DROP TRIGGER team_counts_{name}")
        for name in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER team_counts_assessments_{name}")
    op.drop_index("ix_learning_activities_applied", table_name="learning_activities")
    op.drop_index("ix_people_name", table_name="people")
    op.drop_index("ix_people_leaving", table_name="people")
    op.drop_table("team_counts")
