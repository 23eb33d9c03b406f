"""Load test: 20 people reading dashboards and 2 importing a small workbook, against the production processes.

Run it with bench/run_load.sh (it starts gunicorn + PostgreSQL + Redis + one Celery worker with the demo city and
creates the accounts this file signs in with); docs/reliability.md has the results. Alone:

    locust -f bench/locustfile.py --headless --host http://127.0.0.1:8000 -u 22 -r 11 -t 60s   # on `make run`

Readers (20, each with an account of its own, as 20 people would be: API throttles count per account) sign in
through the login form and, with a 1 s pause between pages, open the home page, the officials' dashboard, a
county's report, a school list, a teacher list and the API lists. Importers (2, the clerks of two counties) upload a
one-sheet CSV that changes the book counts of a few of their schools, confirm it, and check that the batch page
says 已完成 — so every import writes and asks for a recompute, which the worker runs while the readers read.

Any answer other than the expected one (a 4xx/5xx, a login that does not sign in, an import that is not done) is a
failure, and locust exits non-zero when there is one.
"""

import itertools
import os
import random
import re

from locust import between, constant, task
from locust_portal import Portal

READERS = os.environ.get("LOAD_READERS", "demo-official,demo-clerk,demo-clerk2,demo-admin").split(",")
IMPORTERS = os.environ.get("LOAD_IMPORTERS", "demo-clerk,demo-clerk2").split(",")
STATUS = re.compile(r'data-status="(\w+)"')

_readers = itertools.cycle(READERS)
_importers = itertools.cycle(IMPORTERS)


class Reader(Portal):
    fixed_count = 20
    wait_time = constant(1)

    def on_start(self):
        self.username = next(_readers)
        self.sign_in(self.username)
        # Codes to visit: the counties and some schools this account may see.
        counties = self.client.get("/api/v1/regions/?level=county", name="/api/v1/regions/").json()
        self.counties = [c["code"] for c in counties.get("results", [])]
        schools = self.client.get("/api/v1/schools/?page_size=50", name="/api/v1/schools/").json()
        self.schools = [s["code"] for s in schools.get("results", [])]

    @task(3)
    def home(self):
        self.client.get("/", name="/ (home)")

    @task(3)
    def dashboard(self):
        self.client.get("/indicators/", name="/indicators/ (dashboard)")

    @task(3)
    def county_report(self):
        if self.counties:
            self.client.get(
                f"/indicators/counties/{random.choice(self.counties)}/", name="/indicators/counties/[code]/"
            )

    @task(2)
    def school_list(self):
        self.client.get("/schools/", name="/schools/")

    @task(1)
    def school_page(self):
        if self.schools:
            self.client.get(f"/schools/{random.choice(self.schools)}/", name="/schools/[code]/")

    @task(2)
    def teacher_list(self):
        self.client.get("/teachers/", name="/teachers/")

    @task(1)
    def api_schools(self):
        self.client.get("/api/v1/schools/", name="/api/v1/schools/")

    @task(1)
    def api_teachers(self):
        self.client.get("/api/v1/teachers/", name="/api/v1/teachers/")

    @task(1)
    def api_school_years(self):
        self.client.get("/api/v1/school-years/", name="/api/v1/school-years/")


class Importer(Portal):
    fixed_count = 2
    wait_time = between(1, 2)

    def on_start(self):
        self.username = next(_importers)
        self.sign_in(self.username)
        rows = self.client.get("/api/v1/school-years/?page_size=5", name="/api/v1/school-years/").json()
        self.rows = [(r["year"], r["school_code"], r.get("books") or 0) for r in rows.get("results", [])]

    def workbook(self) -> bytes:
        """学校学年数据.csv: the same schools and years, new book counts (so the import writes)."""
        lines = ["学年,学校标识码,图书册数"]
        for year, code, books in self.rows:
            lines.append(f"{year},{code},{books + random.randint(1, 500)}")
        return ("\n".join(lines) + "\n").encode("utf-8-sig")

    @task
    def import_workbook(self):
        if not self.rows:
            return
        self.client.get("/imports/new/", name="/imports/new/")
        with self.client.post(
            "/imports/new/",
            data={"csrfmiddlewaretoken": self.csrf()},
            files={"file": ("学校学年数据.csv", self.workbook(), "text/csv")},
            headers={"Referer": f"{self.host}/imports/new/"},
            name="/imports/new/ (upload + validate)",
            catch_response=True,
        ) as response:
            status = STATUS.search(response.text)
            if status is None or status.group(1) != "preview":
                response.failure(
                    f"upload not ready to confirm: {status.group(1) if status else response.status_code}"
                )
                return
            batch = re.search(r"/imports/(\d+)/", response.url).group(1)
        with self.client.post(
            f"/imports/{batch}/confirm/",
            data={"csrfmiddlewaretoken": self.csrf()},
            headers={"Referer": f"{self.host}/imports/{batch}/"},
            name="/imports/[id]/confirm/ (import)",
            catch_response=True,
        ) as response:
            status = STATUS.search(response.text)
            if status is None or status.group(1) != "done":
                response.failure(f"import not done: {status.group(1) if status else response.status_code}")
