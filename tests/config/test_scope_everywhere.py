"""Scope, proved over the URL resolver: every route, as each persona, with another county's ids, filters and bodies.

The routes come from Django's resolver (the DRF routers under /api/v1/ included), so a route added later is
requested here without anyone remembering to. A world of two cities is built: 临沂市 with 兰山区 (the clerk's own
county) and 罗庄区, and 济南市 with 历下区; each of 罗庄区 and 历下区 has a full set of objects (schools with
their years, classes, funding and achievement, a teacher roster, county inputs, stored results and the run that
computed them, a plan of its own with a project, an import batch). Then, for each persona and target county:

- a route whose parameters name an object (school, county, teacher, batch, run, plan, project, an API row) gets the
  target county's object and must answer exactly as it answers for an object that does not exist: 404, or
  403/405 when the role or the method is refused before any lookup. Nobody learns that the object exists;
- a route without such a parameter gets the target county's filters (`?county=`, `?school=`, `?plan=`, …) and,
  for writes, bodies naming the target county;
- no response is a 5xx; no body (zip and xlsx downloads unpacked) contains the target county's teacher names, nor
  the names of its schools, projects, plan, import file or of the county itself; no JSON row of a successful API
  answer carries one of its codes; the target county's data is unchanged afterwards.

Routes that cannot take another county's id are listed in EXEMPT with the reason; the admin site is checked on its
own (every page redirects a non-staff persona to the admin login). A failure lists every offending route, method
and persona at once.
"""

import datetime
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass, field

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RegexPattern, RoutePattern

from core.models import Region
from indicators import runs
from indicators.models import CountyResult, RecomputeRun
from plans.models import Evidence, Plan, ProgressReport, Project, Target, Task
from remedies.models import RemedyRun, Scenario
from schools.models import (
    Achievement,
    CountyYear,
    Declaration,
    Funding,
    Monitoring,
    School,
    SchoolClass,
    SchoolYear,
)
from teachers.models import Teacher
from tests.factories import AchievementFactory, CountyYearFactory, FundingFactory, RegionFactory, UserFactory
from tests.indicators.scenes import small_county
from tests.workbook.workbook_files import basic_sheets, school_row, teacher_row, write_xlsx
from workbook import batches
from workbook.models import ImportBatch

pytestmark = pytest.mark.django_db

# Every name of the target counties' objects carries this rare character (U+4DB5), so a hit in a response body
# cannot be a coincidence with any label of the portal.
MARK = "䶵"
YEAR = 2024

# Routes that cannot take another county's id, filter or body, and why. A stale entry fails the test.
EXEMPT = {
    "i18n/setlang/": "switches the interface language; takes no county data",
    "accounts/login/": "signs the caller in; takes a username and password, no county data",
    "accounts/logout/": "signs the caller out",
    "accounts/password_change/": "changes the caller's own password",
    "accounts/password_change/done/": "a static confirmation page",
    "api/v1/auth/token/": "exchanges the caller's own username and password for a token",
    "regions/<code>/": "a city's or province's overview, never a county's (a county code answers 404); "
    "another city's official and a county clerk get 404: tests/dashboards/test_overview.py",
}
# Routes whose answer depends on no query and no body: requested once, a plain GET (they are slow to build).
SAME_FOR_EVERY_QUERY = {
    "imports/template.xlsx": "the empty standard template, the same file for everyone",
    "api/v1/schema/": "the OpenAPI description of the routes: no county data in it",
}
ADMIN_PREFIX = "admin/"
ADMIN_OPEN = {"admin/login/", "admin/logout/"}  # the admin's own sign-in pages answer everyone

