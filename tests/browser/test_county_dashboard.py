"""The county dashboard as the demo clerk meets it after `make run`: lands on it from the login, sees the charts
drawn, sorts and filters the school table, opens "how computed" in the drawer, opens a school, reads it in English,
on a 390 px phone, and prints it."""

import re

import pytest
from django.core.management import call_command

from accounts.models import User
from core.models import Region
from indicators import runs
from schools.models import Achievement
from workbook import demo

from .conftest import SCREENSHOTS, log_in

pytestmark = pytest.mark.browser

COUNTY = "371302"  # 兰山区 (workbook/demo.py): it fails today
PHONE = {"width": 390, "height": 844}
CJK = re.compile(r"[\u4e00-\u9fff]")
# what sticks out of a phone's width (the failure message names it)
WIDEST = """() => Array.from(document.querySelectorAll('body *'))
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
  .filter(e => !e.closest('.table-wrap, table.data, .tabs, .drawer'))
  .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"""


@pytest.fixture
def demo_county(transactional_db):
    call_command("load_demo", skip_recompute=True, stdout=open("/dev/null", "w"))
    county = Region.objects.get(code=COUNTY)
    runs.recompute_county(county.pk, demo.CURRENT_YEAR)
    return county


@pytest.fixture
def clerk_on_dashboard(page, demo_county):
    log_in(page, User.objects.get(username="demo-clerk"))
    page.goto("/")
    page.wait_for_url(f"**/counties/{COUNTY}/")
    page.wait_for_selector("figure.chart.chart-drawn canvas")
    return page


def test_the_demo_clerk_lands_on_the_county_dashboard_with_its_charts_drawn(clerk_on_dashboard, screenshot):
    page = clerk_on_dashboard
    assert page.locator("h1").inner_text().startswith("兰山区")
    assert page.locator(".verdict-part").count() == 4
    assert page.locator(".summary .st-fail").count() >= 1  # the county fails today, and says where
    assert page.locator(".freshness .stamp").inner_text().startswith("计算于")
    page.wait_for_function("document.querySelectorAll('figure.chart.chart-drawn canvas').length >= 14")
    assert page.locator("figure.chart:not(.chart-drawn)").count() == 0
    screenshot(page, "dashboard")


def test_the_school_table_sorts_and_shows_the_failing_schools_only(clerk_on_dashboard, screenshot):
    page = clerk_on_dashboard
    table = page.locator("#schools-primary")
    table.locator("thead button.sort", has_text="Q4").click()
    column = (
        table.locator("thead th")
        .all_inner_texts()
        .index(next(t for t in table.locator("thead th").all_inner_texts() if t.startswith("Q4")))
    )
    values = [
        float(v)
        for v in table.locator(f"tbody tr td:nth-child({column + 1})").evaluate_all(
            "cells => cells.map(c => c.dataset.value)"
        )
        if v
    ]
    assert values == sorted(values) and len(values) > 2
    table.locator("thead button.sort", has_text="Q4").click()
    values = [
        float(v)
        for v in table.locator(f"tbody tr td:nth-child({column + 1})").evaluate_all(
            "cells => cells.map(c => c.dataset.value)"
        )
        if v
    ]
    assert values == sorted(values, reverse=True)

    rows = table.locator("tbody tr").count()
    page.locator("[data-filter-failing=schools-primary]").check()
    shown = table.locator("tbody tr:not([hidden])")
    assert 0 < shown.count() < rows
    assert all(
        status == "fail"
        for status in shown.locator("td .st").evaluate_all(
            "els => els.map(e => e.className.replace('st st-', ''))"
        )
    )
    screenshot(page, "failing-only")


def test_a_how_computed_drawer_lists_the_inputs_and_a_school_opens_its_page(clerk_on_dashboard, screenshot):
    page = clerk_on_dashboard
    link = page.locator("#schools-primary tbody a[data-explain]").first
    link.click()
    drawer = page.locator("#explain-drawer")
    drawer.locator("[data-explanation]").wait_for()
    assert drawer.is_visible()
    assert "计算方法" in drawer.inner_text() and "输入数据" in drawer.inner_text()
    inputs = drawer.locator("table.explain-inputs tbody tr")
    assert inputs.count() >= 2
    assert "学校学年数据表" in drawer.inner_text() or "教师名册" in drawer.inner_text()
    screenshot(page, "drawer")
    page.keyboard.press("Escape")
    assert drawer.is_hidden()

    with page.expect_navigation():
        page.locator("#schools-primary tbody th a").first.click()
    assert "/schools/" in page.url
    page.wait_for_selector("figure.chart-small_multiples.chart-drawn canvas")
    assert "全县排名" in page.locator(".school-results").inner_text()
    screenshot(page, "school")


def test_in_english_no_verdict_stage_or_indicator_reads_in_chinese(clerk_on_dashboard, screenshot):
    page = clerk_on_dashboard
    with page.expect_navigation():
        page.get_by_role("button", name="EN").click()
    page.wait_for_selector("figure.chart.chart-drawn canvas")
    marks = page.locator(".st").all_inner_texts()
    assert marks and not [m for m in marks if CJK.search(m)]
    subjects = set(Achievement.objects.values_list("subject", flat=True))  # subjects are data, as names are
    for selector in (
        ".verdict-part h3",
        ".indicator-card h4",
        ".kpis dt",
        ".freshness",
        "table.schools thead",
    ):
        texts = page.locator(selector).all_inner_texts()
        for subject in subjects:
            texts = [t.replace(subject, "") for t in texts]
        assert texts and not [t for t in texts if CJK.search(t)], (selector, texts)
    screenshot(page, "english")


def test_a_390_px_phone_has_no_page_level_horizontal_scroll(clerk_on_dashboard, screenshot):
    page = clerk_on_dashboard
    page.set_viewport_size(PHONE)
    school = page.locator("#schools-primary tbody th a").first.get_attribute("href")
    explain = page.locator("#schools-junior tbody a[data-explain]").first.get_attribute("href")
    too_wide = {}
    for url in (f"/counties/{COUNTY}/", school, explain, f"/indicators/counties/{COUNTY}/"):
        page.goto(url)
        page.wait_for_load_state("networkidle")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            too_wide[url] = (width, page.evaluate(WIDEST))
    page.goto(f"/counties/{COUNTY}/")
    page.wait_for_selector("figure.chart.chart-drawn canvas")
    screenshot(page, "phone")
    assert not too_wide, too_wide


def test_print_puts_the_summary_on_the_first_page(clerk_on_dashboard, screenshot):
    page = clerk_on_dashboard
    page.emulate_media(media="print")
    assert page.locator(".summary").evaluate("e => getComputedStyle(e).breakAfter") == "page"
    assert page.locator(".tabs").is_hidden() and page.locator(".recompute-county").is_hidden()
    screenshot(page, "print")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pdf = page.pdf(path=str(SCREENSHOTS / "county-dashboard-print.pdf"), format="A4")
    assert pdf[:4] == b"%PDF"
    page.goto(f"/indicators/counties/{COUNTY}/")
    assert page.locator("h2.print-new-page").evaluate("e => getComputedStyle(e).breakBefore") == "page"
    page.pdf(path=str(SCREENSHOTS / "county-report-print.pdf"), format="A4")
    screenshot(page, "report-print")
