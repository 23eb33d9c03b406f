"""At most 15 queries per page whatever the number of schools or regions in scope: the pages officials and
clerks read, counted for the clerk of a small and of a large county and for a province official."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from indicators.rollups import rollups_refresh
from tests.factories import (
    CountyFactory,
    RegionFactory,
    SchoolClassFactory,
    SchoolFactory,
    SchoolYearFactory,
    TeacherFactory,
    UserFactory,
)
from tests.plans.conftest import ResultStore, make_report

LIMIT = 15
PAGES = [
    "/?stay=1",  # the home page itself: without ?stay a clerk or an official is sent to a dashboard
    "/indicators/",
    "/counties/{county}/",
    "/indicators/counties/{county}/",
    "/schools/",
    "/schools/{school}/",
    "/teachers/",
    "/imports/",
    "/plans/",
]


def _county(city, code: str, schools: int, store: ResultStore):
    county = CountyFactory(code=code, name=f"县{code}", parent=city)
    for n in range(schools):
        school = SchoolFactory(code=f"{code}{n + 1:04d}", county=county, name=f"学校{code}-{n}")
        SchoolYearFactory(school=school, year=2024)
        SchoolClassFactory.create_batch(2, school=school, year=2024)
        TeacherFactory.create_batch(2, school=school, year=2024)
    store[(county.pk, 2024)] = make_report()
    return county


@pytest.fixture
def province(db):
    store = ResultStore()
    province = RegionFactory(code="980000", name="测试省", level="province", parent=None)
    cities = [
        RegionFactory(code=f"98{c:02d}00", name=f"测试{c}市", level="city", parent=province)
        for c in (1, 2, 3)
    ]
    small = _county(cities[0], "980101", 2, store)
    large = _county(cities[0], "980102", 24, store)
    for c, city in enumerate(cities[1:], start=2):
        for k in range(1, 4):
            _county(city, f"98{c:02d}{k:02d}", 1, store)
    rollups_refresh(2024)
    return {"province": province, "small": small, "large": large}


def _count(client, user, url) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


@pytest.mark.parametrize("path", PAGES)
def test_a_clerks_page_takes_the_same_few_queries_in_a_small_and_a_large_county(client, province, path):
    counts = {}
    for size in ("small", "large"):
        county = province[size]
        clerk = UserFactory(username=f"clerk-{size}", role="clerk", region=county)
        url = path.format(county=county.code, school=f"{county.code}0001")
        counts[size] = _count(client, clerk, url)
    assert counts["large"] == counts["small"], counts
    assert counts["large"] <= LIMIT, counts


@pytest.mark.parametrize("path", PAGES)
def test_a_province_officials_page_takes_at_most_15_queries(client, province, path):
    official = UserFactory(username="province-official", role="official", region=province["province"])
    url = path.format(county=province["large"].code, school=f"{province['large'].code}0001")
    assert _count(client, official, url) <= LIMIT
