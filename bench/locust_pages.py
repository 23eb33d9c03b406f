"""Load test of the pages officials and clerks read, on the scale province (bench/run_pages_load.sh starts it).

20 readers, each an account of its own, pause 1 s between pages (officials read): half are officials of the
province, half clerks of its first county (125 schools). Every page a reader opens is a task of equal weight, and
the login page is requested as the floor of the same run: what a page without the database costs on this machine
under the same load. A clerk does not read the city overview (not theirs: 404); "/" is measured as a reader gets
it, the redirect followed to the reader's own page (a clerk's county dashboard, an official's overview), and the
county dashboard is also measured on its own.

The readers sign in first (20 password hashes saturate both CPUs for a few seconds: signing in is not reading);
the measured window starts when the last one is in — the statistics are reset then — and lasts LOAD_DURATION
(default 60 s), after which the run stops. The sign-ins' own times are printed before the reset. Each reader
starts reading at a random moment of the first second (as the 1 s pause would spread them), not all at once.
"""

import itertools
import os
import random

import gevent
from gevent.event import Event
from locust import constant, events, task
from locust.util.timespan import parse_timespan
from locust_portal import Portal

OFFICIALS = [r for r in os.environ["LOAD_READERS"].split(",") if "official" in r]
CLERKS = [r for r in os.environ["LOAD_READERS"].split(",") if "clerk" in r]
COUNTY = os.environ["LOAD_COUNTY"]
CITY = os.environ["LOAD_CITY"]
SCHOOLS = os.environ["LOAD_SCHOOLS"].split(",")
MEASURED = parse_timespan(os.environ.get("LOAD_DURATION", "60s"))
SIGN_IN_LIMIT = 180  # seconds for every reader to be signed in before the run gives up
SIGN_IN = "sign in (POST)"
_officials = itertools.cycle(OFFICIALS)
_clerks = itertools.cycle(CLERKS)


def _server_cpu_seconds() -> float | None:
    """CPU time used so far by gunicorn (LOAD_SERVER_PID, its master) and its workers, from /proc: what the pages
    cost the server, less sensitive than the clock to what else runs on the machine."""
    master = os.environ.get("LOAD_SERVER_PID")
    if not master:
        return None
    try:
        children = open(f"/proc/{master}/task/{master}/children").read().split()
        ticks = 0
        for pid in [master, *children]:
            fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
            if pid == master:  # cutime, cstime: the workers gunicorn replaced (max_requests) and reaped
                ticks += int(fields[13]) + int(fields[14])
    except OSError:
        return None
    return ticks / os.sysconf("SC_CLK_TCK")


class _Window:
    """Counts the readers signed in; when the last one is, resets the statistics and ends the run MEASURED seconds
    later."""

    def __init__(self):
        self.signed_in = 0
        self.open = Event()
        self.cpu_at_open: float | None = None

    def reader_in(self, environment) -> None:
        self.signed_in += 1
        if self.signed_in < environment.parsed_options.num_users:
            return
        stats = environment.stats
        entry = stats.get(SIGN_IN, "POST")
        print(
            f"signed in {entry.num_requests} readers ({entry.num_failures} failed): median "
            f"{entry.get_response_time_percentile(0.5):.0f} ms, max {entry.max_response_time:.0f} ms; "
            f"measuring the next {MEASURED} s",
            flush=True,
        )
        stats.clear_all()
        self.open.set()
        self.cpu_at_open = _server_cpu_seconds()
        gevent.spawn_later(MEASURED, self.close, environment)

    def close(self, environment) -> None:
        cpu = _server_cpu_seconds()
        served = environment.stats.total.num_requests
        if cpu is not None and self.cpu_at_open is not None and served:
            print(
                f"gunicorn's CPU over the measured window: {cpu - self.cpu_at_open:.1f} s for {served} requests, "
                f"{1000 * (cpu - self.cpu_at_open) / served:.1f} ms per request (its workers; PostgreSQL apart)",
                flush=True,
            )
        environment.runner.quit()


_window = _Window()


@events.init.add_listener
def _give_up_if_stuck(environment, **_kwargs):
    def check():
        if not _window.open.is_set():
            print(f"not every reader was signed in after {SIGN_IN_LIMIT} s", flush=True)
            environment.process_exit_code = 1
            environment.runner.quit()

    gevent.spawn_later(SIGN_IN_LIMIT, check)


class Reader(Portal):
    abstract = True
    wait_time = constant(1)
    login_name = "login (floor)"
    sign_in_name = SIGN_IN
    accounts = None

    def on_start(self):
        self.sign_in(next(self.accounts))
        _window.reader_in(self.environment)
        _window.open.wait()
        # readers come to their pages independently: released together by the window, they would otherwise
        # keep asking in step, 20 requests at once every second
        gevent.sleep(random.uniform(0, 1))

    @task
    def login_floor(self):
        self.client.get("/accounts/login/", name="login (floor)")

    @task
    def overview(self):
        self.client.get("/indicators/", name="/indicators/ (overview)")

    @task
    def county_dashboard(self):
        self.client.get(f"/counties/{COUNTY}/", name="/counties/[code]/ (dashboard)")

    @task
    def county_report(self):
        self.client.get(f"/indicators/counties/{COUNTY}/", name="/indicators/counties/[code]/ (report)")

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


class Official(Reader):
    fixed_count = len(OFFICIALS)
    accounts = _officials

    @task
    def home(self):
        self.client.get("/", name="/ (home → overview, officials)")

    @task
    def city_overview(self):
        self.client.get(f"/regions/{CITY}/", name="/regions/[city]/")


class Clerk(Reader):
    fixed_count = len(CLERKS)
    accounts = _clerks

    @task
    def home(self):
        self.client.get("/", name="/ (home → county dashboard, clerks)")
