"""`make bench-import`: units and 100,000 people imported from CSV files, on PostgreSQL (and
SQLite with --sqlite), into an installation with an open cycle whose report summary is built.

Files are made deterministically (about 2,000 units on 4 levels; people with Thai names, 80 %
with an e-mail, supervisors along the units' heads, HR and executive roles). Timed, each from the
file's bytes to the commit (reading, checking every row, writing, the summary rebuilt):
  1. the units;  2. the people, first time;  3. the same file again (nothing changes);
  4. a second file: 5 % moved to another unit, 1 % missing with --deactivate-missing;
and `rebuild-reports` of the open cycle alone, for the ratio. After each import the summary is
compared with the base tables (`summary.drift` must be empty).

    python tests/bench/imports.py [--people N] [--sqlite]
"""

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.bench import PG_URL, fresh_postgres  # noqa: E402

URL = PG_URL.rsplit("/", 1)[0] + "/thaksa_bench_import"
FIRST = ("สมชาย", "สมหญิง", "วิชัย", "น้ำฝน", "ศิริพร", "ประยุทธ", "กนกวรรณ", "ธนพล", "อำไพ", "ณัฐวุฒิ")
LAST = ("ใจดี", "แสงทอง", "ศรีสุข", "มีสุข", "รักงาน", "บุญมา", "ทองคำ", "สุขสวัสดิ์")
GROUPS = ("ACAD", "ACAD", "SERV", "SERV", "SERV", "TECH", "MGMT")


def units_csv(rng: random.Random) -> tuple[str, list[str]]:
    lines = [
        "code,name_th,name_en,parent_code",
        "BMA,กรุงเทพมหานคร,Bangkok Metropolitan Administration,",
    ]
    leaves = []
    for d in range(1, 51):
        lines.append(f"D{d:02d},สำนักที่ {d},Department {d},BMA")
        for v in range(1, 11):
            lines.append(f"D{d:02d}-{v:02d},กองที่ {v} สำนักที่ {d},Division {v},D{d:02d}")
            for s in range(1, rng.randint(2, 4) + 1):
                code = f"D{d:02d}-{v:02d}-{s}"
                lines.append(f"{code},ส่วนที่ {s},Section {s},D{d:02d}-{v:02d}")
                leaves.append(code)
    return "\n".join(lines) + "\n", leaves


def people_csv(rng: random.Random, n: int, leaves: list[str], moved=0, missing=0) -> str:
    header = (
        "employee_no,email,name_th,name_en,position_th,role_group,unit_code,"
        "supervisor_employee_no,roles,scope_unit_code,effective_on"
    )
    heads: dict[str, str] = {}
    lines = [header]
    pick = random.Random(3)  # the changes; `rng` makes the same names in both files
    skip = set(pick.sample(range(n), missing)) if missing else set()
    move = set(pick.sample(range(n), moved)) if moved else set()
    for i in range(n):
        no = f"P{i:06d}"
        unit = leaves[i % len(leaves)]
        if i in move:
            unit = leaves[(i + 7) % len(leaves)]
        dept, division = unit.split("-")[0], "-".join(unit.split("-")[:2])
        roles, scope, boss = "", "", heads.get(unit, "")
        if unit not in heads:
            heads[unit] = no
            roles, boss = "supervisor", heads.get(division, heads.get(dept, ""))
            heads.setdefault(division, no)
            heads.setdefault(dept, no)
        if i < len(leaves) and i % 25 == 0:
            roles, scope = "supervisor;hr", dept
        email = f"p{i}@bma.go.th" if i % 5 else ""
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        if i in skip:
            continue
        lines.append(
            f"{no},{email},{name},,นักจัดการงานทั่วไป,{GROUPS[i % len(GROUPS)]},{unit},"
            f"{boss if boss != no else ''},{roles},{scope},"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--sqlite", action="store_true")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="thaksa-import-"))
    if args.sqlite:
        os.environ["DATABASE_URL"] = f"sqlite:///{work / 'bench.db'}"
    else:
        fresh_postgres(URL)
        os.environ["DATABASE_URL"] = URL
    os.environ.setdefault("LMS_ENV", "development")
    from flask_migrate import upgrade
    from sqlalchemy import select

    from lms import create_app
    from lms.cli import no_statement_timeout
    from lms.clock import today
    from lms.content import load_all
    from lms.cycles import create_cycle, fiscal_be_year
    from lms.exchange import import_people, import_units, read_table
    from lms.extensions import db
    from lms.models import Framework
    from lms.models.lines import team_counts_drift
    from lms.reports import summary

    rng = random.Random(1)
    units, leaves = units_csv(rng)
    first = people_csv(random.Random(2), args.people, leaves).encode()
    second = people_csv(
        random.Random(2), args.people, leaves, moved=args.people // 20, missing=args.people // 100
    ).encode()
    app = create_app({"RATELIMIT_ENABLED": False})
    with app.app_context():
        no_statement_timeout()
        upgrade()
        load_all()
        framework = db.session.scalars(select(Framework).where(Framework.code == "OCSC-2560")).one()
        cycle = create_cycle(fiscal_be_year(today()), framework, status="open")
        db.session.commit()
        summary.rebuild(cycle)
        db.session.commit()
        engine = db.engine.dialect.name
        print(
            f"{engine}: {len(leaves) + 551:,} units, {args.people:,} people "
            f"({len(first) / 1e6:.1f} MB CSV)",
            flush=True,
        )

        def timed(label: str, run) -> float:
            started = time.perf_counter()
            outcome = run()
            db.session.commit()
            seconds = time.perf_counter() - started
            assert summary.drift(cycle) == [], f"{label}: the summary is not exact"
            assert team_counts_drift() == [], f"{label}: the team sizes are not exact"
            counts = ", ".join(f"{k} {v:,}" for k, v in sorted(outcome.counts.items()))
            print(f"  {label:34} {seconds:7.2f} s   {counts}", flush=True)
            return seconds

        timed("units", lambda: import_units(read_table(units.encode()), by=None))
        results = {
            "people, first import": timed(
                "people, first import", lambda: import_people(read_table(first), by=None)
            ),
            "the same file again": timed(
                "the same file again", lambda: import_people(read_table(first), by=None)
            ),
            "5 % moved, 1 % deactivated": timed(
                "5 % moved, 1 % deactivated",
                lambda: import_people(read_table(second), by=None, deactivate_missing=True),
            ),
        }
        started = time.perf_counter()
        summary.rebuild(cycle)
        db.session.commit()
        rebuild = time.perf_counter() - started
        print(f"  {'rebuild-reports of the open cycle':34} {rebuild:7.2f} s")
        for label, seconds in results.items():
            print(f"  {label:34} {seconds / rebuild:6.1f}× the rebuild alone")
        print(
            "  the summary and the team sizes equal the base tables after each import"
            " (summary.drift, team_counts_drift)"
        )


if __name__ == "__main__":
    main()
