"""`make bench-xapi`: what taking in providers' xAPI statements costs at BMA scale.

On the organisation `make bench-pages` built (`thaksa_bench_pages`, 100,000 people on
PostgreSQL; `--people N` builds it first), a provider posts batches of "completed" statements
for people of the open cycle, through HTTP (the app's test client: JSON read, every statement
checked, people and courses found, statements and completions written, committed):

- by `mbox` (an e-mail: the unique index), by `account` (an employee number), and by
  `mbox_sha1sum` (every e-mail hashed once per request);
- beside, in the same run, the bare INSERTs of the same statement and completion rows (the
  least any store must write), as the ratio to compare with.

Then a provider's completion file of 10,000 rows (`--file-rows`) through the import, checked
and written. Then a person's learning goes out: `GET /xapi/statements` with their token.
Everything written is removed at the end, so the run can be repeated on the same database.

    python tests/bench/xapi.py [--batch 500] [--runs 3]
"""

import argparse
import base64
import json
import os
import random
import statistics
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, func, insert, select

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.pages import URL  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--file-rows", type=int, default=10_000)
    parser.add_argument("--people", type=int, help="build the organisation first")
    args = parser.parse_args()
    if args.people:
        subprocess.run(
            [sys.executable, str(ROOT / "tests/bench/pages.py"), "--people", str(args.people)],
            check=True,
        )
    os.environ["DATABASE_URL"] = URL
    os.environ.setdefault("LMS_ENV", "development")
    measure(args.batch, args.runs, args.file_rows)


