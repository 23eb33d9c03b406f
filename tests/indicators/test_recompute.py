"""Recompute: results stored per county and year, named by their rule-set version, replaced atomically."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from indicators import runs, selectors, services, storage
from indicators.models import CountyResult, IndicatorResult, RecomputeRun, RegionRollup, RuleSet, UnitResult
from indicators.rules import QUALITY_2017
from schools.models import SchoolYear
from schools.services import school_year_save
from tests.factories import CountyFactory
from tests.indicators.scenes import primary_school, small_county

pytestmark = pytest.mark.django_db


def q4(county):
    return selectors.county_report(county.pk)["quality_2017"]["primary"]["indicators"]["Q4"]


def test_two_school_county_is_computed_and_stored_with_per_unit_and_per_indicator_rows(county):
    small_county(county, "37130200")

    result = runs.recompute_county(county.pk, 2024)

    # Q4 by hand: (6·400·... ) 400 pupils × 6 m² and 500 pupils × 5 m² → mean 5.444…
    assert q4(county)["mean"] == pytest.approx((2400 + 2500) / 900)
    assert IndicatorResult.objects.filter(result=result, standard="quality_2017").count() == 14
    assert UnitResult.objects.filter(result=result, standard="quality_2017", stage="primary").count() == 2
    assert selectors.county_report(county.pk)["quality_2017"]["junior"]["units"] == 0


def test_a_rule_set_edit_changes_results_only_after_a_recompute_and_results_name_their_version(
    county, admin_user
):
    small_county(county, "37130200")
    runs.recompute_county(county.pk, 2024)
    v1 = RuleSet.objects.get(code=QUALITY_2017, version=1)
    params = {**v1.params, "thresholds": {**v1.params["thresholds"]}}
    params["thresholds"]["primary"] = {**params["thresholds"]["primary"], "Q4": 6.0}

    v2 = services.rule_set_revise(v1, params, admin_user, note="提高生均用房标准")

    assert v2.version == 2 and RuleSet.objects.filter(code=QUALITY_2017).count() == 2
    assert q4(county)["threshold"] == 4.5
    assert selectors.county_report(county.pk)["rule_set"] == {"code": "quality_2017", "version": 1}

    runs.recompute_county(county.pk, 2024)

    report = selectors.county_report(county.pk)
    assert q4(county)["threshold"] == 6.0
    assert report["rule_set"] == {"code": "quality_2017", "version": 2}
    school_b = report["quality_2017"]["primary"]["schools"][1]
    assert school_b["shortfalls"]["Q4"]["missing"] == pytest.approx(500.0)  # 500 pupils × (6 − 5) m²


def test_a_revision_that_drops_a_setting_is_rejected(db):
    v1 = RuleSet.objects.get(code=QUALITY_2017, version=1)
    params = dict(v1.params)
    del params["cv_limits"]

    with pytest.raises(ValidationError):
        services.rule_set_revise(v1, params)
    assert RuleSet.objects.filter(code=QUALITY_2017).count() == 1


def test_admin_edit_of_a_rule_set_saves_a_new_version(admin_user, client):
    v1 = RuleSet.objects.get(code=QUALITY_2017, version=1)
    client.force_login(admin_user)
    import json

    params = {**v1.params, "degree_ratio_target": 1.1}
    response = client.post(
        f"/admin/indicators/ruleset/{v1.pk}/change/",
        {"name": v1.name, "params": json.dumps(params), "note": "放宽城乡比"},
    )

    assert response.status_code == 302
    v1.refresh_from_db()
    assert v1.params["degree_ratio_target"] == 1.05
    assert RuleSet.objects.get(code=QUALITY_2017, version=2).params["degree_ratio_target"] == 1.1


def test_a_failing_county_keeps_its_previous_results_and_the_others_are_done(
    county, other_county, monkeypatch
):
    a, _ = small_county(county, "37130200")
    small_county(other_county, "37131100")
    runs.recompute_many([county.pk, other_county.pk], 2024)
    before = selectors.county_report(county.pk)
    SchoolYear.objects.filter(school__county__in=[county, other_county]).update(teaching_area=9000)

    real = runs.compute_report

    def broken_for_one_county(data, quality, basic):
        if data.county_code == county.code:
            raise ZeroDivisionError("injected")
        return real(data, quality, basic)

    monkeypatch.setattr(runs, "compute_report", broken_for_one_county)
    run = runs.recompute_many([county.pk, other_county.pk], 2024)

    assert run.status == RecomputeRun.Status.PARTIAL
    assert run.counties[str(county.pk)]["status"] == "error"
    assert "ZeroDivisionError" in run.error
    assert selectors.county_report(county.pk) == before
    assert q4(other_county)["mean"] == pytest.approx(9000 * 2 / 900)


def test_a_failure_in_the_middle_of_the_write_leaves_the_previous_results_intact(county, monkeypatch):
    small_county(county, "37130200")
    runs.recompute_county(county.pk, 2024)
    before = selectors.county_report(county.pk)
    rows_before = IndicatorResult.objects.count(), UnitResult.objects.count()
    SchoolYear.objects.filter(school__county=county).update(teaching_area=9000)

    real_write = storage._write_rows

    def write_then_fail(result, report, school_ids):
        real_write(result, report, school_ids)
        raise RuntimeError("disk full")

    monkeypatch.setattr(storage, "_write_rows", write_then_fail)
    with pytest.raises(RuntimeError):
        runs.recompute_county(county.pk, 2024)

    assert selectors.county_report(county.pk) == before
    assert (IndicatorResult.objects.count(), UnitResult.objects.count()) == rows_before
    assert CountyResult.objects.filter(county=county).count() == 1


def test_a_clerks_edit_recomputes_the_county_once_the_change_commits(
    county, clerk, django_capture_on_commit_callbacks
):
    a, _ = small_county(county, "37130200")
    with django_capture_on_commit_callbacks(execute=True):
        runs.recompute_county(county.pk, 2024)
    old = q4(county)["mean"]

    with django_capture_on_commit_callbacks(execute=True):
        school_year_save(user=clerk, school=a, year=2024, teaching_area=4000)

    assert q4(county)["mean"] != old
    assert q4(county)["mean"] == pytest.approx((4000 + 2500) / 900)
    run = RecomputeRun.objects.order_by("-pk").first()
    assert run.trigger == "edit" and run.status == "done"


def test_a_burst_of_edits_in_one_transaction_costs_one_recompute(
    county, clerk, django_capture_on_commit_callbacks
):
    from django.db import transaction

    a, b = small_county(county, "37130200")
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        school_year_save(user=clerk, school=a, year=2024, teaching_area=4000)
        school_year_save(user=clerk, school=b, year=2024, teaching_area=4000)

    assert RecomputeRun.objects.count() == 1
    assert CountyResult.objects.get(county=county).report["quality_2017"]["primary"]["indicators"]["Q4"][
        "mean"
    ] == pytest.approx(8000 / 900)


def test_an_edit_without_a_year_recomputes_the_latest_year_of_data(county):
    small_county(county, "37130200", year=2023)
    small_county(county, "37130201", year=2024)

    runs.recompute_many([county.pk], None)

    assert selectors.latest_result_year(county.pk) == 2024
    assert selectors.county_report(county.pk)["year"] == 2024


def test_recompute_command_and_roll_ups_count_counties_passing(county, other_county, city):
    small_county(county, "37130200")
    call_command("recompute", year=2024, verbosity=0, stdout=open("/dev/null", "w"))

    rollup = RegionRollup.objects.get(region=city, year=2024)
    assert rollup.counties == 2
    assert rollup.counties_with_results == 1
    assert [r["code"] for r in rollup.ranking] == [county.code]
    assert selectors.region_rollup(city.pk)["counties_passing"] == 0  # county inputs missing → not passing


def test_county_summaries_list_the_verdict_of_each_county(county, other_county):
    small_county(county, "37130200")
    runs.recompute_county(county.pk, 2024)

    rows = selectors.county_summaries([county.pk, other_county.pk])

    assert [r["code"] for r in rows] == [county.code]
    row = rows[0]
    assert row["verdict"] == {
        "resource": "pass",
        "government": "incomplete",  # pay, training hours, rotation … not reported
        "quality": "incomplete",
        "recognition": "incomplete",
    }
    assert row["pass_2017"] is None
    assert row["rule_set"] == {"code": "quality_2017", "version": 1}
    assert row["computed_at"] is not None


def test_recompute_all_task_fans_out_per_county_and_writes_roll_ups(county, other_county, city):
    from indicators.tasks import recompute_all

    small_county(county, "37130200")
    small_county(other_county, "37131100")
    CountyFactory(code="371312", parent=city)  # a county without data

    recompute_all.delay(2024)

    run = RecomputeRun.objects.get(trigger="beat")
    assert run.status == "done"
    assert {v["status"] for v in run.counties.values()} == {"done", "no_data"}
    assert CountyResult.objects.filter(year=2024).count() == 2
    assert RegionRollup.objects.get(region=city, year=2024).counties_with_results == 2


def test_recompute_of_a_county_without_data_stores_nothing(county):
    assert runs.recompute_county(county.pk, None) is None
    assert selectors.county_report(county.pk) is None


def test_teaching_points_below_50_pupils_are_not_units(county):
    small_county(county, "37130200")
    point = primary_school(county, "3713020099", 30)
    point.kind = "teaching_point"
    point.save()

    runs.recompute_county(county.pk, 2024)

    codes = [s["code"] for s in selectors.county_report(county.pk)["quality_2017"]["primary"]["schools"]]
    assert "3713020099" not in codes and len(codes) == 2
    # …but their classes and teachers still count in class size and the urban–rural ratio
    assert selectors.county_report(county.pk)["class_size"]["primary"]["classes"] == 3