# The literal segment before a parameter names what the parameter is (schools/<code>/ is a school's code). A route
# whose noun is missing here fails the test until it is added: that is how a new route gets its ids.
NOUNS = {
    "schools": ("school", "code"),
    "counties": ("county", "code"),
    "teachers": ("teacher", "pk"),
    "imports": ("batch", "pk"),
    "runs": ("run", "pk"),
    "plans": ("plan", "pk"),
    "projects": ("project", "pk"),
    "plan-projects": ("project", "pk"),
    "plan-targets": ("target", "pk"),
    "evidence": ("evidence", "pk"),
    "scenarios": ("scenario", "pk"),
    "remedies": ("remedy", "pk"),
}
# Parameters that are not objects of a county: filled with a real value, the route is then checked like a route
# without parameters (no 5xx, no leak).
PLAIN = {"year": str(YEAR), "figure": "quality_2017.primary.Q1.cv"}
GLOBAL = {
    ("rules", "code"): ("quality_2017", "rule sets are national: the same for every county"),
    ("validation-rules", "code"): ("large_class", "validation rules are national: the same for every county"),
}
# DRF viewsets: the model of the viewset names the object.
KIND_OF_MODEL = {
    School: "school",
    Region: "county",
    Teacher: "teacher",
    SchoolYear: "school_year",
    SchoolClass: "school_class",
    Funding: "funding",
    Achievement: "achievement",
    CountyYear: "county_year",
    Monitoring: "monitoring",
    Declaration: "declaration",
    Plan: "plan",
    Project: "project",
    Target: "target",
    ImportBatch: "batch",
    RecomputeRun: "run",
}
MISSING = {"pk": "2000000000", "code": {"school": "3799999999", "county": "379999"}}
OBJECT_STATUSES = {403, 404, 405}


# --------------------------------------------------------------------------------------------- the routes


@dataclass(frozen=True)
class Route:
    pattern: str  # e.g. "api/v1/schools/<code>/"
    name: str  # namespaced URL name, "" if none
    params: tuple[str, ...]
    callback: object = field(compare=False)

    @property
    def label(self) -> str:
        return f"{self.pattern} ({self.name})" if self.name else self.pattern

    @property
    def viewset(self):
        """The DRF viewset class of a router route, else None."""
        return getattr(self.callback, "cls", None) if getattr(self.callback, "actions", None) else None

    def methods(self) -> list[str]:
        if self.viewset is not None:
            return [m.upper() for m in self.callback.actions if m not in ("head", "options")]
        cls = getattr(self.callback, "cls", None)  # @api_view and APIView
        if cls is not None and hasattr(cls, "http_method_names"):
            return [
                m.upper() for m in cls.http_method_names if m not in ("head", "options") and hasattr(cls, m)
            ]
        return ["GET", "POST"]


def _readable(pattern) -> str:
    text = str(pattern)
    if isinstance(pattern, RegexPattern):
        text = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", text).lstrip("^").rstrip("$").replace("\\.", ".")
    return re.sub(r"<\w+:(\w+)>", r"<\1>", text)


def _param_names(pattern) -> tuple[str, ...]:
    if isinstance(pattern, RoutePattern):
        return tuple(pattern.converters)
    return tuple(pattern.regex.groupindex)


