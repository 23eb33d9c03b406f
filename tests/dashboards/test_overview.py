"""City and province overviews (/indicators/ for one's own region, /regions/{code}/ for a city or province seen):
counties ranked by verdict and by worst CV, a ranked chart per indicator, the share passing against the plans'
targets, the indicators failing most often — for each persona, with the outsider answering 404."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import caching
from indicators.rollups import rollups_refresh
from tests.factories import CountyFactory, RegionFactory, UserFactory
from tests.plans.conftest import make_report

PASSING = {"resource": "pass", "government": "pass", "quality": "pass", "recognition": "pass"}


def _get(client, user, url):
    client.force_login(user)
    return client.get(url)


def _page(client, user, url=None):
    response = _get(client, user, url or reverse("dashboards:dashboard"))
    assert response.status_code == 200
    return response.content.decode()


def _chart(page: str, chart_id: str) -> dict:
    found = re.search(rf'<script id="{chart_id}" type="application/json">(.*?)</script>', page, re.S)
    assert found, f"no chart {chart_id}"
    return json.loads(found.group(1))


@pytest.fixture
def stored_results(db):
    from tests.plans.conftest import ResultStore

    return ResultStore()


@pytest.fixture
def two_counties(county, other_county, stored_results):
    """兰山区 fails (Q4 primary CV 0.62 > 0.5, resource and government fail); 罗庄区 passes everything."""
    stored_results[(county.pk, 2024)] = make_report()
    passing = make_report(quality_2017__verdict=PASSING)
    passing["quality_2017"]["primary"]["indicators"]["Q4"].update(cv=0.41, cv_pass=True)
    stored_results[(other_county.pk, 2024)] = passing
    rollups_refresh(2024)
    return county, other_county


def test_official_sees_counties_ranked_by_verdict_with_links_to_their_dashboards(
    client, official, two_counties
):
    page = _page(client, official)
    ranking = page[page.index('id="ranking"') :]
    assert ranking.index("罗庄区") < ranking.index("兰山区")  # the passing county first
    assert 'href="/counties/371311/"' in page and 'href="/counties/371302/"' in page


def test_worst_cv_chart_ranks_the_lower_cv_first_against_the_limit(client, official, two_counties):
    data = _chart(_page(client, official), "chart-worst-cv-primary")
    assert [(r["label"], r["display"], r["pass"]) for r in data["rows"]] == [
        ("罗庄区", "0.410", True),
        ("兰山区", "0.620", False),
    ]
    assert data["threshold"]["value"] == 0.5


def test_indicator_chart_defaults_to_the_indicator_failing_most_and_others_can_be_picked(
    client, official, two_counties
):
    page = _page(client, official)
    data = _chart(page, "chart-indicator-primary-Q4")
    assert [r["label"] for r in data["rows"]] == ["罗庄区", "兰山区"]
    assert "?year=2024&amp;indicator=primary-Q1#indicators" in page
    q1 = _chart(
        _page(client, official, reverse("dashboards:dashboard") + "?indicator=primary-Q1"),
        "chart-indicator-primary-Q1",
    )
    assert [r["display"] for r in q1["rows"]] == ["0.310", "0.310"]


def test_a_recompute_changes_what_the_overview_shows_and_each_language_reads_its_own_words(
    client, official, two_counties, stored_results
):
    county, _other = two_counties
    _page(client, official)  # the figures are built and kept in the cache
    recomputed = make_report(quality_2017__verdict=PASSING)
    recomputed["quality_2017"]["primary"]["indicators"]["Q4"].update(cv=0.38, cv_pass=True)
    stored_results[(county.pk, 2024)] = recomputed  # what a recompute stores: a new computed_at
    data = _chart(_page(client, official), "chart-worst-cv-primary")
    assert [(r["label"], r["display"], r["pass"]) for r in data["rows"]] == [
        ("兰山区", "0.380", True),
        ("罗庄区", "0.410", True),
    ]
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get(reverse("dashboards:dashboard")).content.decode()
    assert _chart(english, "chart-most-failing")["title"] == "What fails most often"


def test_the_overview_answers_when_the_cache_cannot_be_reached(client, official, two_counties, monkeypatch):
    def unreachable(*args, **kwargs):
        raise ConnectionError("Redis down")

    monkeypatch.setattr(caching.cache, "get", unreachable)
    monkeypatch.setattr(caching.cache, "set", unreachable)
    data = _chart(_page(client, official), "chart-worst-cv-primary")
    assert [r["label"] for r in data["rows"]] == ["罗庄区", "兰山区"]


def test_most_failing_counts_the_counties_failing_each_item(client, official, two_counties):
    data = _chart(_page(client, official), "chart-most-failing")
    counts = {r["label"]: r["value"] for r in data["rows"]}
    assert counts["资源配置未达标"] == 1
    assert counts["政府保障程度未达标"] == 1
    assert counts["小学 Q4 生均教学及辅助用房面积（m²） 差异系数超限"] == 1
    assert counts["有大班额（56人及以上）"] == 2  # both reports have 3 large primary classes
    assert "教育质量未达标" not in counts  # nothing that fails nowhere


def test_progress_chart_shows_the_share_passing_against_linyis_60_percent_by_2027(
    client, official, two_counties
):
    data = _chart(_page(client, official), "chart-progress")
    assert [(a["x"], a["value"]) for a in data["actual"]] == [(2024, 0.5)]
    assert [(t["x"], t["value"]) for t in data["targets"]] == [(2027, 0.6)]


def test_henan_province_overview_shows_30_80_100_percent_targets_and_its_cities(client, stored_results):
    henan = RegionFactory(code="410000", name="河南省", level="province", parent=None)
    zhengzhou = RegionFactory(code="410100", name="郑州市", level="city", parent=henan)
    counties = [CountyFactory(code=f"41010{i}", name=f"郑州{i}区", parent=zhengzhou) for i in range(2, 5)]
    stored_results[(counties[0].pk, 2024)] = make_report(quality_2017__verdict=PASSING)
    stored_results[(counties[1].pk, 2024)] = make_report()
    rollups_refresh(2024)
    official = UserFactory(username="henan", role="official", region=henan)
    page = _page(client, official)
    data = _chart(page, "chart-progress")
    assert [(t["x"], t["value"]) for t in data["targets"]] == [(2027, 0.3), (2030, 0.8), (2035, 1.0)]
    assert [a["display"] for a in data["actual"]] == ["33%"]  # 1 of 3 counties (one not computed)
    assert 'href="/regions/410100/"' in page
    city_page = _page(client, official, reverse("dashboards:region_overview", args=["410100"]))
    assert "郑州市" in city_page
    assert _chart(city_page, "chart-progress")["targets"][0]["label"] == "河南省"  # the province's target


def test_admin_sees_every_county_and_the_provinces(client, admin_user, two_counties):
    page = _page(client, admin_user)
    assert "兰山区" in page and "罗庄区" in page
    assert 'href="/regions/370000/"' in page


def test_clerk_sees_its_county_only(client, clerk, two_counties):
    page = _page(client, clerk)
    assert "兰山区" in page and "罗庄区" not in page


def test_outsider_gets_404_for_the_city_overview(client, other_clerk, two_counties):
    assert (
        _get(client, other_clerk, reverse("dashboards:region_overview", args=["371300"])).status_code == 404
    )


def test_official_of_another_city_gets_404_and_a_county_code_is_no_overview(client, official, two_counties):
    other_city = RegionFactory(code="371400", name="德州市", level="city", parent=official.region.parent)
    outsider = UserFactory(username="dezhou", role="official", region=other_city)
    assert _get(client, outsider, reverse("dashboards:region_overview", args=["371300"])).status_code == 404
    assert _get(client, official, reverse("dashboards:region_overview", args=["371302"])).status_code == 404


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get(reverse("dashboards:region_overview", args=["371300"]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# ---------------------------------------------------------------- queries


def _queries(client, user, url):
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def _province(stored_results, cities: int, counties_per_city: int):
    province = RegionFactory(code="980000", name="测试省", level="province", parent=None)
    for c in range(cities):
        city = RegionFactory(code=f"98{c + 1:02d}00", name=f"测试{c}市", level="city", parent=province)
        for k in range(counties_per_city):
            county = CountyFactory(code=f"98{c + 1:02d}{k + 1:02d}", name=f"测试{c}-{k}县", parent=city)
            report = make_report(
                quality_2017__verdict=PASSING if k % 2 else make_report()["quality_2017"]["verdict"]
            )
            stored_results[(county.pk, 2023)] = report
            stored_results[(county.pk, 2024)] = report
    rollups_refresh(2023)
    rollups_refresh(2024)
    return province


def test_a_province_officials_overview_takes_the_same_few_queries_for_2_or_12_counties(
    client, stored_results
):
    small = _province(stored_results, 1, 2)
    official = UserFactory(username="prov", role="official", region=small)
    url = reverse("dashboards:dashboard")
    few = _queries(client, official, url)
    for c in range(1, 4):
        city = RegionFactory(code=f"98{c + 1:02d}00", name=f"测试{c}市", level="city", parent=small)
        for k in range(4):
            county = CountyFactory(code=f"98{c + 1:02d}{k + 1:02d}", name=f"测试{c}-{k}县", parent=city)
            stored_results[(county.pk, 2024)] = make_report()
    rollups_refresh(2024)
    many = _queries(client, official, url)
    assert many == few
    assert many <= 15
    assert _queries(client, official, reverse("dashboards:region_overview", args=["980200"])) <= 15


def test_a_city_officials_overview_with_the_linyi_plan_takes_the_same_few_queries_for_2_or_8_counties(
    client, official, two_counties, stored_results
):
    url = reverse("dashboards:dashboard")
    few = _queries(client, official, url)
    for k in range(6):
        county = CountyFactory(code=f"3713{50 + k}", name=f"新增{k}区", parent=official.region)
        stored_results[(county.pk, 2024)] = make_report()
    rollups_refresh(2024)
    many = _queries(client, official, url)
    assert many == few
    assert many <= 15


def test_the_city_official_gets_no_link_to_the_province_it_does_not_see(client, official, two_counties):
    assert 'href="/regions/370000/"' not in _page(client, official)


def test_a_province_official_on_a_city_overview_is_linked_back_to_the_province(client, city, two_counties):
    official = UserFactory(username="shandong", role="official", region=city.parent)
    page = _page(client, official, reverse("dashboards:region_overview", args=[city.code]))
    assert 'href="/regions/370000/"' in page


def test_a_clerks_page_has_no_share_of_counties_against_the_citys_target(client, clerk, two_counties):
    page = _page(client, clerk)
    assert 'id="chart-progress"' not in page


def _alerts_section(page: str) -> str:
    return page[page.index('id="plan-alerts-title"') :]


def test_the_alerts_list_the_failing_counties_of_the_officials_scope_with_links_to_their_reports(
    client, city, two_counties, stored_results
):
    county, passing = two_counties
    city_official = UserFactory(username="linyi", role="official", region=city)
    alerts = _alerts_section(_page(client, city_official))
    assert f'href="/indicators/counties/{county.code}/?year=2024">{county.name}</a>' in alerts
    assert passing.name not in alerts
    # a province official on one city's overview: its alerts cover its whole province, read apart
    province_official = UserFactory(username="shandong", role="official", region=city.parent)
    other_city = RegionFactory(code="371400", name="德州市", level="city", parent=city.parent)
    elsewhere = CountyFactory(code="371402", name="德城区", parent=other_city)
    stored_results[(elsewhere.pk, 2024)] = make_report()
    alerts = _alerts_section(
        _page(client, province_official, reverse("dashboards:region_overview", args=[city.code]))
    )
    assert county.name in alerts and elsewhere.name in alerts and passing.name not in alerts
