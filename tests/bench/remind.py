"""`make bench-remind`: `flask lms remind` at BMA scale on PostgreSQL.

An empty database migrated by Alembic, the content and `generate` (100,000 people by default,
with sent plans dated as the app dates them); then `remind` three times, timed with the number
of statements it sends:
  1. a first run (every reminder due goes out);
  2. a run right after, which has nothing new to say (what cron does every 15 minutes);
  3. the same with the waiting plans' reminders forgotten, so every waiting plan's route is
     worked out again (a first run's worst part).
The first and third are reported as multiples of the second.

    python tests/bench/remind.py [--people N]      # build, then measure in a new process
    python tests/bench/remind.py --measure         # measure again on what was built
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import delete, event, select

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.bench import PG_URL, fresh_postgres  # noqa: E402

URL = PG_URL.rsplit("/", 1)[0] + "/thaksa_bench_remind"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument(
        "--measure",
        action="store_true",
        help="Only measure, on the database an earlier run built (steady state: nothing loaded "
        "or written just before).",
    )
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = URL
    os.environ.setdefault("LMS_ENV", "development")
    if not args.measure:
        fresh_postgres(URL)
        build(args.people)
        # Measured in a process of its own, as cron starts one: the load's millions of Python
        # objects (and their garbage collections) are not the reminders' cost.
        subprocess.run(
            [sys.executable, __file__, "--measure", "--people", str(args.people)], check=True
        )
        return
    measure(args.people)


def build(people: int) -> None:
    from flask_migrate import upgrade

    from lms import create_app
    from lms.cli import no_statement_timeout
    from lms.content import load_all
    from lms.demo.generate import generate, summarise
    from lms.extensions import db

    app = create_app({"RATELIMIT_ENABLED": False, "MAIL_BACKEND": "none"})
    with app.app_context():
        no_statement_timeout()
        upgrade()
        load_all()
        db.session.commit()
        generate(people, 1)
        db.session.commit()
        summarise()
        db.session.commit()
        # Let the database settle after the bulk load (autovacuum would otherwise run during
        # the measurements): VACUUM ANALYZE outside a transaction.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")


def measure(people: int) -> None:
    from lms import create_app
    from lms.cli import no_statement_timeout
    from lms.extensions import db
    from lms.inbox.reminders import remind
    from lms.models import Notification

    app = create_app({"RATELIMIT_ENABLED": False, "MAIL_BACKEND": "none"})
    with app.app_context():
        no_statement_timeout()
        statements = [0]

        @event.listens_for(db.engine, "before_cursor_execute")
        def _count(*_args):
            statements[0] += 1

        def timed(label: str) -> float:
            db.session.remove()  # each run in a fresh session, as cron starts a fresh process
            statements[0] = 0
            started = time.perf_counter()
            run = remind(days_before=7, waiting_days=7, send_mail=False)
            seconds = time.perf_counter() - started
            sent = sum(run.sent.values())
            print(f"  {label:42} {seconds:7.2f} s  {statements[0]:7,} statements  {sent:7,} sent")
            return seconds

        print(f"{people:,} people", flush=True)
        first = timed("first run")
        quiet = timed("a run right after (nothing new)")
        db.session.execute(
            delete(Notification).where(
                Notification.dedupe_key.like("wait:plan:%")
                | Notification.dedupe_key.like("escalate:plan:%")
            )
        )
        db.session.commit()
        again = timed("waiting plans' reminders again")
        for label, seconds in (("first run", first), ("waiting plans again", again)):
            print(f"  {label:42} {seconds / quiet:7.1f}× the run with nothing new")
        waiting = db.session.scalar(
            select(Notification.id).where(Notification.dedupe_key.like("wait:plan:%")).limit(1)
        )
        assert waiting is not None, "no waiting plan was reminded: the data has none"


if __name__ == "__main__":
    main()
