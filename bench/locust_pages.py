"""Load test of the pages officials and clerks read, on the scale province (bench/run_pages_load.sh starts it).

20 readers, each an account of its own, pause 1 s between pages (officials read): half are officials of the
province, half clerks of its first county (125 schools). Every page a reader opens is a task of equal weight,
and the login page is requested as the floor of the same run: what a page without the database costs on this
machine under the same load.
"""

import itertools
import os
import random

from locust import constant, task
from locust_portal import Portal

READERS = os.environ["LOAD_READERS"].split(",")
COUNTY = os.environ["LOAD_COUNTY"]
CITY = os.environ["LOAD_CITY"]
SCHOOLS = os.environ["LOAD_SCHOOLS"].split(",")
_readers = itertools.cycle(READERS)


class Reader(Portal):
    wait_time = constant(1)
    login_name = "login (floor)"
    sign_in_name = "sign in (POST)"

    def on_start(self):
        self.sign_in(next(_readers))

    @task
    def login_floor(self):
        self.client.get("/accounts/login/", name="login (floor)")

    @task
    def home(self):
        self.client.get("/", name="/ (home)")

    @task
    def overview(self):
        self.client.get("/indicators/", name="/indicators/ (overview)")

    @task
    def city_overview(self):
        with self.client.get(f"/regions/{CITY}/", name="/regions/[city]/", catch_response=True) as response:
            if response.status_code == 404:  # a clerk sees no city: expected
                response.success()

    @task
    def county_report(self):
        self.client.get(f"/indicators/counties/{COUNTY}/", name="/indicators/counties/[code]/")

    @task
    def school_list(self):
        self.client.get("/schools/", name="/schools/")

    @task
    def school_page(self):
        self.client.get(f"/schools/{random.choice(SCHOOLS)}/", name="/schools/[code]/")

    @task
    def teacher_list(self):
        self.client.get("/teachers/", name="/teachers/")

    @task
    def imports(self):
        self.client.get("/imports/", name="/imports/")

    @task
    def plans(self):
        self.client.get("/plans/", name="/plans/")
