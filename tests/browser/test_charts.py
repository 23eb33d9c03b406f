"""Every chart kind draws in a real browser, keeps its table, saves as an image, reads the page's language, fits a
390 px phone and prints; a clerk logs in through the real form and meets the portal in Chinese."""

from urllib.parse import urlsplit

import pytest

from .chart_demo import demo_charts

pytestmark = [pytest.mark.browser, pytest.mark.urls("tests.browser.urls")]

DEMO = "/charts/demo/"
KINDS = ["bar_threshold", "histogram", "line_target", "ranked_bar", "progress", "small_multiples"]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def open_demo(page):
    response = page.goto(DEMO)
    assert response.ok
    page.wait_for_function(
        "n => document.querySelectorAll('figure.chart.chart-drawn canvas').length >= n", arg=len(KINDS)
    )
    return response


def save_as_image_title(page, figure):
    """The toolbox's save-as-image title of the chart drawn in `figure` (ECharts draws the toolbox on the canvas)."""
    return figure.locator(".chart-canvas").evaluate(
        "el => echarts.getInstanceByDom(el).getOption().toolbox[0].feature.saveAsImage.title"
    )


def test_the_demo_page_has_one_chart_of_every_kind():
    """Guards the checks below: they would pass vacuously on a page that lost a kind."""
    assert sorted(chart["kind"] for chart in demo_charts()) == sorted(KINDS)


def test_a_clerk_logs_in_and_lands_on_the_county_dashboard_in_chinese(clerk_page, screenshot):
    page = clerk_page
    # the home page (LOGIN_REDIRECT_URL) sends a county's clerk on to the county's dashboard
    assert urlsplit(page.url).path == "/counties/371302/"
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.locator("h1").inner_text().startswith("兰山区")
    assert page.get_by_role("navigation", name="主导航").get_by_role("link", name="学校").is_visible()
    assert page.locator(".usermenu summary").inner_text() == "clerk"
    screenshot(page)


def test_every_chart_kind_draws_a_canvas_beside_its_table_under_a_strict_csp(official_page, screenshot):
    page = official_page
    response = open_demo(page)
    assert (
        "script-src 'self'" in response.headers["content-security-policy"]
    )  # so inline code would fail here
    figures = page.locator("figure.chart")
    assert figures.count() == len(KINDS)
    for spec in demo_charts():
        figure = page.locator(f"figure.chart[data-chart='{spec['id']}']")
        assert figure.locator(".chart-canvas canvas").count() >= 1, spec["kind"]
        assert figure.locator(".chart-canvas").get_attribute("aria-hidden") == "true"
        # the numbers stay in the page for screen readers, by the chart's title, with every row of the spec
        table = page.get_by_role("table", name=spec["title"])
        assert table.count() == 1, spec["kind"]
        assert table.locator("tbody tr").count() == len(spec["table"]["rows"])
        assert save_as_image_title(page, figure) == "保存为图片"
    screenshot(page)


def test_the_table_is_toggled_on_screen_and_is_all_there_is_without_javascript(
    official_page, browser, screenshot
):
    page = official_page
    open_demo(page)
    spec = demo_charts()[0]
    figure = page.locator(f"figure.chart[data-chart='{spec['id']}']")
    box = figure.locator(".chart-table")
    table = box.locator("table")
    button = figure.get_by_role("button", name="显示数据表")
    assert box.bounding_box()["height"] <= 1  # visually hidden while the chart shows, still in the page
    button.click()
    assert figure.get_by_role("button", name="隐藏数据表").get_attribute("aria-expanded") == "true"
    assert box.bounding_box()["height"] > 100
    assert table.locator("tbody tr").first.locator("th").inner_text() == spec["table"]["rows"][0][0]["text"]
    screenshot(page, "table-open")

    context = browser.new_context(
        base_url=page.url.split(DEMO)[0],
        java_script_enabled=False,
        storage_state=page.context.storage_state(),
    )
    try:
        static = context.new_page()
        static.goto(DEMO)
        assert static.locator("figure.chart canvas").count() == 0
        assert static.locator("figure.chart .chart-toggle").first.is_hidden()
        for spec in demo_charts():
            assert static.get_by_role("table", name=spec["title"]).is_visible()
        screenshot(static, "no-javascript")
    finally:
        context.close()


def test_save_as_image_downloads_a_png_named_after_the_chart(official_page):
    page = official_page
    open_demo(page)
    spec = demo_charts()[0]
    canvas = page.locator(f"figure.chart[data-chart='{spec['id']}'] .chart-canvas")
    box = canvas.bounding_box()
    # the toolbox's only icon sits in the top right corner (right: 6, top: 2, itemSize: 16 in charts.js)
    with page.expect_download() as download:
        page.mouse.click(box["x"] + box["width"] - 6 - 8, box["y"] + 2 + 8)
    assert download.value.suggested_filename == f"{spec['title']}.png"
    with open(download.value.path(), "rb") as image:
        assert image.read(8) == PNG_SIGNATURE


def test_the_toolbox_and_the_table_button_read_english_when_the_page_is_english(official_page, screenshot):
    page = official_page
    open_demo(page)
    with page.expect_navigation():
        page.locator("form.lang button[value=en]").click()
    page.wait_for_function("() => document.querySelectorAll('figure.chart.chart-drawn').length >= 6")
    assert page.locator("html").get_attribute("lang") == "en"
    figure = page.locator("figure.chart").first
    assert save_as_image_title(page, figure) == "Save as image"
    assert figure.get_by_role("button", name="Show table").is_visible()
    screenshot(page)


def test_charts_fit_a_390_px_phone_without_page_level_horizontal_scroll(official_page, screenshot):
    page = official_page
    page.set_viewport_size({"width": 390, "height": 844})
    open_demo(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    for canvas in page.locator("figure.chart .chart-canvas").all():
        assert canvas.bounding_box()["width"] <= 390
    screenshot(page)


def test_charts_follow_the_window_when_it_is_resized(official_page):
    page = official_page
    open_demo(page)
    canvas = page.locator("figure.chart .chart-canvas canvas").first
    wide = canvas.bounding_box()["width"]
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_function(
        "w => document.querySelector('figure.chart .chart-canvas canvas').getBoundingClientRect().width < w",
        arg=wide,
    )
    assert canvas.bounding_box()["width"] <= 390 - 2 * 16


def test_print_preview_hides_the_navigation_and_keeps_charts_and_tables(official_page, screenshot):
    page = official_page
    open_demo(page)
    page.emulate_media(media="print")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert page.locator("header.topbar").is_hidden()
    assert page.locator("figure.chart .chart-canvas canvas").count() >= len(KINDS)
    for spec in demo_charts():
        box = page.locator(f"figure.chart[data-chart='{spec['id']}'] .chart-table")
        assert box.bounding_box()["height"] > 20, spec["kind"]
    screenshot(page)
