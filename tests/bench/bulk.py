"""`make bench-bulk`: one transaction that changes 10,000 people, on PostgreSQL at BMA scale.

An empty database migrated by Alembic, the content and `generate` (100,000 people by default);
then twice, in one transaction each, a learning activity for each of 10,000 people of the open
cycle, committed
  - with the summary refreshed person by person (the upkeep before its bulk threshold), and
  - with the cycle rebuilt set-based (past `upkeep.BULK_PEOPLE`, today's behaviour);
and the time of `rebuild-reports` alone. After each, the summary is checked against the base
tables (`summary.drift`): it must be exact.

    python tests/bench/bulk.py [--people N] [--changed N]
"""

import argparse
import os
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.bench import PG_URL, fresh_postgres  # noqa: E402

URL = PG_URL.rsplit("/", 1)[0] + "/thaksa_bench_bulk"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--changed", type=int, default=10_000)
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
    from lms.models import ActivityKind, Cycle, LearningActivity, Person
    from lms.reports import summary, upkeep

    app = create_app({"RATELIMIT_ENABLED": False})
    with app.app_context():
        no_statement_timeout()
        upgrade()
        load_all()
        db.session.commit()
        generate(args.people, 1)
        db.session.commit()
        summarise()
        db.session.commit()
        cycle = db.session.scalars(select(Cycle).order_by(Cycle.be_year.desc())).first()
        ids = list(
            db.session.scalars(
                select(Person.id).where(Person.deactivated_on.is_(None)).limit(args.changed)
            )
        )
        print(f"{args.people:,} people; one transaction changes {len(ids):,} of them", flush=True)

        def change(bucket: str) -> float:
            kind = db.session.scalars(
                select(ActivityKind).where(ActivityKind.bucket == bucket).limit(1)
            ).one()
            for n, person_id in enumerate(ids):
                db.session.add(
                    LearningActivity(
                        person_id=person_id,
                        cycle_id=cycle.id,
                        kind_id=kind.id,
                        bucket=bucket,
                        title=f"bench {bucket} {n}",
                        hours=Decimal("1.5"),
                        occurred_on=cycle.starts_on + timedelta(days=n % 300),
                    )
                )
            db.session.flush()
            started = time.perf_counter()
            db.session.commit()
            return time.perf_counter() - started

        results = {}
        upkeep.BULK_PEOPLE = 10**9
        results["person by person"] = change("70")
        assert summary.drift(cycle) == [], "person by person left the summary inexact"
        db.session.rollback()
        upkeep.BULK_PEOPLE = 2000
        results["set-based rebuild"] = change("20")
        assert summary.drift(cycle) == [], "the bulk rebuild left the summary inexact"
        db.session.rollback()
        started = time.perf_counter()
        summary.rebuild(cycle)
        db.session.commit()
        results["rebuild-reports alone"] = time.perf_counter() - started
        base = results["set-based rebuild"]
        for label, seconds in results.items():
            print(f"  {label:24} {seconds:7.2f} s  ({seconds / base:.2f}× the set-based commit)")
        print("  the summary equals the base tables after each (summary.drift is empty)")


if __name__ == "__main__":
    main()
