"""How a recompute stores its results: typed columns kept from the report, rows replaced (never added to), and
the inputs of several counties read together equal to each county read alone."""

import dataclasses

import pytest

from indicators import inputs, runs, selectors
from indicators.models import CountyResult, IndicatorResult, UnitResult
from indicators.rules import QUALITY_2017
from tests.factories import CountyFactory, CountyYearFactory, SchoolClassFactory
from tests.indicators.scenes import small_county

pytestmark = pytest.mark.django_db


def _county_with_big_classes(county):
    a, b = small_county(county, "37130200")  # one 40-pupil primary class each
    for students in (56, 65, 66, 80):  # large = 56 or more, super-large = 66 or more (spec §class size)
        SchoolClassFactory(school=a, stage="primary", grade=2, students=students)
    for students in (50, 66):
        SchoolClassFactory(school=b, stage="junior", grade=7, students=students)
    CountyYearFactory(county=county, year=2024, recognition=91.5)
    return a, b


def test_large_and_super_large_classes_per_stage_and_the_s1_figure_are_typed_columns(county):
    _county_with_big_classes(county)

    runs.recompute_county(county.pk, 2024)

    result = CountyResult.objects.get(county=county, year=2024)
    assert (result.large_classes_primary, result.super_large_classes_primary) == (4, 2)
    assert (result.large_classes_junior, result.super_large_classes_junior) == (1, 1)
    assert (result.large_classes, result.super_large_classes) == (5, 3)
    assert result.recognition_s1 == pytest.approx(91.5)


def test_county_summaries_show_the_typed_columns_under_the_same_keys(county, other_county):
    _county_with_big_classes(county)
    runs.recompute_county(county.pk, 2024)

    (row,) = selectors.county_summaries([county.pk, other_county.pk])

    assert row["stages"]["primary"]["large"] == 4
    assert row["stages"]["primary"]["super_large"] == 2
    assert row["stages"]["junior"]["large"] == 1
    assert row["stages"]["junior"]["super_large"] == 1
    assert row["recognition_s1"] == pytest.approx(91.5)


def test_the_typed_columns_follow_a_report_written_without_the_engine(county):
    """Rows stored before the columns existed, or written by other code, carry the report's values too."""
    _county_with_big_classes(county)
    runs.recompute_county(county.pk, 2024)
    result = CountyResult.objects.get(county=county)
    report = result.report
    report["class_size"]["junior"]["large"] = 7
    report["quality_2017"]["recognition"]["S1"]["value"] = None

    CountyResult.objects.filter(pk=result.pk).update(report=report)

    result.refresh_from_db()
    assert result.large_classes_junior == 7
    assert result.recognition_s1 is None


def test_recomputing_again_replaces_the_rows_instead_of_adding_to_them(county):
    small_county(county, "37130200")
    runs.recompute_county(county.pk, 2024)
    counts = IndicatorResult.objects.count(), UnitResult.objects.count()

    runs.recompute_county(county.pk, 2024)
    result = runs.recompute_county(county.pk, 2024)

    assert CountyResult.objects.filter(county=county).count() == 1
    assert (IndicatorResult.objects.count(), UnitResult.objects.count()) == counts
    assert result.units.filter(standard=QUALITY_2017, stage="primary").count() == 2
    q4 = result.indicators.get(standard=QUALITY_2017, stage="primary", code="Q4")
    assert q4.mean == pytest.approx((2400 + 2500) / 900)  # 400 pupils × 6 m² and 500 pupils × 5 m²


def test_unit_rows_keep_values_and_shortfalls_as_the_report_has_them(county):
    small_county(county, "37130200")

    result = runs.recompute_county(county.pk, 2024)

    schools = result.report[QUALITY_2017]["primary"]["schools"]
    stored = {
        u.school.code: u
        for u in result.units.filter(standard=QUALITY_2017, stage="primary").select_related("school")
    }
    for school in schools:
        unit = stored[school["code"]]
        assert unit.values == school["values"]
        assert unit.shortfalls == school["shortfalls"]
        assert (unit.students, unit.met, unit.passed) == (school["students"], school["met"], school["pass"])


def test_inputs_of_several_counties_read_together_equal_each_county_read_alone(county, other_county):
    _county_with_big_classes(county)
    small_county(other_county, "37131100")
    params = inputs.current_rule_set(QUALITY_2017).params

    together = inputs.counties_inputs([county.pk, other_county.pk], 2024, params)

    for one in (county, other_county):
        alone = inputs.county_inputs(one, 2024, params)
        assert dataclasses.asdict(together[one.pk]) == dataclasses.asdict(alone)
    assert [s["code"] for s in together[other_county.pk].schools] == ["3713110001", "3713110002"]
    assert together[county.pk].classes[("3713020002", "junior")]["classes"] == 2


def test_a_batch_stores_what_one_county_at_a_time_stores(county, other_county, city):
    _county_with_big_classes(county)
    small_county(other_county, "37131100", year=2023)  # its latest year of data is 2023
    empty = CountyFactory(code="371312", parent=city)
    runs.recompute_county(county.pk, None)
    runs.recompute_county(other_county.pk, None)
    alone = {c.pk: selectors.county_report(c.pk) for c in (county, other_county)}

    outcomes = runs.recompute_batch([county.pk, other_county.pk, empty.pk, city.pk], None, None)

    assert {o["county_id"]: o["status"] for o in outcomes} == {
        county.pk: "done",
        other_county.pk: "done",
        empty.pk: "no_data",
        city.pk: "error",  # not a county
    }
    for c in (county, other_county):
        batch = selectors.county_report(c.pk)
        assert {k: v for k, v in batch.items() if k != "computed_at"} == {
            k: v for k, v in alone[c.pk].items() if k != "computed_at"
        }
    assert selectors.county_report(other_county.pk)["year"] == 2023
    assert CountyResult.objects.filter(county=empty).count() == 0
