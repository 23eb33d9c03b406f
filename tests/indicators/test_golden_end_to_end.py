"""The golden county end to end: import the workbook, recompute, read the stored report."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from core.models import Region
from indicators import runs, selectors
from tests.indicators.golden import GOLDEN_XLSX, differences, expected_report
from workbook.importer import import_workbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def golden_county():
    result = import_workbook(GOLDEN_XLSX)
    assert result.ok, result.errors[:3]
    county = Region.objects.get(code="371399")
    runs.recompute_county(county.pk, 2024)
    return county


def test_imported_golden_county_report_matches_every_expected_figure(golden_county):
    report = selectors.county_report(golden_county.pk, 2024)

    assert differences(expected_report(), report) == []
    assert report["rule_set"] == {"code": "quality_2017", "version": 1}
    assert report["computed_at"]


def test_stored_rows_carry_the_same_figures_as_the_report(golden_county):
    from indicators.models import CountyResult

    result = CountyResult.objects.get(county=golden_county, year=2024)
    q1 = result.indicators.get(standard="quality_2017", stage="primary", code="Q1")
    assert q1.cv == pytest.approx(0.09697460284956848, rel=1e-9)
    assert q1.units == 25
    assert result.units.filter(standard="quality_2017", stage="primary").count() == 25
    assert result.units.filter(standard="basic_2012", stage="junior").count() == 13
    assert result.resource == "fail"
    assert result.pass_2017 is False


def test_import_without_a_transaction_wrapper_recomputes_on_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        result = import_workbook(GOLDEN_XLSX)
    assert result.ok
    county = Region.objects.get(code="371399")

    report = selectors.county_report(county.pk)

    assert report is not None and report["year"] == 2024
    assert differences(expected_report(), report) == []


def test_balance_report_command_prints_the_stored_json_and_readable_chinese(golden_county):
    out = StringIO()
    call_command("balance_report", county="371399", year=2024, format="json", stdout=out)
    printed = json.loads(out.getvalue())
    assert differences(expected_report(), printed) == []

    text = StringIO()
    call_command("balance_report", county="371399", format="text", stdout=text)
    assert "示范县（371399）2024学年" in text.getvalue()
    assert "资源配置：未达标" in text.getvalue()
    q = expected_report()["quality_2017"]
    failing = {s: q[s]["units"] - q[s]["schools_passing"] for s in ("primary", "junior")}
    assert f"小学{failing['primary']}所学校、初中{failing['junior']}所学校" in text.getvalue()
    assert "否达标" not in text.getvalue() and "primary:" not in text.getvalue()
