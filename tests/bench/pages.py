"""`make bench-pages`: the pages of the people with the most below them, at BMA scale.

An empty database migrated by Alembic, the content and `generate` (100,000 people by default;
`--people 1000000` or BENCH_PEOPLE=1000000 for the million), VACUUM ANALYZE; then, in a process
of its own (steady state, as a gunicorn worker), logged in through the real form as
  - the person with the most people below them in the reporting line (the organisation's head),
  - a department head, and a section head,
the median time and the number of statements of `/team`, `/team?page=2`, home `/` and `/inbox/`,
each beside `/healthz` in the same run (the ratio is the page's time over `/healthz`'s); then
the people list of the whole organisation as CSV through the API (GET .../people.csv), timed
with the growth of the process's peak memory while it streams.

    python tests/bench/pages.py [--people N] [--runs R]   # build, then measure in a new process
    python tests/bench/pages.py --measure [--runs R]      # measure again on what was built
"""

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import event, select

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.bench import PG_URL, fresh_postgres  # noqa: E402
from tests.bench.remind import build  # noqa: E402

URL = os.environ.get("BENCH_PAGES_URL", PG_URL.rsplit("/", 1)[0] + "/thaksa_bench_pages")
PAGES = ("/healthz", "/team", "/team?page=2", "/", "/inbox/")
PASSWORD = "bench-pages-password"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=int(os.environ.get("BENCH_PEOPLE", 100_000)))
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--measure", action="store_true", help="Only measure what was built.")
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = URL
    os.environ.setdefault("LMS_ENV", "development")
    if not args.measure:
        fresh_postgres(URL)
        started = time.perf_counter()
        build(args.people)
        print(f"built {args.people:,} people in {time.perf_counter() - started:.0f} s", flush=True)
        subprocess.run(
            [sys.executable, __file__, "--measure", "--runs", str(args.runs)], check=True
        )
        return
    measure(args.runs)


def _most_below(rows) -> list[tuple[int, int]]:
    """(person id, how many are below them), the most first: the recursive definition, in
    Python, over (id, supervisor_id)."""
    children: dict[int, list[int]] = {}
    for pid, boss in rows:
        if boss is not None:
            children.setdefault(boss, []).append(pid)
    below: dict[int, int] = {}

    def count(pid: int) -> int:
        total, todo = 0, list(children.get(pid, []))
        while todo:
            current = todo.pop()
            total += 1
            todo.extend(children.get(current, []))
        return total

    for pid in children:
        below[pid] = count(pid)
    return sorted(below.items(), key=lambda item: -item[1])


def measure(runs: int) -> None:
    from lms import create_app
    from lms.api.tokens import create_token
    from lms.auth.services import set_password
    from lms.demo.generate import ADMIN_EMAIL
    from lms.extensions import db
    from lms.models import Person, Unit

    app = create_app(
        {"RATELIMIT_ENABLED": False, "MAIL_BACKEND": "none", "WTF_CSRF_ENABLED": False}
    )
    with app.app_context():
        rows = db.session.execute(select(Person.id, Person.supervisor_id)).all()
        ranked = _most_below(rows)
        by_size = dict(ranked)
        head = db.session.get(Person, ranked[0][0])
        # a department head and a section head: the first with about a tenth, a hundredth
        chosen = [("head of all", head)]
        for label, share in (("department head", 10), ("section head", 300)):
            wanted = len(rows) // share
            pid = min(by_size, key=lambda p: abs(by_size[p] - wanted))
            chosen.append((label, db.session.get(Person, pid)))
        for _label, person in chosen:
            set_password(person, PASSWORD)
        admin = db.session.scalars(select(Person).where(Person.email == ADMIN_EMAIL)).one()
        _, token = create_token(admin, "bench-pages")
        root = db.session.scalars(select(Unit).where(Unit.parent_id.is_(None))).one()
        db.session.commit()
        chosen = [(label, person.email, by_size[person.id]) for label, person in chosen]
        root_code, engine = root.code, db.engine
        db.session.remove()
    # Each request in its own application context, as in a server (a context held open around
    # the requests would keep one session, and its identity map, across all of them).
    statements = [0]

    @event.listens_for(engine, "before_cursor_execute")
    def _count(*_args):
        statements[0] += 1

    print(f"{len(rows):,} people; median of {runs} runs, logged in through the form")
    for label, email, below in chosen:
        client = app.test_client()
        response = client.post("/login", data={"identifier": email, "password": PASSWORD})
        assert response.status_code == 302, response.data[:300]
        print(f"  {label} ({below:,} below)")
        healthz = None
        for path in PAGES:
            times, counted = [], 0
            for run in range(runs + 1):
                statements[0] = 0
                started = time.perf_counter()
                answer = client.get(path)
                elapsed = (time.perf_counter() - started) * 1000
                assert answer.status_code == 200, (path, answer.status_code)
                if run:  # the first is the warm-up
                    times.append(elapsed)
                    counted = statements[0]
            median = statistics.median(times)
            healthz = median if path == "/healthz" else healthz
            print(
                f"    {path:14} {median:9.1f} ms  {median / healthz:7.1f}× /healthz"
                f"  {counted:3} statements",
                flush=True,
            )
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    url = f"/api/v1/reports/units/{root_code}/people.csv"
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    lines = 0
    with client.get(url, headers=headers, buffered=False) as answer:
        assert answer.status_code == 200, answer.status_code
        for chunk in answer.response:
            lines += chunk.count(b"\n")
    seconds = time.perf_counter() - started
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak) / 1024
    print(
        f"  people.csv of {root_code}: {lines:,} lines in {seconds:.1f} s,"
        f" peak memory +{grown:.0f} MB",
        flush=True,
    )


if __name__ == "__main__":
    main()
