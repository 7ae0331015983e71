"""Screenshots of the main screens in Thai and English, taken in headless Debian Chromium.

Run with `make screenshots` (it loads the demo first). Starts the app on a spare local port
against the demo database, logs in as the demo users and writes PNGs to screenshots/.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import date
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

TODAY = date.today()  # the demo lives in the current fiscal year (1 Oct - 30 Sep, BE)
YEAR = TODAY.year + 543 + (1 if TODAY.month >= 10 else 0)
SHOTS = [
    ("staff", "/", "home"),
    ("staff", "/assessment/{Y}/", "assessment-overview"),
    ("staff", "/assessment/{Y}/areas/DLIT", "assessment-area"),
    ("staff", "/assessment/{Y}/review", "assessment-review"),
    ("staff", "/people/D0009/assessments/{P}", "results"),
    ("staff", "/profile", "profile"),
    ("staff", "/plan/{Y}/", "plan"),
    ("staff", "/plan/{Y}/goals/new", "goal-form"),
    ("staff", "/learning/{Y}/", "learning-log"),
    ("staff", "/learning/{Y}/new?bucket=10", "learning-form"),
    ("staff", "/courses/", "courses"),
    ("staff", "/courses/?q=คุมครอง", "courses-search"),
    ("staff", "/courses/?track=T2", "courses-track"),
    ("supervisor", "/people/D0009", "person"),
    ("supervisor", "/plan/{Y}/", "supervisor-plan"),
    ("supervisor", "/", "supervisor-home"),
    ("supervisor", "/team", "team"),
    ("supervisor", "/inbox/", "supervisor-inbox"),
    ("supervisor", "/review/D0005/{Y}", "review-plan"),
    ("supervisor", "/people/D0009/learning/{Y}", "verify-learning"),
    ("supervisor", "/review/D0006/{P}/evaluate", "evaluation"),
    ("supervisor", "/review/D0006/{Y}/evaluate", "evaluation-before-its-period"),
    ("supervisor", "/team/evaluation/{P}", "team-evaluation"),
    ("supervisor", "/review/delegation", "delegation"),
    ("staff", "/inbox/", "staff-inbox"),
    ("staff", "/feedback/", "feedback"),
    ("hr", "/people", "people"),
    ("hr", "/", "hr-home"),
    ("hr", "/reports/units/IAO?cycle={Y}", "unit-report"),
    ("hr", "/reports/units/IAO?cycle={P}", "unit-report-last-year"),
    ("hr", "/reports/units/IAO-CR?cycle={Y}&role_group=ACAD", "unit-report-section"),
    ("executive", "/", "executive-home"),
    ("staff", "/people/D0001", "not-found"),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(port: int) -> subprocess.Popen:
    env = dict(os.environ, LMS_ENV="development", FLASK_APP="lms:create_app")
    server = subprocess.Popen(
        [sys.executable, "-m", "flask", "run", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("the app did not start")


def main() -> None:
    OUT.mkdir(exist_ok=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = serve(port)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for lang in ("th", "en"):
                take(browser, base, lang, {"width": 1280, "height": 900}, "")
            phone = {"width": 390, "height": 844}
            take(
                browser,
                base,
                "th",
                phone,
                "-phone",
                only={"home", "assessment-area", "unit-report"},
            )
            browser.close()
    finally:
        server.terminate()
    print(f"screenshots in {OUT}")


def take(browser, base, lang, viewport, suffix, only=None):
    pages = {}
    for who, path, name in SHOTS:
        if only and name not in only:
            continue
        if who not in pages:
            context = browser.new_context(viewport=viewport, locale="th-TH")
            page = context.new_page()
            page.goto(base + "/login")
            page.fill("#identifier", f"{who}@demo.local")
            page.fill("#password", "demo-password")
            page.click("button.button-large")
            toggle = page.locator(f"button[name=lang][value={lang}]")
            if toggle.count():  # the person's saved language may already be this one
                toggle.click()
            pages[who] = page
        page = pages[who]
        page.goto(base + path.format(Y=YEAR, P=YEAR - 1))
        page.screenshot(path=str(OUT / f"{lang}-{name}{suffix}.png"), full_page=True)
    for page in pages.values():
        page.context.close()


if __name__ == "__main__":
    main()
