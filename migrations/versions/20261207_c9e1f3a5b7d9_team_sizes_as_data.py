"""team sizes as data: how many people report directly to each supervisor, kept by the database

Issue 19. Counting everyone below the head of a million-person organisation, and how many of
them submitted their self-assessment, read the whole range of `people` with a join (0.7 s).
`team_counts` holds, for each supervisor, how many people report to them directly and have no
leaving date (cycle_id 0), and how many of those submitted their self-assessment in each cycle
(cycle_id = the cycle), with the supervisor's reporting line: a team's size is then the sum over
the supervisors in its range (a tenth of the people), and the few people with a leaving date
still to come are counted apart (`ix_people_leaving`).

Triggers keep it in the same transaction as every write, by the ORM or not, per row and only
for the rows whose change moves a count (a supervisor, a leaving date, a status). A
self-assessment's trigger locks its person's row (FOR NO KEY UPDATE, as the summary's upkeep
does), so a move of the person and a submission at the same time are counted one after the
other, never each against the other's old state.

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

# -- PostgreSQL: per row, for the rows whose change moves a count (WHEN) ------------------------
# Per row, not per statement: a statement-level trigger's transition tables, joined with each
# other or rescanned, turned the 100,000 lines an import rewrites into minutes of temporary
# files. AFTER ROW triggers run when the statement has written all its rows, so a person's
# supervisor inserted later in the same statement (a COPY) is already there.

PG_FUNCTIONS = """
CREATE FUNCTION team_counts_move(p_boss integer, p_person integer, p_sign integer)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    -- the person, counted (no leaving date), joins (+1) or leaves (-1) p_boss's direct reports,
    -- with every cycle in which they submitted their self-assessment
    IF p_boss IS NULL THEN
        RETURN;
    END IF;
    IF p_sign > 0 THEN
        INSERT INTO team_counts (supervisor_id, cycle_id, line, n)
        SELECT b.id, 0, b.line, 1 FROM people b WHERE b.id = p_boss
        ON CONFLICT (supervisor_id, cycle_id) DO UPDATE SET n = team_counts.n + 1;
        INSERT INTO team_counts (supervisor_id, cycle_id, line, n)
        SELECT b.id, s.cycle_id, b.line, 1 FROM people b, self_assessments s
        WHERE b.id = p_boss AND s.person_id = p_person AND s.status = 'submitted'
        ORDER BY s.cycle_id
        ON CONFLICT (supervisor_id, cycle_id) DO UPDATE SET n = team_counts.n + 1;
    ELSE
        UPDATE team_counts SET n = n - 1
        WHERE supervisor_id = p_boss AND (cycle_id = 0 OR cycle_id IN (
            SELECT cycle_id FROM self_assessments
            WHERE person_id = p_person AND status = 'submitted'
        ));
    END IF;
END $$;

CREATE FUNCTION team_counts_of_person() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM team_counts_move(NEW.supervisor_id, NEW.id, 1);
    ELSIF TG_OP = 'DELETE' THEN
        IF OLD.deactivated_on IS NULL THEN
            PERFORM team_counts_move(OLD.supervisor_id, OLD.id, -1);
        END IF;
        DELETE FROM team_counts WHERE supervisor_id = OLD.id;
    ELSIF coalesce(OLD.supervisor_id, 0) <= coalesce(NEW.supervisor_id, 0) THEN
        -- the two supervisors in id order: two moves between the same two never deadlock
        IF OLD.deactivated_on IS NULL THEN
            PERFORM team_counts_move(OLD.supervisor_id, OLD.id, -1);
        END IF;
        IF NEW.deactivated_on IS NULL THEN
            PERFORM team_counts_move(NEW.supervisor_id, NEW.id, 1);
        END IF;
    ELSE
        IF NEW.deactivated_on IS NULL THEN
            PERFORM team_counts_move(NEW.supervisor_id, NEW.id, 1);
        END IF;
        IF OLD.deactivated_on IS NULL THEN
            PERFORM team_counts_move(OLD.supervisor_id, OLD.id, -1);
        END IF;
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION team_counts_of_line() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE team_counts SET line = NEW.line WHERE supervisor_id = NEW.id;
    RETURN NULL;
