"""The city overview in a real browser: its charts draw (canvas, no console error), an indicator can be picked,
and a 390 px phone gets no page-level horizontal scroll."""

import pytest

from indicators.rollups import rollups_refresh
from tests.plans.conftest import ResultStore, make_report

pytestmark = pytest.mark.browser

PASSING = {"resource": "pass", "government": "pass", "quality": "pass", "recognition": "pass"}


@pytest.fixture
def results(county, other_county):
    store = ResultStore()
    store[(county.pk, 2023)] = make_report()
    store[(county.pk, 2024)] = make_report()
    store[(other_county.pk, 2024)] = make_report(quality_2017__verdict=PASSING)
    rollups_refresh(2023)
    rollups_refresh(2024)


def _drawn(page, n):
    page.wait_for_function(
        "n => document.querySelectorAll('figure.chart.chart-drawn canvas').length >= n", arg=n, timeout=15000
    )


def test_the_city_overview_draws_its_charts_and_an_indicator_can_be_picked(
    official_page, results, screenshot
):
    page = official_page
    page.goto("/indicators/")
    charts = page.locator("figure.chart").count()
    assert charts >= 4  # progress, most failing, worst CV (primary), one indicator
    _drawn(page, charts)
    assert page.locator("figure[data-chart='chart-progress'] canvas").count() >= 1
    screenshot(page, "desktop")
    page.locator("nav.tabs a", has_text="小学 Q1").click()
    page.wait_for_url("**indicator=primary-Q1**")
    _drawn(page, page.locator("figure.chart").count())
    assert page.locator("figure[data-chart='chart-indicator-primary-Q1']").count() == 1


def test_the_city_overview_fits_a_390_px_phone(official_page, results, screenshot):
    page = official_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/indicators/")
    _drawn(page, page.locator("figure.chart").count())
    width = page.evaluate("document.documentElement.scrollWidth")
    screenshot(page, "phone")
    assert width <= 390, f"the page is {width} px wide"