def all_routes(patterns=None, prefix="", namespace="", params=()) -> list[Route]:
    found = []
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        here = prefix + _readable(entry.pattern)
        names = params + _param_names(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found += all_routes(entry.url_patterns, here, inner, names)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else ""
            found.append(Route(here, name, names, entry.callback))
    return found


# --------------------------------------------------------------------------------------------- the world


@dataclass
class Side:
    """One county and a full set of its objects (kind → object)."""

    label: str
    county: Region
    clerk: object
    objects: dict[str, Model]
    names: list[str]  # strings that may only appear in a response that shows this county's data
    codes: set[str]  # school and county codes, teacher numbers: a JSON row carrying one is this county's row

    def value(self, kind: str, attribute: str) -> str:
        return str(getattr(self.objects[kind], attribute))


def build_side(county: Region, prefix: str, tag: str) -> Side:
    clerk = UserFactory(username=f"clerk-{county.code}", role="clerk", region=county)
    first, second = small_county(county, prefix, year=YEAR)
    School.objects.filter(pk=first.pk).update(name=f"{tag}第一小学")
    School.objects.filter(pk=second.pk).update(name=f"{tag}第二小学")
    Teacher.objects.filter(school__county=county).update(name=f"{tag}老师")
    SchoolClass.objects.filter(school__county=county).update(name=f"{tag}一年级1班")
    funding = FundingFactory(school=first, year=YEAR, public_funds=480000, public_budget=500000)
    achievement = AchievementFactory(school=first, year=YEAR, subject=f"{tag}数学")
    county_year = CountyYearFactory(county=county, year=YEAR)
    monitoring = Monitoring.objects.create(
        county=county, year=YEAR, stage="primary", subject=f"{tag}语文", level=2, difference_rate="0.12"
    )
    declaration = Declaration.objects.create(county=county, year=YEAR, item_code="G1", met=True, note=tag)
    plan = Plan.objects.create(
        slug=f"plan-{county.code}",
        title=f"{tag}县域均衡推进方案",
        region_code=county.code,
        region_name=county.name,
        year=YEAR,
    )
    task = Task.objects.create(plan=plan, number=1, title=f"{tag}改薄")
    target = Target.objects.create(
        plan=plan,
        task=task,
        description=f"{tag}差异系数达标",
        indicator_code="quality_2017.pass",
        comparator="gte",
        value=1,
        region_code=county.code,
        region_name=county.name,
    )
    project = Project.objects.create(
        plan=plan, task=task, title=f"{tag}校舍改造", county=county, school=first, budget=100
    )
    report = ProgressReport.objects.create(
        project=project, date=datetime.date(YEAR, 11, 1), text=f"{tag}进展", status="in_progress", progress=10
    )
    evidence = Evidence(report=report, original_name=f"{tag}验收.pdf", kind="pdf", size=9)
    evidence.file.save("evidence.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    run = runs.recompute_many([county.pk], YEAR, trigger="user", user=clerk)
    assert CountyResult.objects.filter(county=county).exists(), "the world needs stored results to leak"
    batch = _rejected_batch(clerk, first.code, county.code, f"{tag}数据.xlsx")
    teachers = list(Teacher.objects.filter(school__county=county).order_by("pk"))
    scenario = Scenario.objects.create(
        county=county,
        year=YEAR,
        name=f"{tag}模拟方案",
        created_by=clerk,
        changes=[{"kind": "add_teaching_area", "school": first.code, "area": 100.0}],
    )
    transfer = {
        "teacher_id": teachers[0].teacher_id,
        "from_school": first.code,
        "to_school": second.code,
        "stage": "primary",
        "subject": "语文",
        "degree": "bachelor",
        "backbone": False,
        "distance": None,
        "why": "x",
    }
    remedy = RemedyRun.objects.create(
        kind="rotation",
        county=county,
        year=YEAR,
        requested_by=clerk,
        status="done",
        progress=1.0,
        result={"verified": True, "moves": 1, "transfers": [transfer], "changes": []},
    )
    objects = {
        "county": county,
        "school": first,
        "school_year": SchoolYear.objects.get(school=first, year=YEAR),
        "school_class": SchoolClass.objects.filter(school=first).first(),
        "funding": funding,
        "achievement": achievement,
        "county_year": county_year,
        "monitoring": monitoring,
        "declaration": declaration,
        "teacher": teachers[0],
        "plan": plan,
        "project": project,
        "target": target,
        "evidence": evidence,
        "batch": batch,
        "run": run,
        "scenario": scenario,
        "remedy": remedy,
    }
    names = [county.name, f"{tag}第一小学", f"{tag}第二小学", f"{tag}老师", plan.title, project.title]
    names += [scenario.name]
    names += [f"{tag}数据"]  # the import file's name
    codes = {county.code, first.code, second.code, *(t.teacher_id for t in teachers)}
    return Side(f"{county.name}({county.code})", county, clerk, objects, names, codes)


def _rejected_batch(clerk, school_code, county_code, file_name) -> ImportBatch:
    """An import of this county's clerk through the web flow's services, rejected so it has an error report."""
    sheets = basic_sheets(
        schools=[school_row(school_code, county_code)],
        teachers=[teacher_row("T9000001", school_code, 最高学历="博士后")],
    )
    buffer = io.BytesIO()
    write_xlsx(buffer, sheets)
    batch = batches.batch_create(user=clerk, uploaded=SimpleUploadedFile(file_name, buffer.getvalue()))
    batch = batches.batch_validate(batch.pk)
    assert batch.status == ImportBatch.Status.REJECTED and batch.error_report, batch.message
    return batch


@dataclass
class World:
    own: Region
    clerk: object
    official: object
    admin: object
    sides: dict[str, Side]


@pytest.fixture
def world(settings) -> World:
    # The probe sends hundreds of API calls in a few seconds; API throttles (if configured) must not turn the
    # answers into 429s.
    rest = dict(settings.REST_FRAMEWORK)
    if rest.get("DEFAULT_THROTTLE_RATES"):
        rest["DEFAULT_THROTTLE_RATES"] = {scope: "100000/min" for scope in rest["DEFAULT_THROTTLE_RATES"]}
        settings.REST_FRAMEWORK = rest
    province = RegionFactory(code="370000", name="山东省", level="province")
    linyi = RegionFactory(code="371300", name="临沂市", level="city", parent=province)
    jinan = RegionFactory(code="370100", name="济南市", level="city", parent=province)
    own = RegionFactory(code="371302", name="兰山区", level="county", parent=linyi)
    small_county(own, "37130200", year=YEAR)
    runs.recompute_many([own.pk], YEAR, trigger="user")
    neighbour = RegionFactory(code="371311", name=f"{MARK}罗庄区", level="county", parent=linyi)
    far = RegionFactory(code="370102", name=f"{MARK}历下区", level="county", parent=jinan)
    return World(
        own=own,
        clerk=UserFactory(username="clerk", role="clerk", region=own),
        official=UserFactory(username="official", role="official", region=linyi),
        admin=UserFactory(username="admin", role="admin", is_staff=True, is_superuser=True),
        sides={
            "neighbour": build_side(neighbour, "37131100", f"{MARK}罗庄"),
            "far": build_side(far, "37010200", f"{MARK}历下"),
        },
    )


def digest(side: Side) -> str:
    """Every row of the county's data, its results, plans and runs: equal before and after means nothing written."""
    county = side.county
    parts = [
        Region.objects.filter(pk=county.pk),
        School.objects.filter(county=county),
        SchoolYear.objects.filter(school__county=county),
        SchoolClass.objects.filter(school__county=county),
        Funding.objects.filter(school__county=county),
        Achievement.objects.filter(school__county=county),
        Teacher.objects.filter(school__county=county),
        CountyYear.objects.filter(county=county),
        Monitoring.objects.filter(county=county),
        Declaration.objects.filter(county=county),
        CountyResult.objects.filter(county=county),
        Plan.objects.filter(region_code=county.code),
        Project.objects.filter(county=county),
        Project.objects.filter(school__county=county),
        ImportBatch.objects.filter(counties=county),
        Scenario.objects.filter(county=county),
        RemedyRun.objects.filter(county=county),
    ]
    text = repr([list(q.order_by("pk").values()) for q in parts])
    touching = [r.pk for r in RecomputeRun.objects.order_by("pk") if str(county.pk) in (r.counties or {})]
    text += repr(touching)
    return hashlib.sha256(text.encode()).hexdigest()


# --------------------------------------------------------------------------------------------- filling routes


class Unfillable(Exception):
    pass


def fill(route: Route, side: Side | None) -> tuple[dict[str, str], bool]:
    """Parameter values naming the side's objects (side None: objects that do not exist), and whether any
    parameter names a county's object."""
    values, scoped = {}, False
    segments = route.pattern.split("/")
    viewset = route.viewset
    for name in route.params:
        if name in PLAIN:
            values[name] = PLAIN[name]
            continue
        index = next(i for i, s in enumerate(segments) if s == f"<{name}>")
        noun = segments[index - 1] if index else ""
        if (noun, name) in GLOBAL:
            values[name] = GLOBAL[(noun, name)][0]
            continue
        if viewset is not None and name == (viewset.lookup_url_kwarg or viewset.lookup_field):
            model = _model_of(viewset)
            if model not in KIND_OF_MODEL:
                raise Unfillable(f"viewset of {model!r}: add the model to KIND_OF_MODEL and the world")
            kind, attribute = KIND_OF_MODEL[model], viewset.lookup_field
        elif noun in NOUNS:
            kind, attribute = NOUNS[noun]
        else:
            raise Unfillable(
                f"parameter <{name}> after '{noun}/': add the noun to NOUNS (or the route to EXEMPT)"
            )
        scoped = True
        if side is None:
            missing = MISSING["pk"] if attribute == "pk" else MISSING["code"].get(kind)
            if missing is None:
                raise Unfillable(f"no {attribute} of a missing {kind}: add one to MISSING")
            values[name] = missing
        else:
            values[name] = side.value(kind, attribute)
    return values, scoped


def _model_of(viewset):
    queryset = getattr(viewset, "queryset", None)
    if queryset is not None:
        return queryset.model
    return viewset.serializer_class.Meta.model


def url_of(route: Route, values: dict[str, str]) -> str:
    url = "/" + route.pattern
    for name, value in values.items():
        url = url.replace(f"<{name}>", value)
    return url


# --------------------------------------------------------------------------------------------- requests


def filters(side: Side) -> list[dict[str, str]]:
    county, school = side.objects["county"], side.objects["school"]
    return [
        {},
        {"county": county.code},
        {"county": str(county.pk)},
        {"school": school.code},
        # parameters of different routes (plan pages, the regions API, audit lists), so one query carries all
        {
            "plan": str(side.objects["plan"].pk),
            "parent": county.parent.code,
            "batch": str(side.objects["batch"].pk),
            "user": side.clerk.username,
        },
        {"county": county.code, "year": str(YEAR), "indicator": "quality_2017.pass", "school": school.code},
        {"county": str(county.pk), "year": str(YEAR), "format": "xlsx"},
    ]


def html_body(route: Route, side: Side) -> dict:
    """A plausible form body naming the side's county, per page; the union of the usual fields otherwise."""
    county, school, plan = side.objects["county"], side.objects["school"], side.objects["plan"]
    body = {
        "county": county.pk,
        "school": school.code,
        "plan": plan.pk,
        "year": YEAR,
        "code": f"{county.code}9999",
        "name": f"{MARK}新名称",
        "title": f"{MARK}新项目",
        "kind": "primary",
        "urban_rural_code": "111",
        "ownership": "public",
        "teacher_id": "T8888888",
        "stage": "primary",
        "degree": "bachelor",
        "subject": "语文",
        "status": "not_started",
        "reason": "x",
    }
    if route.name == "plans:project_create" or route.name == "plans:plan_project_create":
        body["school"] = school.pk
    if route.name == "imports:upload":
        sheets = basic_sheets(
            schools=[school_row(school.code, county.code)], teachers=[teacher_row("T1", school.code)]
        )
        buffer = io.BytesIO()
        write_xlsx(buffer, sheets)
        body = {"file": SimpleUploadedFile("x.xlsx", buffer.getvalue())}
    return body


def api_body(admin: Client, route: Route, side: Side) -> dict:
    """The side's object as the API itself shows it (read as the administrator), renamed where it has a name."""
    viewset = route.viewset
    kind = KIND_OF_MODEL.get(_model_of(viewset)) if viewset is not None else None
    detail = next(
        (r for r in ROUTES if r.viewset is viewset and r.params and r.name.endswith("-detail")), None
    )
    if kind is None or detail is None or kind not in side.objects:
        return {}
    values, _ = fill(detail, side)
    response = admin.get(url_of(detail, values))
    if response.status_code != 200:
        return {}
    body = {k: v for k, v in response.json().items() if k != "id"}
    if "name" in body:
        body["name"] = f"{MARK}改名"
    if kind == "school":
        body["code"] = f"{side.county.code}8888"
    return body


def body_text(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content[:2] == b"PK":  # xlsx and zip downloads: read what is inside
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                content = b"".join(archive.read(n) for n in archive.namelist())
        except zipfile.BadZipFile:
            pass
    return content.decode("utf-8", errors="replace")


def json_codes(value, codes: set[str]) -> set[str]:
    """Codes of the side found as whole values in a JSON answer (echoes inside messages do not count)."""
    if isinstance(value, dict):
        return set().union(*(json_codes(v, codes) for k, v in value.items() if k not in ("next", "previous")))
    if isinstance(value, list):
        return set().union(*(json_codes(v, codes) for v in value))
    return {value} if isinstance(value, str) and value in codes else set()


def send(client: Client, method: str, url: str, *, query=None, body=None, api=False):
    if method == "GET":
        return client.get(url, query or {})
    if api:
        return client.generic(method, url, data=_json(body), content_type="application/json")
    if method == "POST":
        return client.post(url, body or {})
    return client.generic(method, url)


def _json(body) -> str:
    import json

    return json.dumps(body or {}, default=str)


def leaks(response, side: Side) -> list[str]:
    problems = []
    if response.status_code >= 500:
        exc = getattr(response, "exc_info", None)
        problems.append(
            f"answered {response.status_code}" + (f" ({exc[0].__name__}: {exc[1]})" if exc else "")
        )
        return problems
    text = body_text(response)
    shown = [name for name in side.names if name in text]
    if shown:
        problems.append(f"shows {', '.join(shown)}")
    if 200 <= response.status_code < 300 and "json" in response.get("Content-Type", ""):
        try:
            data = response.json()
        except ValueError:
            data = None
        found = json_codes(data, side.codes)
        if found:
            problems.append(f"returns rows of {', '.join(sorted(found))}")
    return problems


ROUTES = all_routes()


# --------------------------------------------------------------------------------------------- the probe


def probe(world: World, user, side: Side) -> list[str]:
    """Request every route as `user` with `side`'s ids, filters and bodies; the list of what went wrong."""
    client = Client(raise_request_exception=False)
    client.force_login(user)
    admin = Client()
    admin.force_login(world.admin)
    failures = []
    for route in ROUTES:
        if route.pattern in EXEMPT or route.pattern.startswith(ADMIN_PREFIX):
            continue
        try:
            values, scoped = fill(route, side)
            missing, _ = fill(route, None)
        except Unfillable as problem:
            failures.append(f"{route.label}: cannot be filled: {problem}")
            continue
        url, missing_url = url_of(route, values), url_of(route, missing)
        if resolve(url).func is not route.callback:
            failures.append(f"{route.label}: {url} resolves to another view; the probe would miss it")
            continue
        api = getattr(route.callback, "cls", None) is not None
        for method in route.methods():
            if method == "GET":
                make_body = lambda: None  # noqa: E731
            elif api:
                payload = api_body(admin, route, side)
                make_body = lambda payload=payload: dict(payload)  # noqa: E731
            else:
                make_body = lambda route=route: html_body(route, side)  # noqa: E731
            if method != "GET" and route.pattern in SAME_FOR_EVERY_QUERY:
                continue
            plain = scoped or method != "GET" or route.pattern in SAME_FOR_EVERY_QUERY
            for query in [{}] if plain else filters(side):
                where = f"{method} {url}" + (
                    "?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else ""
                )
                response = send(client, method, url, query=query, body=make_body(), api=api)
                failures += [f"{where} [{route.label}]: {problem}" for problem in leaks(response, side)]
                if not scoped:
                    continue
                baseline = send(client, method, missing_url, query=query, body=make_body(), api=api)
                status = response.status_code
                if status not in OBJECT_STATUSES or status != baseline.status_code:
                    failures.append(
                        f"{where} [{route.label}]: answered {status} where a missing object answers "
                        f"{baseline.status_code}; another county's object must be indistinguishable from a "
                        f"missing one (404, or 403/405 refused before any lookup)"
                    )
    return failures


# The clerk probes the county next door (same city: a scope widened to the city shows here), the official a county
# of another city.
PERSONAS = [("clerk of 兰山区", "clerk", "neighbour"), ("official of 临沂市", "official", "far")]


@pytest.mark.parametrize(
    ("persona", "user", "target"),
    PERSONAS,
    ids=["clerk-vs-same-city-county", "official-vs-other-city-county"],
)
def test_no_route_shows_or_changes_another_countys_data(world, persona, user, target):
    side = world.sides[target]
    before = digest(side)
    failures = probe(world, getattr(world, user), side)
    if digest(side) != before:
        failures.append(f"{side.label}'s data changed during the probe")
    assert not failures, f"{persona}, with the ids of {side.label}:\n" + "\n".join(failures)


def test_the_ids_the_probe_uses_are_real(world):
    """Control: the administrator, who sees every county, finds every object the probe names (else its 404s
    would prove nothing)."""
    admin = Client(raise_request_exception=False)
    admin.force_login(world.admin)
    side = world.sides["far"]
    failures = []
    for route in ROUTES:
        if route.pattern in EXEMPT or route.pattern.startswith(ADMIN_PREFIX):
            continue
        values, scoped = fill(route, side)
        if not scoped:
            continue
        response = admin.get(url_of(route, values))
        if response.status_code == 404 or response.status_code >= 500:
            failures.append(f"GET {url_of(route, values)} [{route.label}]: {response.status_code}")
    assert not failures, "\n".join(failures)


def test_every_admin_page_redirects_non_staff_to_the_admin_login(world):
    """The admin site is staff only (administrators, who see every county): a clerk or official is sent to the
    admin's login page from every admin URL, whatever id it names."""
    failures = []
    side = world.sides["far"]
    for user in (world.clerk, world.official):
        client = Client(raise_request_exception=False)
        client.force_login(user)
        for route in ROUTES:
            if not route.pattern.startswith(ADMIN_PREFIX) or route.pattern in ADMIN_OPEN:
                continue
            values = {name: _admin_value(route, name, side) for name in route.params}
            url = url_of(route, values)
            response = client.get(url)
            if response.status_code != 302 or not response["Location"].startswith("/admin/login/"):
                failures.append(f"{user.username}: GET {url} [{route.label}] answered {response.status_code}")
    assert not failures, "\n".join(failures)


def _admin_value(route: Route, name: str, side: Side) -> str:
    if name == "app_label":
        return "schools"
    if name == "url":
        return "nothing/here/"
    return str(side.objects["school"].pk)


def test_every_route_is_probed_or_exempt_with_a_reason():
    patterns = {r.pattern for r in ROUTES}
    stale = sorted((set(EXEMPT) | set(SAME_FOR_EVERY_QUERY)) - patterns)
    assert not stale, f"EXEMPT or SAME_FOR_EVERY_QUERY name routes that no longer exist: {stale}"
    assert all(EXEMPT.values()) and all(SAME_FOR_EVERY_QUERY.values()), "every exemption needs its reason"
    unfillable = []
    for route in ROUTES:
        if route.pattern in EXEMPT or route.pattern.startswith(ADMIN_PREFIX):
            continue
        try:
            fill(route, None)
        except Unfillable as problem:
            unfillable.append(f"{route.label}: {problem}")
    assert not unfillable, "\n".join(unfillable)
    # the probe reaches the API routers too
    assert any(r.pattern.startswith("api/v1/") and r.viewset is not None for r in ROUTES)
