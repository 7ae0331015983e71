"""A unit report page with all its charts, timed in a real browser (issue 21, part 6).

On what `tests/bench/bench.py` built (the `generate` organisation of 100,000 people in
`BENCH_DATABASE_URL`), the app is served by gunicorn with `deploy/gunicorn.conf.py`, and headless
Chromium opens the whole-organisation report and a department's: the time to the page's load
event (HTML, stylesheet, script and every chart image), cold (no chart drawn yet: the charts'
folder emptied) and warm (the same page again), the median of `--runs` loads; `/healthz` alone
beside it for scale. A task-queue consumer runs beside gunicorn, as in production, drawing a
page's charts ahead (CHARTS_AHEAD); `--no-ahead` measures without it (the browser's chart
requests then draw every chart, from the data the page kept).

    python tests/bench/report_page.py [--runs 5] [--port 8077] [--no-ahead]
"""

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

PG_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/thaksa_bench"
)
PASSWORD = "bench-report-page"


def _env(instance: Path) -> dict:
    return os.environ | {
        "LMS_ENV": "production",
        "SECRET_KEY": "bench-" + "x" * 40,
        "DATABASE_URL": PG_URL,
        "INSTANCE_PATH": str(instance),
        "EXPORT_DIR": str(instance / "exports"),
        "SESSION_COOKIE_SECURE": "false",
    }


def _admin_password(env: dict) -> str:
    """The generated administrator's password, set to a known one for the browser."""
    os.environ.update(env)
    from sqlalchemy import select

    from lms import create_app
    from lms.auth.services import set_password
    from lms.demo.generate import ADMIN_EMAIL
    from lms.extensions import db
    from lms.models import Person

    app = create_app()
    with app.app_context():
        admin = db.session.scalars(select(Person).where(Person.email == ADMIN_EMAIL)).one()
        set_password(admin, PASSWORD)
        db.session.commit()
        return ADMIN_EMAIL


def _wait(url: str) -> None:
    for _ in range(100):
        try:
            urllib.request.urlopen(url, timeout=1)  # noqa: S310 - the local bench server
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{url} does not answer")


def _load_time(page, url: str) -> float:
    page.goto(url, wait_until="load")
    return page.evaluate(
        "() => { const n = performance.getEntriesByType('navigation')[0];"
        " return n.loadEventEnd - n.startTime; }"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--port", type=int, default=8077)
    parser.add_argument("--no-ahead", action="store_true", help="no consumer drawing ahead")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    instance = Path(tempfile.mkdtemp(prefix="thaksa-page-"))
    env = _env(instance) | {"CHARTS_AHEAD": "false" if args.no_ahead else "true"}
    email = _admin_password(env)
    base = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "-c",
            str(ROOT / "deploy/gunicorn.conf.py"),
            "-b",
            f"127.0.0.1:{args.port}",
            "lms:create_app()",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    consumer = None
    if not args.no_ahead:
        consumer = subprocess.Popen(
            [str(ROOT / ".venv/bin/huey_consumer"), "lms.worker.huey", "-k", "thread", "-w", "2"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    print(
        "charts drawn ahead by a consumer" if consumer else "no consumer: charts drawn on request"
    )
    try:
        _wait(base + "/healthz")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(base + "/login")
            page.fill("input[name=identifier]", email)
            page.fill("input[name=password]", PASSWORD)
            page.click("form:has(input[name=password]) button")
            page.wait_for_load_state()
            health = statistics.median(
                _load_time(page, base + "/healthz") for _ in range(args.runs)
            )
            print(f"/healthz alone: {health:.0f} ms")
            for label, code in (("whole organisation", "BMA"), ("a department", "D01")):
                url = f"{base}/reports/units/{code}?cycle=2566"
                _load_time(page, url)  # the summary is up to date; the page's code is loaded
                cold, warm = [], []
                for _ in range(args.runs):
                    shutil.rmtree(instance / "exports" / "charts", ignore_errors=True)
                    cold.append(_load_time(page, url))
                    warm.append(_load_time(page, url))
                charts = page.locator("img.chart").count()
                print(
                    f"{label:<20} {charts} charts  cold {statistics.median(cold):6.0f} ms"
                    f"  warm {statistics.median(warm):6.0f} ms"
                    f"  ({statistics.median(warm) / health:.0f}× /healthz)"
                )
            browser.close()
    finally:
        for process in (server, consumer):
            if process is not None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=60)
        shutil.rmtree(instance, ignore_errors=True)


if __name__ == "__main__":
    main()
