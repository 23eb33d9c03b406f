"""Recomputes started from the portal and their progress pages, scoped to the user's counties."""

import pytest
from django.urls import reverse

from indicators import runs
from indicators.models import CountyResult, RecomputeRun
from tests.indicators.scenes import small_county

pytestmark = pytest.mark.django_db


def report_url(code="371302"):
    return reverse("dashboards:county_report", args=[code])


def recompute_url(code="371302"):
    return reverse("indicators:recompute_county", args=[code])


def run_url(run):
    return reverse("indicators:run_detail", args=[run.pk])


def progress_url(run):
    return reverse("indicators:run_progress", args=[run.pk])


def test_clerk_recomputes_own_county_from_its_report_page_and_lands_on_the_run_page(
    client, clerk, county, django_capture_on_commit_callbacks
):
    small_county(county, "37130200")
    runs.recompute_county(county.pk, 2024)
    first = CountyResult.objects.get(county=county).computed_at
    client.force_login(clerk)

    report = client.get(report_url()).content.decode()
    assert recompute_url() in report and "重新计算本区县（2024学年）" in report

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(recompute_url(), {"year": "2024"})

    run = RecomputeRun.objects.get(trigger=RecomputeRun.Trigger.USER)
    assert response.status_code == 302 and response.url == run_url(run)
    assert run.started_by == clerk and run.year == 2024 and run.status == RecomputeRun.Status.DONE
    result = CountyResult.objects.get(county=county)
    assert result.computed_at > first and result.run == run
    page = client.get(run_url(run)).content.decode()
    assert "兰山区" in page and "已完成" in page and "100%" in page and "clerk" in page
    assert 'http-equiv="refresh"' not in page  # finished: no more reloading


def test_official_sees_no_button_and_cannot_recompute_a_county(client, official, county):
    client.force_login(official)
    assert recompute_url() not in client.get(report_url()).content.decode()
    assert client.post(recompute_url()).status_code == 403
    assert not RecomputeRun.objects.exists()


def test_outsider_gets_404_on_another_countys_recompute_button_and_run(client, clerk, other_clerk, county):
    run = runs.recompute_start([county.pk], 2024, user=clerk)
    client.force_login(other_clerk)

    assert client.post(recompute_url("371302")).status_code == 404
    assert client.get(run_url(run)).status_code == 404
    assert client.get(progress_url(run)).status_code == 404
    assert run_url(run) not in client.get(reverse("indicators:run_list")).content.decode()
    assert RecomputeRun.objects.count() == 1


def test_recompute_needs_a_post(client, clerk, county):
    client.force_login(clerk)
    assert client.get(recompute_url()).status_code == 405
    assert client.get(reverse("indicators:recompute_all")).status_code == 405


def test_a_run_in_progress_shows_each_county_queued_and_reloads_itself(
    client, admin_user, county, other_county
):
    run = runs.recompute_start([county.pk, other_county.pk], 2024, user=admin_user)  # not committed: queued
    runs.run_record(run, county.pk, "done")
    client.force_login(admin_user)

    page = client.get(run_url(run)).content.decode()

    assert 'http-equiv="refresh"' in page and "等待中" in page
    assert "50%" in page and "已完成 1 / 2 个区县" in page
    rows = page.split('class="data run-counties"')[1]
    assert rows.index("兰山区") < rows.index("已完成") < rows.index("罗庄区") < rows.index("排队中")
    progress = client.get(progress_url(run)).json()
    assert progress["status"] == "queued" and progress["percent"] == 50 and progress["total"] == 2
    assert [(c["code"], c["status"]) for c in progress["counties"]] == [
        ("371302", "done"),
        ("371311", "queued"),
    ]


