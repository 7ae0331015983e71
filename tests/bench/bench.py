"""`make bench`: unit reports at BMA scale, on SQLite and PostgreSQL, measured in one run.

For each database: an empty database migrated by Alembic, the content, `generate` (100,000
people by default), then for the whole organisation, a department and a section, the median
time of the report
  - through the service (`unit_report`: the summary's per-unit sums),
  - through the API (GET /api/v1/reports/units/<code>, JSON, with a bearer token),
  - and as bare SQL over the base tables computing the same figures (`live_figures`: the
    headline, the child units and the previous year),
with each time's ratio to the bare SQL. The figures of the three are checked to be equal.

    python tests/bench/bench.py [--people N] [--seed S] [--runs R] [--only sqlite|postgresql]
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, select, text

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

PG_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/thaksa_bench"
)


def fresh_postgres(url: str) -> None:
    base, name = url.rsplit("/", 1)
    engine = create_engine(base + "/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()


def median_ms(function, runs: int) -> float:
    function()  # warm: caches, the summary's reference day, the plan cache
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def bench(url: str, people: int, seed: int, runs: int) -> list[dict]:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("LMS_ENV", "development")
    from flask_migrate import upgrade

    from lms import create_app
    from lms.api.tokens import create_token
    from lms.cli import no_statement_timeout
    from lms.content import load_all
    from lms.demo.generate import ADMIN_EMAIL, generate, summarise
    from lms.extensions import db
    from lms.models import Cycle, Person, Unit
    from lms.reports.queries import HEADLINE, ensure_summary, live_figures, unit_report

    app = create_app({"RATELIMIT_ENABLED": False})
    rows = []
    with app.app_context():
        no_statement_timeout()
        started = time.perf_counter()
        upgrade()
        load_all()
        db.session.commit()
        built = generate(people, seed)
        db.session.commit()
        loaded = time.perf_counter() - started
        summarise()
        db.session.commit()
        summarised = time.perf_counter() - started - loaded
        if db.engine.dialect.name == "postgresql":
            # settle after the bulk load (autovacuum would otherwise run during the
            # measurements, as it does after any bulk load): VACUUM ANALYZE, outside a transaction
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql("VACUUM ANALYZE")
        print(
            f"  built {built.people:,} people in {built.units:,} units: load {loaded:.1f} s,"
            f" summary {summarised:.1f} s",
            flush=True,
        )
        admin = db.session.scalars(select(Person).where(Person.email == ADMIN_EMAIL)).one()
        _, token = create_token(admin, "bench")
        db.session.commit()
        cycle = db.session.scalars(select(Cycle).order_by(Cycle.be_year.desc())).first()
        previous = db.session.scalars(select(Cycle).where(Cycle.be_year == cycle.be_year - 1)).one()
        root = db.session.scalars(select(Unit).where(Unit.parent_id.is_(None))).one()
        department = db.session.scalars(
            select(Unit).where(Unit.parent_id == root.id).order_by(Unit.code)
        ).first()
        section = db.session.scalars(
            select(Unit)
            .where(Unit.depth == 3, Unit.path.startswith(department.path))
            .order_by(Unit.code)
        ).first()
        client = app.test_client()
        headers = {"Authorization": f"Bearer {token}"}
        for label, unit in (
            ("organisation", root),
            ("department", department),
            ("section", section),
        ):
            ensure_summary(cycle)
            db.session.commit()
            report = unit_report(unit, cycle)
            live = live_figures(unit, cycle)[HEADLINE]
            assert live == report.figures, f"{label}: the summary and the base tables disagree"
            code, year = unit.code, cycle.be_year

            def service(unit=unit):  # as the page does it
                ensure_summary(cycle)
                db.session.commit()
                unit_report(unit, cycle)

            def api(code=code, year=year):
                response = client.get(f"/api/v1/reports/units/{code}?cycle={year}", headers=headers)
                assert response.status_code == 200, response.data[:200]

            def bare(unit=unit):
                live_figures(unit, cycle)
                live_figures(unit, cycle, by_child=True)
                live_figures(unit, previous)
                db.session.rollback()

            row = {
                "database": db.engine.dialect.name,
                "scope": f"{label} ({code})",
                "people": report.figures.headcount,
                "service": median_ms(service, runs),
                "api": median_ms(api, runs),
                "bare": median_ms(bare, runs),
            }
            rows.append(row)
            print(_line(row), flush=True)
        db.session.remove()
        db.engine.dispose()
    return rows


def _line(row: dict) -> str:
    return (
        f"  {row['database']:<10} {row['scope']:<22} {row['people']:>7,}  "
        f"service {row['service']:8.1f} ms ({row['service'] / row['bare']:.2f}x)  "
        f"api {row['api']:8.1f} ms ({row['api'] / row['bare']:.2f}x)  "
        f"bare SQL {row['bare']:8.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    args = parser.parse_args()
    print(f"make bench: {args.people:,} people, seed {args.seed}, median of {args.runs} runs")
    results = []
    folder = tempfile.mkdtemp(prefix="thaksa-bench-")
    os.environ["INSTANCE_PATH"] = folder
    if args.only in (None, "sqlite"):
        print("== SQLite", flush=True)
        results += run_isolated(f"sqlite:///{folder}/bench.sqlite", args)
    if args.only in (None, "postgresql"):
        print(f"== PostgreSQL ({PG_URL.split('@')[-1]})", flush=True)
        fresh_postgres(PG_URL)
        results += run_isolated(PG_URL, args)
    print("\nsummary (ratio = time / bare SQL over the base tables, same run):")
    for row in results:
        print(_line(row))


def run_isolated(url: str, args) -> list[dict]:
    """One database per process: create_app reads DATABASE_URL once per app."""
    import json
    import subprocess

    command = [sys.executable, __file__, "--child", url, str(args.people), str(args.seed)]
    with subprocess.Popen([*command, str(args.runs)], stdout=subprocess.PIPE, text=True) as child:
        last = ""
        for line in child.stdout:
            if line.startswith("["):
                last = line
            else:
                print(line, end="", flush=True)
    if child.returncode:
        raise SystemExit(f"the {url.split(':')[0]} run failed")
    return json.loads(last)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        import json

        _, _, child_url, n, s, r = sys.argv
        found = bench(child_url, int(n), int(s), int(r))
        print(json.dumps(found))
    else:
        main()
