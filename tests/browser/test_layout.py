"""The portal's own pages fit a 390 px phone: wide tables scroll inside their box, never the page."""

import pytest

from tests.factories import SchoolClassFactory, SchoolFactory, SchoolYearFactory

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def test_a_clerks_pages_have_no_page_level_horizontal_scroll_at_390_px(clerk_page, county, screenshot):
    school = SchoolFactory(county=county, code="3713021001", name="兰山区第一实验小学（东校区）")
    SchoolYearFactory(school=school, year=2024)
    SchoolClassFactory(school=school, year=2024, students=58)
    pages = [
        "/",
        "/schools/",
        "/schools/new/",
        f"/schools/{school.code}/",
        f"/schools/{school.code}/edit/",
        f"/schools/{school.code}/years/2024/",
        f"/schools/{school.code}/years/2024/classes/",
        f"/schools/{school.code}/years/2024/funding/",
        "/teachers/",
        "/counties/",
        f"/counties/{county.code}/",
        f"/counties/{county.code}/years/2024/approval/",
        f"/counties/{county.code}/years/2024/declarations/",
        f"/counties/{county.code}/years/2024/declarations/G1/",
        "/indicators/",
        f"/indicators/counties/{county.code}/",
        "/indicators/rules/",
        "/plans/",
        "/imports/",
    ]
    page = clerk_page
    page.set_viewport_size(PHONE)
    too_wide = {}
    for url in pages:
        response = page.goto(url)
        assert response.ok, url
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            too_wide[url] = width
            screenshot(page, url.strip("/").replace("/", "-") or "home")
    assert not too_wide, f"pages wider than {PHONE['width']} px: {too_wide}"
