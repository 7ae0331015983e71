"""`make faults`: the fault runs of issue 17 against the production set-up on this machine.

The demo on a fresh local PostgreSQL database, served by gunicorn (deploy/gunicorn.conf.py, two
workers of four threads), its own Redis (a private redis-server on port 6391, for the log-in
counters and the task queue) and the task queue's consumer, started as deploy/thaksa-tasks.service
starts it. Then, one after another:

1. Redis stopped: log-in, /healthz, a report PDF asked for; Redis back.
2. The consumer killed (SIGKILL) while a report PDF is at 20 %: the job page, then a consumer
   started again; and a consumer stopped (SIGTERM) while a PDF is made.
3. A table locked (`LOCK TABLE ... ACCESS EXCLUSIVE` held by another session): 12 people
   opening the home page over and over, /healthz beside them, then the lock released.

Prints what each step saw (status codes and seconds). JOB_STALE_SECONDS is 20 here (180 in
production) so the run takes two minutes.
"""

import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psycopg
import requests

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"
DB = "thaksa_faults"
PG = os.environ.get("PGHOST", "127.0.0.1")
PORT, REDIS_PORT = 8777, 6391
BASE = f"http://127.0.0.1:{PORT}"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
STALE = 20

ENV = os.environ | {
    "DATABASE_URL": f"postgresql+psycopg://postgres@{PG}:5432/{DB}",
    "FLASK_APP": "lms:create_app",
    "LMS_ENV": "production",
    "SESSION_COOKIE_SECURE": "false",
    "SECRET_KEY": "faults-secret-key-only-for-this-local-run-0123456789",
    "RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{REDIS_PORT}/0",
    "REDIS_URL": f"redis://127.0.0.1:{REDIS_PORT}/1",
    "UPLOAD_DIR": tempfile.mkdtemp(),
    "PDF_CACHE_DIR": tempfile.mkdtemp(),
    "EXPORT_DIR": tempfile.mkdtemp(),
    "JOB_STALE_SECONDS": str(STALE),
    "GUNICORN_BIND": f"127.0.0.1:{PORT}",
    "GUNICORN_WORKERS": "2",
    "GUNICORN_THREADS": "4",
    "LOGIN_RATE_LIMIT": "1000 per minute",
    "LOGIN_ACCOUNT_RATE_LIMIT": "1000 per minute",
}
CONSUMER = [
    str(BIN / "huey_consumer"), "lms.worker.huey", "-k", "thread", "-w", "2",
    "--graceful-signal", "TERM", "--shutdown-timeout", "60",
]  # fmt: skip


def say(text: str) -> None:
    print(text, flush=True)


def start(args, log: str) -> subprocess.Popen:
    out = (Path(tempfile.gettempdir()) / f"thaksa-faults-{log}.log").open("a")
    return subprocess.Popen(args, cwd=ROOT, env=ENV, stdout=out, stderr=subprocess.STDOUT)


def redis_server() -> subprocess.Popen:
    arguments = ["redis-server", "--port", str(REDIS_PORT), "--save", "", "--appendonly", "no"]
    process = start(arguments, "redis")  # Debian's redis-server, on the PATH
    time.sleep(0.5)
    return process


def psql(sql: str) -> None:
    subprocess.run(["psql", "-h", PG, "-U", "postgres", "-q", "-c", sql], check=True)  # noqa: S607


def database():
    return psycopg.connect(f"postgresql://postgres@{PG}:5432/{DB}", autocommit=True)


def log_in(account: str) -> tuple[requests.Session, int]:
    session = requests.Session()
    token = CSRF.search(session.get(f"{BASE}/login").text).group(1)
    answer = session.post(
        f"{BASE}/login",
        data={
            "identifier": f"{account}@demo.local",
            "password": "demo-password",
            "csrf_token": token,
        },
        allow_redirects=False,
    )
    return session, answer.status_code


def timed(call):
    started = time.monotonic()
    answer = call()
    return answer, time.monotonic() - started


def healthz() -> str:
    answer, took = timed(lambda: requests.get(f"{BASE}/healthz", timeout=30))
    return f"{answer.status_code} in {took:.2f} s {answer.json()}"


def ask_for_pdf(session) -> str:
    unit = session.get(f"{BASE}/reports/", allow_redirects=False).headers["Location"]
    page = session.get(f"{BASE}{unit}/export/pdf").text
    token = CSRF.search(page).group(1)
    answer = session.post(
        f"{BASE}{unit}/export/pdf", data={"csrf_token": token}, allow_redirects=False
    )
    return answer.headers["Location"].rstrip("/").rsplit("/", 1)[-1]


def job_state(job_id: str) -> tuple[str, int, int, str | None]:
    with database() as connection:
        return connection.execute(
            "SELECT status, progress, attempts, error FROM jobs WHERE id = %s", (job_id,)
        ).fetchone()


