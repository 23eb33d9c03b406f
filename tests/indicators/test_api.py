"""GET /api/v1/counties/{code}/report/: stored results only, scoped to the user's region."""

import pytest
from rest_framework.test import APIClient

from indicators import runs
from tests.indicators.scenes import small_county

pytestmark = pytest.mark.django_db


@pytest.fixture
def computed(county):
    small_county(county, "37130200")
    runs.recompute_county(county.pk, 2024)
    return county


def get(user, code, **params):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client.get(f"/api/v1/counties/{code}/report/", params)


def test_clerk_reads_the_stored_report_of_its_county_with_its_rule_set_and_time(computed, clerk):
    response = get(clerk, computed.code, year=2024)

    assert response.status_code == 200
    body = response.json()
    assert body["county"] == {"code": "371302", "name": "兰山区"}
    assert body["year"] == 2024
    assert body["rule_set"] == {"code": "quality_2017", "version": 1}
    # Beijing time, as the bureaus read it (the report contract's example carries +08:00)
    assert body["computed_at"].endswith("+08:00")
    assert set(body) >= {
        "quality_2017",
        "basic_2012",
        "class_size",
        "urban_rural_degree_ratio",
        "achievement",
    }
    q4 = body["quality_2017"]["primary"]["indicators"]["Q4"]
    assert q4["mean"] == pytest.approx(4900 / 900)  # unrounded
    assert body["quality_2017"]["junior"]["indicators"]["Q1"]["mean"] is None  # null, not 0


def test_clerk_of_another_county_gets_404(computed, other_clerk):
    assert get(other_clerk, computed.code).status_code == 404


def test_city_official_reads_the_report_of_a_county_in_the_city(computed, official):
    assert get(official, computed.code).status_code == 200


def test_anonymous_user_is_refused(computed):
    assert get(None, computed.code).status_code in (401, 403)


def test_a_year_without_results_is_404_and_a_bad_year_is_400(computed, admin_user):
    assert get(admin_user, computed.code, year=2019).status_code == 404
    assert get(admin_user, computed.code, year="二〇二四").status_code == 400


def test_the_report_is_not_recomputed_on_read(computed, clerk):
    from schools.models import SchoolYear

    SchoolYear.objects.filter(school__county=computed).update(teaching_area=9000)

    body = get(clerk, computed.code).json()

    assert body["quality_2017"]["primary"]["indicators"]["Q4"]["mean"] == pytest.approx(4900 / 900)
