"""The parts of the county dashboard and the detailed report that show nothing but the stored result are kept in
the cache under the result's identity: a reader never sees another result's figures, language or links."""

import json
import re

import pytest

from core import caching
from indicators import runs
from indicators.models import CountyResult
from plans.models import Plan, Project
from schools.models import SchoolYear

from .test_county_dashboard import YEAR, computed_county, get


def figure(page: str, figure_id: str) -> str:
    """The text a page shows for a figure: the report's data-figure cell or the dashboard's "how computed" link."""
    found = re.search(rf'data-figure="{re.escape(figure_id)}">([^<]+)<', page) or re.search(
        rf"/explain/{re.escape(figure_id)}/\?year=\d+\">([^<]+)<", page
    )
    assert found, figure_id
    return found.group(1)


@pytest.fixture
def computed(county):
    return computed_county(county)


@pytest.mark.parametrize("url", ["/counties/{code}/", "/indicators/counties/{code}/"])
def test_after_a_recompute_the_page_shows_the_new_figures_of_a_school(client, computed, county, clerk, url):
    url = url.format(code=county.code)
    school = computed[0].code
    q4 = f"quality_2017.primary.schools.{school}.Q4"
    before = figure(get(client, clerk, url).content.decode(), q4)
    assert figure(get(client, clerk, url).content.decode(), q4) == before  # read again: the same

    SchoolYear.objects.filter(school__code=school, year=YEAR).update(teaching_area=1234)
    runs.recompute_county(county.pk, YEAR)

    after = figure(get(client, clerk, url).content.decode(), q4)
    assert after != before
    assert after == f"{1234 / 300:.2f}"  # the school's 300 pupils


def marks(page: str) -> list[str]:
    """The pass marks of the schools' tables."""
    tables = re.findall(r'<table class="data schools.*?</table>', page, re.S)
    assert tables
    return [m for t in tables for m in re.findall(r'<span class="st st-\w+">([^<]*)</span>', t)]


@pytest.mark.parametrize("url", ["/counties/{code}/", "/indicators/counties/{code}/"])
def test_a_reader_in_english_after_one_in_chinese_reads_the_school_table_in_english(
    client, computed, county, clerk, url
):
    url = url.format(code=county.code)
    chinese = marks(get(client, clerk, url).content.decode())
    assert chinese and all(re.search(r"[\u4e00-\u9fff]", m) for m in chinese)
    client.cookies["django_language"] = "en"
    english = marks(get(client, clerk, url).content.decode())
    assert len(english) == len(chinese)
    assert not [m for m in english if re.search(r"[\u4e00-\u9fff]", m)]


def test_the_official_above_reads_the_report_without_the_clerks_links_to_draw_up_a_project(
    client, computed, county, clerk, official
):
    url = f"/indicators/counties/{county.code}/"
    assert "/plans/projects/new/?county=" in get(client, clerk, url).content.decode()
    assert "/plans/projects/new/?county=" not in get(client, official, url).content.decode()


@pytest.mark.parametrize("url", ["/counties/{code}/", "/indicators/counties/{code}/"])
def test_an_unreachable_cache_still_shows_the_whole_page(client, computed, county, clerk, monkeypatch, url):
    url = url.format(code=county.code)
    whole = get(client, clerk, url).content.decode()

    class Down:
        def get(self, *args, **kwargs):
            raise ConnectionError("redis is down")

        set = get

    monkeypatch.setattr(caching, "cache", Down())
    response = get(client, clerk, url)
    assert response.status_code == 200
    page = response.content.decode()
    school = computed[0].code
    assert figure(page, f"quality_2017.primary.schools.{school}.Q4") == figure(
        whole, f"quality_2017.primary.schools.{school}.Q4"
    )
    assert page.count("<tr") == whole.count("<tr")


def test_another_countys_clerk_still_gets_404_once_the_page_is_cached(
    client, computed, county, clerk, other_clerk
):
    for url in (f"/counties/{county.code}/", f"/indicators/counties/{county.code}/"):
        assert get(client, clerk, url).status_code == 200
        assert get(client, other_clerk, url).status_code == 404


@pytest.mark.parametrize("url", ["/counties/{code}/", "/indicators/counties/{code}/"])
def test_a_project_drawn_up_after_the_page_was_kept_is_listed_on_the_next_read(
    client, computed, county, clerk, url
):
    url = url.format(code=county.code)
    assert "兰山区生均用房改扩建" not in get(client, clerk, url).content.decode()
    Project.objects.create(
        plan=Plan.objects.get(slug="linyi-rural-education-2023"),
        title="兰山区生均用房改扩建",
        county=county,
        indicator_code="Q4",
    )
    assert "兰山区生均用房改扩建" in get(client, clerk, url).content.decode()


def degree_ratio_years(page: str) -> list[str]:
    """The years of the dashboard's urban–rural degree ratio trend, from its chart's data."""
    found = re.search(r'<script id="chart-degree-ratio" type="application/json">(.*?)</script>', page, re.S)
    assert found
    return json.loads(found.group(1))["x"]


def test_a_result_stored_for_an_earlier_year_joins_the_dashboards_trend_once_the_page_was_kept(
    client, computed, county, clerk
):
    url = f"/counties/{county.code}/"
    assert degree_ratio_years(get(client, clerk, url).content.decode()) == [str(YEAR)]
    earlier = CountyResult.objects.get(county=county, year=YEAR)
    earlier.pk, earlier.year = None, YEAR - 1
    earlier.save()
    assert degree_ratio_years(get(client, clerk, url).content.decode()) == [str(YEAR - 1), str(YEAR)]
