"""`make bench-writes`: what keeping the report summary exact costs a learning write.

On the organisation `make bench-pages` built (`thaksa_bench_pages`; `--people N` builds it
first), people of the open cycle log an activity through the service the page uses
(`log_activity`), each in its own transaction: the database time of the write itself (the
service's reads, its locks and the INSERT, flushed) and of the commit's summary upkeep (the
person's report rows recomputed and the unit sums moved), timed statement by statement. Then
`summary.drift` checks the summary still equals the base tables.

    python tests/bench/writes.py [--writes N]
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import event, select

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.pages import URL  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--writes", type=int, default=200)
    parser.add_argument("--people", type=int, help="build the organisation first")
    args = parser.parse_args()
    if args.people:
        subprocess.run(
            [sys.executable, str(ROOT / "tests/bench/pages.py"), "--people", str(args.people)],
            check=True,
        )
    os.environ["DATABASE_URL"] = URL
    os.environ.setdefault("LMS_ENV", "development")
    measure(args.writes)


def measure(writes: int) -> None:
    from lms import create_app
    from lms.activities.services import log_activity
    from lms.clock import today
    from lms.extensions import db
    from lms.models import Cycle, Person, still_here
    from lms.reports.summary import drift
    from lms.vocab import CycleStatus

    app = create_app({"RATELIMIT_ENABLED": False, "MAIL_BACKEND": "none"})
    with app.app_context():
        cycle_id = db.session.scalars(
            select(Cycle.id).where(Cycle.status == CycleStatus.OPEN)
        ).one()
        ids = list(db.session.scalars(select(Person.id).where(still_here()).order_by(Person.id)))
        engine = db.engine
        db.session.remove()
    rng = random.Random(5)
    run = time.strftime("%Y%m%d-%H%M%S")  # a title of its own: a run again is not a double-click
    phase = {"now": None}
    spent = {"write": 0.0, "upkeep": 0.0}
    counted = {"write": 0, "upkeep": 0}

    @event.listens_for(engine, "before_cursor_execute")
    def _start(conn, *_args):
        conn.info["started"] = time.perf_counter()

    @event.listens_for(engine, "after_cursor_execute")
    def _stop(conn, *_args):
        if phase["now"]:
            took = time.perf_counter() - conn.info["started"]
            spent[phase["now"]] += took
            counted[phase["now"]] += 1
            if os.environ.get("BENCH_SHOW"):
                print(f"    {phase['now']:6} {took * 1000:6.2f} ms  {_args[1][:90]!r}")

    shares, write_ms, upkeep_ms = [], [], []
    for number in range(writes + 5):
        with app.app_context():
            cycle = db.session.get(Cycle, cycle_id)
            person = db.session.get(Person, rng.choice(ids))
            for key in spent:
                spent[key], counted[key] = 0.0, 0
            phase["now"] = "write"
            log_activity(
                person,
                cycle,
                {
                    "title": f"bench {run} {number}",
                    "bucket": rng.choice(("70", "20", "10")),
                    # a day of the cycle so far: runs again never fill anyone's day (24 hours)
                    "occurred_on": cycle.starts_on
                    + timedelta(
                        days=rng.randrange((min(today(), cycle.ends_on) - cycle.starts_on).days + 1)
                    ),
                    "hours": Decimal("1.5"),
                },
                by=person,
            )
            db.session.flush()
            phase["now"] = "upkeep"
            db.session.commit()
            phase["now"] = None
            if number >= 5:  # the first five warm the caches
                total = spent["write"] + spent["upkeep"]
                shares.append(spent["upkeep"] / total)
                write_ms.append(spent["write"] * 1000)
                upkeep_ms.append(spent["upkeep"] * 1000)
    with app.app_context():
        problems = drift(db.session.get(Cycle, cycle_id))
    write, upkeep = statistics.median(write_ms), statistics.median(upkeep_ms)
    print(f"{writes} learning writes, each its own transaction (medians of database time):")
    print(f"  the write itself   {write:6.2f} ms  {counted['write']} statements")
    print(f"  the summary upkeep {upkeep:6.2f} ms  {counted['upkeep']} statements")
    print(f"  upkeep's share     {statistics.median(shares):6.1%}")
    print(f"  summary against the base tables: {'equal' if not problems else problems[:3]}")


if __name__ == "__main__":
    main()
