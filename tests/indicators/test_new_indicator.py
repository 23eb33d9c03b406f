"""Adding an indicator: one function registered in the engine's table with its parameter entry, and its label.
Nothing else changes, and the new indicator is computed, stored, presented and explained like the others."""

import pytest
from django.urls import reverse

from indicators import engine, forms, presenter, rules, runs, selectors
from indicators.engine import QUALITY_2017, TABLE, Entry
from indicators.engine.data import Unit
from indicators.models import IndicatorResult, UnitResult
from indicators.presenter import labels
from tests.indicators.scenes import small_county

pytestmark = pytest.mark.django_db


def q8(unit: Unit) -> float | None:
    """100 × the stage's share of the computers ÷ P (a made-up 2017 indicator for this test)."""
    return unit.per_student(unit.shared(unit.fact("computers")), 100)


@pytest.fixture
def new_indicator(monkeypatch):
    """The three edits of docs/architecture.md ("Adding an indicator"), made in place: the engine's table row (with its minimum
    per stage, the one setting it reads), its label and its formula in words."""
    entry = TABLE.register(
        Entry(
            "Q8",
            QUALITY_2017,
            "resource",
            q8,
            thresholds={"primary": 13, "junior": 15},
            unit="台",
            per=100,
            whole=True,
        )
    )
    monkeypatch.setitem(labels.INDICATORS, "Q8", "每百名学生拥有计算机台数（新）")
    monkeypatch.setitem(labels.FORMULAS, "Q8", "100 × 该学段分摊的计算机台数 ÷ 该学段在校生数")
    monkeypatch.setitem(labels.UNITS, "台", "台")
    yield entry
    TABLE.unregister(QUALITY_2017, "Q8")


def test_the_new_indicators_setting_joins_the_rule_sets_defaults_and_bounds(new_indicator):
    assert rules.default_params(QUALITY_2017)["thresholds"]["primary"]["Q8"] == 13
    assert forms.maximum("school_min_met") == 8  # a school can now meet up to eight indicators
    assert (
        forms.path_label(("thresholds", "primary", "Q8"))
        == "资源配置指标标准值 · 小学 · Q8 每百名学生拥有计算机台数（新）"
    )


def test_a_new_indicator_is_computed_stored_and_presented(client, clerk, county, new_indicator):
    a, b = small_county(county, "37130200")  # 400 and 500 pupils, one computer per 8 pupils
    result = runs.recompute_county(county.pk, 2024)  # the stored rule set predates Q8: its default applies

    stored = IndicatorResult.objects.get(result=result, standard=QUALITY_2017, stage="primary", code="Q8")
    assert stored.threshold == 13
    assert stored.mean == pytest.approx(100 * (50 + 62) / 900)
    unit = UnitResult.objects.get(result=result, school=a, standard=QUALITY_2017)
    assert unit.values["Q8"] == pytest.approx(12.5)
    assert unit.shortfalls["Q8"]["missing"] == 2  # (13 − 12.5) × 400 ÷ 100 computers

    report = selectors.report(county.pk, 2024)
    assert report.quality_2017.stages["primary"].indicators["Q8"].threshold == 13

    client.force_login(clerk)
    page = client.get(reverse("dashboards:county_report", args=[county.code])).content.decode()
    assert "Q8 每百名学生拥有计算机台数（新）" in page
    assert "Q8：现值 12.50，标准 13，尚缺 2 台" in page

    explanation = presenter.explain(report, f"quality_2017.primary.schools.{a.code}.Q8")
    assert explanation.formula == ["100 × 该学段分摊的计算机台数 ÷ 该学段在校生数"]


def test_without_the_registration_the_report_has_seven_indicators(county):
    small_county(county, "37130200")
    result = runs.recompute_county(county.pk, 2024)

    assert not IndicatorResult.objects.filter(result=result, code="Q8").exists()
    assert len(engine.TABLE.entries(QUALITY_2017, "resource")) == 7
