"""`make bench-remind`: `flask lms remind` at BMA scale on PostgreSQL.

An empty database migrated by Alembic, the content and `generate` (100,000 people by default,
with sent plans dated as the app dates them); then `remind` three times, timed with the number
of statements it sends:
  1. a first run (every reminder due goes out);
  2. a run right after, which has nothing new to say (what cron does every 15 minutes);
  3. the same with the waiting plans' reminders forgotten, so every waiting plan's route is
     worked out again (a first run's worst part).
The first and third are reported as multiples of the second.

    python tests/bench/remind.py [--people N]
"""

import argparse
import os
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
    args = parser.parse_args()
    fresh_postgres(URL)
    os.environ["DATABASE_URL"] = URL
    os.environ.setdefault("LMS_ENV", "development")
    from flask_migrate import upgrade

    from lms import create_app
    from lms.cli import no_statement_timeout
    from lms.content import load_all
    from lms.demo.generate import generate, summarise
    from lms.extensions import db
    from lms.inbox.reminders import remind
    from lms.models import Notification

    app = create_app({"RATELIMIT_ENABLED": False, "MAIL_BACKEND": "none"})
    with app.app_context():
        no_statement_timeout()
        upgrade()
        load_all()
        db.session.commit()
        generate(args.people, 1)
        db.session.commit()
        summarise()
        db.session.commit()
        statements = [0]

        @event.listens_for(db.engine, "before_cursor_execute")
        def _count(*_args):
            statements[0] += 1

        def timed(label: str) -> float:
            statements[0] = 0
            started = time.perf_counter()
            run = remind(days_before=7, waiting_days=7, send_mail=False)
            seconds = time.perf_counter() - started
            sent = sum(run.sent.values())
            print(f"  {label:42} {seconds:7.2f} s  {statements[0]:7,} statements  {sent:7,} sent")
            return seconds

        print(f"{args.people:,} people", flush=True)
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
