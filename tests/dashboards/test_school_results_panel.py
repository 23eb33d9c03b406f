"""The school page shows the school's own 2017 resource figures from the last recompute."""

import pytest

from core.models import Region
from indicators import runs
from tests.factories import SchoolFactory, UserFactory
from tests.indicators.golden import GOLDEN_XLSX, expected_report
from workbook.importer import import_workbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def golden_county():
    assert import_workbook(GOLDEN_XLSX).ok
    county = Region.objects.get(code="371399")
    runs.recompute_county(county.pk, 2024)
    return county


def expected_school(passing: bool) -> dict:
    return next(s for s in expected_report()["quality_2017"]["primary"]["schools"] if s["pass"] is passing)


def test_clerk_sees_a_failing_school_marked_with_its_figures(client, golden_county):
    client.force_login(UserFactory(username="golden-clerk", role="clerk", region=golden_county))
    school = expected_school(passing=False)

    page = client.get(f"/schools/{school['code']}/").content.decode()

    assert "本校资源配置指标" in page and "2024学年" in page
    assert f"{school['met']}/7 项达到要求" in page
    assert '<span class="st st-fail">未达标</span>' in page
    assert f"{school['values']['Q1']:.2f}" in page


def test_a_passing_school_is_marked_as_passing(client, golden_county):
    client.force_login(UserFactory(username="golden-clerk", role="clerk", region=golden_county))
    school = expected_school(passing=True)

    page = client.get(f"/schools/{school['code']}/").content.decode()

    assert '<span class="st st-pass">达标</span>' in page
    assert "未达标" not in page.split("学年数据")[0]


def test_before_any_recompute_the_page_says_not_computed_yet(client, clerk, county):
    school = SchoolFactory(county=county)
    client.force_login(clerk)
    assert "本县指标尚未计算" in client.get(f"/schools/{school.code}/").content.decode()


def test_clerk_of_another_county_gets_404_on_a_computed_school(client, golden_county, other_clerk):
    client.force_login(other_clerk)
    assert client.get(f"/schools/{expected_school(passing=False)['code']}/").status_code == 404