def test_admin_recomputes_every_county_of_the_chosen_year_and_the_run_tells_which_had_no_data(
    client, admin_user, county, other_county, django_capture_on_commit_callbacks
):
    small_county(county, "37130200")
    client.force_login(admin_user)
    rules_page = client.get(reverse("indicators:rule_list")).content.decode()
    assert '<option value="2024" selected>' in rules_page  # the latest year with data is the default

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("indicators:recompute_all"), {"year": "2024"})

    run = RecomputeRun.objects.get()
    assert response.url == run_url(run)
    assert run.counties == {
        str(county.pk): {"status": "done", "year": 2024},
        str(other_county.pk): {"status": "no_data"},
    }
    assert CountyResult.objects.filter(county=county, year=2024, run=run).exists()
    page = client.get(run_url(run)).content.decode()
    assert "已完成" in page and "无数据" in page and "罗庄区" in page


def test_recompute_all_refuses_a_year_without_data(client, admin_user, county):
    small_county(county, "37130200")
    client.force_login(admin_user)
    response = client.post(reverse("indicators:recompute_all"), {"year": "1999"}, follow=True)
    assert "请选择要重新计算的学年" in response.content.decode()
    assert not RecomputeRun.objects.exists()


def test_a_failing_county_is_shown_with_its_error(client, admin_user, county):
    run = runs.recompute_start([county.pk], None, user=admin_user)
    runs.run_begin(run.pk)
    runs.run_record(run, county.pk, "error", "ValueError: 数据有误")
    runs.run_finish(run.pk)
    client.force_login(admin_user)

    page = client.get(run_url(run)).content.decode()

    assert "失败" in page and "ValueError: 数据有误" in page and "各区县最新学年" in page


def test_run_list_is_scoped_clerks_see_runs_of_their_county_officials_of_their_city(
    client, admin_user, clerk, other_clerk, official, county, other_county
):
    mine = runs.recompute_start([county.pk], 2024, user=clerk)
    theirs = runs.recompute_start([other_county.pk], 2024, user=other_clerk)
    everyone = runs.recompute_start([county.pk, other_county.pk], 2024, user=admin_user)
    listed = {}
    for user in (clerk, other_clerk, official, admin_user):
        client.force_login(user)
        page = client.get(reverse("indicators:run_list")).content.decode()
        listed[user.username] = {r.pk for r in (mine, theirs, everyone) if run_url(r) in page}

    assert listed == {
        "clerk": {mine.pk, everyone.pk},
        "outsider": {theirs.pk, everyone.pk},
        "official": {mine.pk, theirs.pk, everyone.pk},
        "admin": {mine.pk, theirs.pk, everyone.pk},
    }


def test_a_clerk_sees_only_its_own_county_in_a_run_of_every_county(
    client, admin_user, clerk, county, other_county
):
    run = runs.recompute_start([county.pk, other_county.pk], 2024, user=admin_user)
    client.force_login(clerk)

    page = client.get(run_url(run)).content.decode()

    assert "兰山区" in page and "罗庄区" not in page
    assert "另有 1 个区县不在您的辖区内" in page
    assert [c["code"] for c in client.get(progress_url(run)).json()["counties"]] == ["371302"]


def test_run_list_is_paginated(client, admin_user, county):
    for _ in range(30):
        runs.recompute_start([county.pk], 2024, user=admin_user)
    client.force_login(admin_user)

    first = client.get(reverse("indicators:run_list")).content.decode()
    second = client.get(reverse("indicators:run_list"), {"page": 2}).content.decode()

    assert first.count('href="/indicators/runs/') == 25 and "第 1 页" in first and 'rel="next"' in first
    assert second.count('href="/indicators/runs/') == 5 and 'rel="next"' not in second


def test_a_run_whose_recompute_breaks_is_marked_failed_not_left_running(
    client, admin_user, county, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(code):
        raise RuntimeError("rule set unreadable")

    monkeypatch.setattr(runs, "current_rule_set", broken)
    client.force_login(admin_user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(recompute_url(), {"year": "2024"})

    run = RecomputeRun.objects.get()
    assert run.status == RecomputeRun.Status.FAILED and run.finished_at is not None
    page = client.get(response.url).content.decode()
    assert "失败" in page and 'http-equiv="refresh"' not in page