def measure(batch: int, runs: int, file_rows: int = 10_000) -> None:
    from lms import create_app
    from lms.api.tokens import create_token
    from lms.exchange import import_completions, read_table
    from lms.extensions import db
    from lms.interchange.services import create_client
    from lms.interchange.statements import email_sha1
    from lms.models import (
        ApiToken,
        Completion,
        Course,
        Cycle,
        LearningActivity,
        Notification,
        Person,
        XapiClient,
        XapiStatement,
        still_here,
    )
    from lms.vocab import CycleStatus

    app = create_app({"RATELIMIT_ENABLED": False, "MAIL_BACKEND": "none"})
    web = app.test_client()
    with app.app_context():
        cycle = db.session.scalars(select(Cycle).where(Cycle.status == CycleStatus.OPEN)).one()
        courses = list(
            db.session.scalars(
                select(Course).where(Course.active.is_(True), Course.url.is_not(None))
            )
        )
        people = db.session.execute(
            select(Person.id, Person.email, Person.employee_no).where(
                Person.email.is_not(None), still_here()
            )
        ).all()
        total = len(people)
        rng = random.Random(22)
        day = min(cycle.ends_on, datetime.now(UTC).date()) - timedelta(days=1)
        stamp = f"{day.isoformat()}T10:00:00+07:00"
        client, credentials = create_client(f"bench {uuid.uuid4().hex[:6]}")
        db.session.commit()
        basic = "Basic " + base64.b64encode(credentials.encode()).decode()
        headers = {"Authorization": basic, "X-Experience-API-Version": "1.0.3"}

        def statements(kind: str) -> list[dict]:
            chosen = rng.sample(people, batch)
            out = []
            for _pid, email, number in chosen:
                actor = {
                    "mbox": {"mbox": f"mailto:{email}"},
                    "account": {"account": {"homePage": "https://x.example", "name": number}},
                    "sha1": {"mbox_sha1sum": email_sha1(email)},
                }[kind]
                course = rng.choice(courses)
                out.append(
                    {
                        "actor": actor,
                        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
                        "object": {"id": course.url},
                        "result": {"completion": True, "duration": "PT3H"},
                        "timestamp": stamp,
                    }
                )
            return out

        def clean() -> None:
            ids = select(Completion.id).where(Completion.source_name == client.name)
            db.session.execute(delete(XapiStatement).where(XapiStatement.client_id == client.id))
            db.session.execute(
                delete(Notification).where(Notification.dedupe_key.like("completion:%"))
            )
            db.session.execute(delete(Completion).where(Completion.id.in_(ids)))
            db.session.commit()

        def bare() -> float:
            """The same rows, INSERTed without reading anything (the floor)."""
            chosen = rng.sample(people, batch)
            started = time.perf_counter()
            rows = db.session.execute(
                insert(Completion).returning(Completion.id),
                [
                    {
                        "person_id": pid,
                        "cycle_id": cycle.id,
                        "course_id": courses[i % len(courses)].id,
                        "source": "xapi",
                        "source_name": client.name,
                        "completed_on": day,
                        "status": "pending",
                        "received_at": datetime.now(UTC).replace(tzinfo=None),
                    }
                    for i, (pid, _e, _n) in enumerate(chosen)
                ],
            ).all()
            now = datetime.now(UTC).replace(tzinfo=None)
            db.session.execute(
                insert(XapiStatement),
                [
                    {
                        "statement_id": str(uuid.uuid4()),
                        "client_id": client.id,
                        "body": "{}",
                        "verb": "http://adlnet.gov/expapi/verbs/completed",
                        "actor_key": "mailto:x",
                        "timestamp": now,
                        "stored": now,
                        "status": "used",
                        "completion_id": row.id,
                    }
                    for row in rows
                ],
            )
            db.session.commit()
            return time.perf_counter() - started

        def posted(kind: str) -> float:
            body = json.dumps(statements(kind))
            started = time.perf_counter()
            answer = web.post(
                "/xapi/statements",
                data=body,
                headers={**headers, "Content-Type": "application/json"},
            )
            elapsed = time.perf_counter() - started
            assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
            return elapsed

        results: dict[str, list[float]] = {"bare": [], "mbox": [], "account": [], "sha1": []}
        for _run in range(runs):
            for kind in ("bare", "mbox", "account", "sha1"):
                results[kind].append(bare() if kind == "bare" else posted(kind))
                clean()
        kept = db.session.scalar(
            select(XapiStatement.id).where(XapiStatement.client_id == client.id)
        )
        assert kept is None

        # a provider's completion file through the import (checked, then written)
        high = db.session.scalar(select(func.max(Completion.id))) or 0
        lines = ["employee_no,provider,course_code,completed_on,score"]
        for _pid, _email, number in rng.sample(people, file_rows):
            course = rng.choice(courses)
            lines.append(f"{number},{course.provider.code},{course.code},{day.isoformat()},80")
        table = read_table(("\n".join(lines) + "\n").encode())
        started = time.perf_counter()
        import_completions(table, by=None, dry_run=True)
        checked = time.perf_counter() - started
        started = time.perf_counter()
        import_completions(table, by=None)
        db.session.commit()
        written = time.perf_counter() - started
        db.session.execute(delete(Notification).where(Notification.dedupe_key.like("completion:%")))
        db.session.execute(delete(Completion).where(Completion.id > high))
        db.session.commit()

        # out: one person's learning as statements, with their own token
        person_id = db.session.scalar(
            select(LearningActivity.person_id)
            .where(LearningActivity.cycle_id == cycle.id)
            .order_by(LearningActivity.id)
            .limit(1)
        )
        person = db.session.get(Person, person_id)
        token, plain = create_token(person, "bench")
        db.session.commit()
        mine = {"Authorization": f"Bearer {plain}", "X-Experience-API-Version": "1.0.3"}
        web.get("/xapi/statements", headers=mine)
        out = []
        for _ in range(20):
            started = time.perf_counter()
            answer = web.get("/xapi/statements", headers=mine)
            out.append(time.perf_counter() - started)
        count = len(answer.get_json()["statements"])
        db.session.execute(delete(ApiToken).where(ApiToken.id == token.id))
        db.session.execute(delete(XapiClient).where(XapiClient.id == client.id))
        db.session.commit()

    floor = statistics.median(results["bare"])
    print(f"{total:,} people with an e-mail; batches of {batch} completed statements, {runs} runs")
    print(f"{'path':<34}{'median':>10}{'per statement':>16}{'÷ bare':>9}")
    each = floor / batch * 1000
    print(f"{'bare INSERTs (the floor)':<34}{floor * 1000:>8.0f} ms{each:>13.2f} ms{1:>9.1f}")
    for kind, label in (
        ("mbox", "POST, actors by mbox"),
        ("account", "POST, actors by account"),
        ("sha1", "POST, actors by mbox_sha1sum"),
    ):
        median = statistics.median(results[kind])
        print(
            f"{label:<34}{median * 1000:>8.0f} ms{median / batch * 1000:>13.2f} ms"
            f"{median / floor:>9.1f}"
        )
    print(
        f"a completion file of {file_rows:,} rows: checked in {checked:.1f} s, "
        f"checked and written in {written:.1f} s"
    )
    print(
        f"GET /xapi/statements (one person, {count} statements): "
        f"p50 {statistics.median(out) * 1000:.1f} ms, max {max(out) * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
