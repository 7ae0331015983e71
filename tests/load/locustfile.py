"""`make loadtest`: people using the everyday pages at once (locust, headless, local only).

Each simulated person logs in once with a demo account, then opens the home page most often,
and the self-assessment, the plan, the learning log and the IDP PDF now and then, with a short
pause between clicks as a person would.
"""

import itertools
import re

from locust import HttpUser, between, task

ACCOUNTS = itertools.cycle(["staff", "supervisor", "hr", "executive", "admin"])
PASSWORD = "demo-password"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class Person(HttpUser):
    wait_time = between(0.1, 0.3)

    def on_start(self):
        page = self.client.get("/login", name="/login").text
        token = CSRF.search(page).group(1)
        self.client.post(
            "/login",
            data={
                "identifier": f"{next(ACCOUNTS)}@demo.local",
                "password": PASSWORD,
                "csrf_token": token,
            },
            name="/login (POST)",
        )
        where = self.client.get("/learning/", allow_redirects=False, name="/learning/ (year)")
        self.year = re.search(r"/learning/(\d+)/", where.headers.get("Location", "")).group(1)
        with self.client.get(
            f"/plan/{self.year}/plan.pdf", name="IDP PDF", catch_response=True
        ) as first:
            self.has_plan = first.status_code == 200
            first.success()  # someone without a plan yet simply has no PDF to print

    @task(6)
    def home(self):
        self.client.get("/", name="home")

    @task(2)
    def assessment(self):
        self.client.get(f"/assessment/{self.year}/", name="self-assessment")

    @task(2)
    def plan(self):
        self.client.get(f"/plan/{self.year}/", name="plan")

    @task(2)
    def learning(self):
        self.client.get(f"/learning/{self.year}/", name="learning log")

    @task(1)
    def pdf(self):
        if self.has_plan:
            self.client.get(f"/plan/{self.year}/plan.pdf", name="IDP PDF")