END $$;

CREATE FUNCTION team_counts_of_assessment() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    this self_assessments;
    sign integer;
BEGIN
    -- WHEN lets through only a submitted one added or removed, or a change to or from it
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.status = 'submitted') THEN
        this := NEW;
        sign := 1;
    ELSE
        this := OLD;
        sign := -1;
    END IF;
    -- the person's row first: a change of their supervisor waits for this, or this for it
    PERFORM 1 FROM people WHERE id = this.person_id FOR NO KEY UPDATE;
    IF sign > 0 THEN
        INSERT INTO team_counts (supervisor_id, cycle_id, line, n)
        SELECT b.id, this.cycle_id, b.line, 1 FROM people p JOIN people b ON b.id = p.supervisor_id
        WHERE p.id = this.person_id AND p.deactivated_on IS NULL
        ON CONFLICT (supervisor_id, cycle_id) DO UPDATE SET n = team_counts.n + 1;
    ELSE
        UPDATE team_counts SET n = n - 1
        WHERE cycle_id = this.cycle_id AND supervisor_id = (
            SELECT supervisor_id FROM people WHERE id = this.person_id AND deactivated_on IS NULL
        );
    END IF;
    RETURN NULL;
END $$;
"""

PG_TRIGGERS = """
CREATE TRIGGER team_counts_people_insert AFTER INSERT ON people FOR EACH ROW
    WHEN (NEW.supervisor_id IS NOT NULL AND NEW.deactivated_on IS NULL)
    EXECUTE FUNCTION team_counts_of_person();
CREATE TRIGGER team_counts_people_update AFTER UPDATE OF supervisor_id, deactivated_on ON people
    FOR EACH ROW
    WHEN (OLD.supervisor_id IS DISTINCT FROM NEW.supervisor_id
          OR (OLD.deactivated_on IS NULL) <> (NEW.deactivated_on IS NULL))
    EXECUTE FUNCTION team_counts_of_person();
CREATE TRIGGER team_counts_people_line AFTER UPDATE OF line ON people FOR EACH ROW
    WHEN (OLD.line IS DISTINCT FROM NEW.line)
    EXECUTE FUNCTION team_counts_of_line();
CREATE TRIGGER team_counts_people_delete AFTER DELETE ON people FOR EACH ROW
    EXECUTE FUNCTION team_counts_of_person();
CREATE TRIGGER team_counts_assessments_insert AFTER INSERT ON self_assessments FOR EACH ROW
    WHEN (NEW.status = 'submitted')
    EXECUTE FUNCTION team_counts_of_assessment();
CREATE TRIGGER team_counts_assessments_update AFTER UPDATE OF status ON self_assessments
    FOR EACH ROW
    WHEN ((OLD.status = 'submitted') <> (NEW.status = 'submitted'))
    EXECUTE FUNCTION team_counts_of_assessment();
CREATE TRIGGER team_counts_assessments_delete AFTER DELETE ON self_assessments FOR EACH ROW
    WHEN (OLD.status = 'submitted')
    EXECUTE FUNCTION team_counts_of_assessment();
"""

PG_DROP = """
DROP TRIGGER team_counts_people_insert ON people;
DROP TRIGGER team_counts_people_update ON people;
DROP TRIGGER team_counts_people_line ON people;
DROP TRIGGER team_counts_people_delete ON people;
DROP TRIGGER team_counts_assessments_insert ON self_assessments;
DROP TRIGGER team_counts_assessments_update ON self_assessments;
DROP TRIGGER team_counts_assessments_delete ON self_assessments;
DROP FUNCTION team_counts_of_assessment();
DROP FUNCTION team_counts_of_line();
DROP FUNCTION team_counts_of_person();
DROP FUNCTION team_counts_move(integer, integer, integer);
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
    # the read: one range per cycle. Not `n` in the index: every count moved would then write
    # a new index entry too, where now it is a heap-only update in the free half of its page
    op.create_index("ix_team_counts_range", "team_counts", ["cycle_id", "line"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE team_counts SET (fillfactor = 50)")
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
        op.execute(PG_FUNCTIONS)
        op.execute(PG_TRIGGERS)
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