def wait_for(job_id: str, condition, seconds: float = 120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        state = job_state(job_id)
        if condition(state):
            return state
        time.sleep(0.05)
    return job_state(job_id)


def job_page_says(session, job_id: str) -> str:
    text = session.get(f"{BASE}/reports/exports/{job_id}").text
    waiting = 'http-equiv="refresh"' in text
    percent = re.search(r"(\d+)%</progress>", text)
    if "ลองใหม่" in text and not waiting:
        return "failed, with 'try again'"
    if "ดาวน์โหลด" in text and not waiting:
        return "ready, with its download"
    return f"being made ({percent.group(1) if percent else '?'} %), refreshing"


def redis_stopped(redis) -> subprocess.Popen:
    say("\n== 1. Redis stopped")
    hr, code = log_in("hr")
    say(f"log-in with Redis up: {code}; healthz: {healthz()}")
    redis.send_signal(signal.SIGTERM)
    redis.wait()
    (_session, code), took = timed(lambda: log_in("staff"))
    say(f"Redis stopped. log-in: {code} in {took:.2f} s (302 = in)")
    say(f"healthz: {healthz()}")
    job_id, took = timed(lambda: ask_for_pdf(hr))
    say(f"report PDF asked for in {took:.2f} s: job {job_state(job_id)}")
    say(f"its page: {job_page_says(hr, job_id)}")
    redis = redis_server()
    time.sleep(1)
    say(f"Redis started again. healthz: {healthz()}; log-in: {log_in('supervisor')[1]}")
    return redis


def consumer_killed() -> subprocess.Popen:
    say(f"\n== 2. The consumer killed at 20 % (JOB_STALE_SECONDS={STALE})")
    consumer = start(CONSUMER, "consumer")
    time.sleep(3)
    hr, _ = log_in("hr")
    job_id = ask_for_pdf(hr)
    state = wait_for(job_id, lambda s: s[0] == "running" and s[1] >= 20)
    consumer.send_signal(signal.SIGKILL)
    consumer.wait()
    killed = time.monotonic()
    say(f"SIGKILL at {state[1]} %: job {job_state(job_id)}; page: {job_page_says(hr, job_id)}")
    time.sleep(STALE + 2)
    say(f"{time.monotonic() - killed:.0f} s later, no consumer: page: {job_page_says(hr, job_id)}")
    consumer = start(CONSUMER, "consumer")
    restarted = time.monotonic()
    state = wait_for(job_id, lambda s: s[0] in ("done", "failed"))
    say(
        f"consumer started again: job {state} {time.monotonic() - restarted:.1f} s later; "
        f"page: {job_page_says(hr, job_id)}"
    )

    say("-- the consumer stopped (SIGTERM, as systemctl stop) at 20 %")
    job_id = ask_for_pdf(hr)
    state = wait_for(job_id, lambda s: s[0] == "running" and s[1] >= 20)
    consumer.send_signal(signal.SIGTERM)
    _code, took = timed(lambda: consumer.wait(90))
    say(f"SIGTERM at {state[1]} %: the consumer exited after {took:.1f} s; job {job_state(job_id)}")
    return start(CONSUMER, "consumer")


def table_locked(table: str, seconds: float = 12, people: int = 12) -> None:
    say(f"\n== 3. {table} locked for {seconds:.0f} s, {people} people opening the home page")
    sessions = [log_in(a)[0] for a in ["staff", "supervisor", "hr", "executive", "admin"] * 3][
        :people
    ]
    for session in sessions:
        session.get(f"{BASE}/")
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with database() as connection, connection.transaction():
            connection.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
            held.set()
            release.wait()

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait()
    pages: list[tuple[int, float]] = []
    health: list[tuple[int, float]] = []
    stop = time.monotonic() + seconds

    def browse(session) -> None:
        while time.monotonic() < stop:
            answer, took = timed(lambda: session.get(f"{BASE}/", timeout=60))
            pages.append((answer.status_code, took))

    browsers = [threading.Thread(target=browse, args=(s,)) for s in sessions]
    for browser in browsers:
        browser.start()
    while time.monotonic() < stop:
        answer, took = timed(lambda: requests.get(f"{BASE}/healthz", timeout=60))
        health.append((answer.status_code, took))
        time.sleep(0.3)
    for browser in browsers:
        browser.join()
    release.set()
    holder.join()
    codes = sorted({c for c, _ in pages})
    waits = [t for _, t in pages]
    say(
        f"home page while locked: {len(pages)} answers, codes {codes} "
        f"({sum(c == 503 for c, _ in pages)} × 503), median {statistics.median(waits):.2f} s, "
        f"slowest {max(waits):.2f} s"
    )
    say(
        f"healthz while locked: {len(health)} answers, codes {sorted({c for c, _ in health})}, "
        f"median {statistics.median(t for _, t in health):.2f} s, "
        f"slowest {max(t for _, t in health):.2f} s"
    )
    after = [timed(lambda s=s: s.get(f"{BASE}/")) for s in sessions]
    say(
        f"lock released: home page {sorted({a.status_code for a, _ in after})}, "
        f"slowest {max(t for _, t in after):.2f} s"
    )


def main() -> None:
    psql(f"DROP DATABASE IF EXISTS {DB}")
    psql(f"CREATE DATABASE {DB}")
    for command in (["lms", "init"], ["lms", "demo"]):
        subprocess.run(
            [str(BIN / "flask"), *command], cwd=ROOT, env=ENV, check=True, capture_output=True
        )
    redis = redis_server()
    web = start([str(BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "lms:create_app()"], "web")
    consumer = None
    try:
        for _ in range(100):
            try:
                if requests.get(f"{BASE}/healthz", timeout=2).ok:
                    break
            except requests.RequestException:  # still starting
                time.sleep(0.2)
        say(
            f"== {time.strftime('%Y-%m-%d %H:%M')} on {os.cpu_count()} cores: gunicorn 2 × 4 "
            f"threads, PostgreSQL, redis-server :{REDIS_PORT}, the task queue's consumer"
        )
        redis = redis_stopped(redis)
        consumer = consumer_killed()
        table_locked("learning_activities")
        table_locked("people", seconds=6)
    finally:
        for process in (consumer, web, redis):
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGINT if process is consumer else signal.SIGTERM)
                try:
                    process.wait(30)
                except subprocess.TimeoutExpired:
                    process.kill()
        psql(f"DROP DATABASE IF EXISTS {DB}")


if __name__ == "__main__":
    sys.exit(main())
