"""What an official sees once the golden county is imported and computed: figures come from the stored result,
expected values from the independent golden file (shared/data/golden)."""

import pytest
from django.urls import reverse

from core.models import Region
from indicators import runs
from tests.factories import UserFactory
from tests.indicators.golden import GOLDEN_JSON, GOLDEN_XLSX
from workbook.importer import import_workbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def golden_county():
    result = import_workbook(GOLDEN_XLSX)
    assert result.ok, result.errors[:3]
    county = Region.objects.get(code="371399")
    runs.recompute_county(county.pk, 2024)
    return county


@pytest.fixture
def expected():
    import json

    return json.loads(GOLDEN_JSON.read_text(encoding="utf-8"))


def test_official_above_the_golden_county_sees_its_stored_verdict_and_ratio(client, golden_county, expected):
    official = UserFactory(
        username="golden-official", role="official", region=golden_county.parent or golden_county
    )
    client.force_login(official)
    page = client.get(reverse("dashboards:dashboard")).content.decode()
    assert golden_county.name in page
    ratio = expected["urban_rural_degree_ratio"]["ratio"]
    assert f"{ratio:.3f}" in page
    assert "尚未计算" not in page


def test_report_page_shows_the_golden_means_and_cvs(client, golden_county, expected, admin_user):
    client.force_login(admin_user)
    page = client.get(reverse("dashboards:county_report", args=["371399"])).content.decode()
    q1 = expected["quality_2017"]["primary"]["indicators"]["Q1"]
    assert f"{q1['mean']:.3f}" in page and f"{q1['cv']:.3f}" in page
    composite = expected["basic_2012"]["primary"]["composite_cv"]
    assert f"{composite:.3f}" in page


def test_clerk_of_another_county_gets_404_on_the_golden_report(client, golden_county, other_clerk):
    client.force_login(other_clerk)
    assert client.get(reverse("dashboards:county_report", args=["371399"])).status_code == 404
