"""The typed report: the engine returns it, its JSON is the document of spec/report.md unchanged, and a stored
report read back through it gives the same document, byte for byte."""

import json

import pytest
from django.db import connection
from rest_framework.test import APIClient

from core.models import Region
from indicators import engine, runs, selectors
from indicators.formulas import compute_report
from indicators.models import CountyResult
from indicators.report.model import Report
from indicators.rules import BASIC_2012, QUALITY_2017, default_params
from tests.indicators.golden import GOLDEN_XLSX, differences, expected_report
from tests.indicators.workbook_reader import read_county
from workbook.importer import import_workbook


@pytest.fixture(scope="module")
def golden_document():
    return compute_report(read_county(GOLDEN_XLSX), default_params(QUALITY_2017), default_params(BASIC_2012))


def _bytes(document) -> str:
    return json.dumps(document, ensure_ascii=False)


def test_the_golden_report_round_trips_through_the_model_byte_for_byte(golden_document):
    model = Report.from_json(golden_document)

    assert _bytes(model.to_json()) == _bytes(golden_document)
    assert _bytes(Report.from_json(json.loads(_bytes(golden_document))).to_json()) == _bytes(golden_document)


def test_the_engine_returns_the_typed_report_with_the_golden_figures(golden_document):
    report = engine.compute_report(
        read_county(GOLDEN_XLSX), default_params(QUALITY_2017), default_params(BASIC_2012)
    )
    expected = expected_report()

    assert isinstance(report, Report)
    q1 = report.quality_2017.stages["primary"].indicators["Q1"]
    assert q1.cv == pytest.approx(expected["quality_2017"]["primary"]["indicators"]["Q1"]["cv"], rel=1e-9)
    assert report.quality_2017.stages["junior"].units == expected["quality_2017"]["junior"]["units"]
    assert report.urban_rural_degree_ratio.ratio == pytest.approx(
        expected["urban_rural_degree_ratio"]["ratio"]
    )
    assert differences(expected, report.to_json()) == []


def test_the_verdict_is_derived_once_and_read_from_the_model(golden_document):
    report = Report.from_json(golden_document)
    q = golden_document["quality_2017"]

    assert report.verdict.passed is q["pass"] is False
    assert report.verdict.failing["government"] == tuple(q["failing_items"]["government"])
    assert engine.verdict_from_parts(q["verdict"]) is False


def test_a_report_stored_before_a_key_existed_reads_missing_figures_as_unknown():
    old = {
        "county": {"code": "371302", "name": "兰山区"},
        "year": 2023,
        "quality_2017": {"primary": {"units": 1, "indicators": {"Q1": {"mean": 5.0, "cv": None}}}},
        "urban_rural_degree_ratio": {"ratio": 1.2},
    }

    report = Report.from_json(old)

    assert report.quality_2017.stages["primary"].indicators["Q1"].cv is None
    assert "junior" not in report.quality_2017.stages
    assert report.urban_rural_degree_ratio.pooled.rural_teachers is None
    assert report.class_size == {} and report.staffing == {}
    assert report.verdict.passed is None


@pytest.mark.django_db
def test_the_api_and_the_command_serve_the_stored_figures_through_the_model(admin_user):
    assert import_workbook(GOLDEN_XLSX).ok
    county = Region.objects.get(code="371399")
    stored = runs.recompute_county(county.pk, 2024)
    client = APIClient()
    client.force_authenticate(admin_user)

    served = client.get("/api/v1/counties/371399/report/", {"year": 2024}).json()
    model = selectors.report(county.pk, 2024)

    assert isinstance(model, Report)
    assert model.stamp.rule_set.code == QUALITY_2017
    document = {k: v for k, v in served.items() if k not in ("computed_at", "rule_set", "rule_sets")}
    as_stored = CountyResult.objects.get(pk=stored.pk).report
    assert document == as_stored  # every key, every figure exactly
    # byte for byte where the stored JSON keeps the engine's key order (PostgreSQL's jsonb keeps its own)
    if connection.vendor == "sqlite":
        assert _bytes(document) == _bytes(as_stored)
    assert differences(expected_report(), served) == []
