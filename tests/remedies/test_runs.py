"""The planners through the task path: asked on a page, queued on commit, run by the Celery task (inline in tests),
the plan found on small counties whose answer is worked out by hand, every plan passing when the engine
recomputes it, infeasible cases explained in Chinese, and the run page showing it."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from indicators import engine, runs
from remedies import selectors, services
from remedies.changes import apply_changes
from remedies.models import RemedyRun
from remedies.units import resource_problems
from teachers.models import Teacher
from tests.remedies.scenes import (
    YEAR,
    rooms_short_county,
    rooms_short_least_cost,
    rotation_county,
    rotation_fewest_moves,
    snapshot,
)

pytestmark = pytest.mark.django_db


def ask(client, county, kind, django_capture_on_commit_callbacks, **fields):
    """Submit the page's form; the task runs when the request's transaction commits."""
    url = reverse(
        "remedies:cheapest_request" if kind == "cheapest" else "remedies:rotation_request", args=[county.code]
    )
    data = {f"{kind}-year": YEAR, f"{kind}-time_limit_s": 30, **{f"{kind}-{k}": v for k, v in fields.items()}}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:500]
    run = RemedyRun.objects.latest("pk")
    assert response["Location"] == reverse("remedies:run_detail", args=[run.pk])
    return run


def engine_report_after(run):
    """The engine's own report of the county with the run's changes laid over its inputs, read afresh."""
    read = selectors.county_inputs(run.county, run.year)
    data = apply_changes(read.data, run.result["changes"], read.quality_params)
    return engine.compute_report(data, read.quality_params, read.basic_params).to_json()


def test_the_cheapest_way_to_pass_costs_what_the_spec_says_and_the_engine_passes_it(
    client, clerk, county, django_capture_on_commit_callbacks
):
    rooms_short_county(county)
    client.force_login(clerk)

    run = ask(client, county, "cheapest", django_capture_on_commit_callbacks)

    run.refresh_from_db()
    assert run.status == RemedyRun.Status.DONE
    assert run.result["verified"] is True
    assert run.result["total_cost"] == pytest.approx(rooms_short_least_cost())
    assert run.result["bound"] <= run.result["total_cost"] + 1e-6
    assert not resource_problems(engine_report_after(run))
    assert run.progress == 1.0 and run.best["objective"] == pytest.approx(run.result["total_cost"])
    assert run.rule_set is not None and run.rule_set.code == "quality_2017"

    page = client.get(reverse("remedies:run_detail", args=[run.pk])).content.decode()
    assert "经引擎验证" in page
    assert f"{rooms_short_least_cost():,.0f}" in page  # the total, by school and by indicator
    assert "按学校" in page and "按指标" in page and "与下界的差距" in page
    assert "转为模拟方案" in page


def test_a_cost_cap_below_the_need_is_infeasible_and_says_the_least_cost_in_chinese(
    client, clerk, county, django_capture_on_commit_callbacks
):
    rooms_short_county(county)
    client.force_login(clerk)

    run = ask(client, county, "cheapest", django_capture_on_commit_callbacks, cost_cap=100_000)

    run.refresh_from_db()
    assert run.status == RemedyRun.Status.INFEASIBLE
    assert "成本上限 100,000 元低于达标所需的最低成本" in run.reason
    page = client.get(reverse("remedies:run_detail", args=[run.pk])).content.decode()
    assert "没有可行方案" in page and "成本上限 100,000 元" in page
    assert "转为模拟方案" not in page


def test_the_rotation_plan_has_the_fewest_moves_worked_out_by_hand_and_the_engine_passes_it(
    client, clerk, county, django_capture_on_commit_callbacks
):
    rotation_county(county)
    client.force_login(clerk)

    run = ask(client, county, "rotation", django_capture_on_commit_callbacks)

    run.refresh_from_db()
    assert run.status == RemedyRun.Status.DONE, run.reason
    assert run.result["verified"] is True
    assert run.result["moves"] == rotation_fewest_moves()
    assert run.result["bound"] == rotation_fewest_moves()
    after = engine_report_after(run)
    assert after["urban_rural_degree_ratio"]["pass"] is True
    assert run.result["greedy"]["moves"] >= run.result["moves"]
    transfers = run.result["transfers"]
    assert all(t["why"] for t in transfers)
    assert {t["subject"] for t in transfers} <= {"语文", "数学"}  # PE teachers are not eligible


def test_the_transfer_list_names_teachers_on_the_page_and_in_the_file_only(
    client, clerk, county, django_capture_on_commit_callbacks, caplog
):
    rotation_county(county)
    client.force_login(clerk)
    caplog.set_level("DEBUG")

    run = ask(client, county, "rotation", django_capture_on_commit_callbacks)
    run.refresh_from_db()
    moved = {t["teacher_id"] for t in run.result["transfers"]}
    names = {f"{tid[0]}老师{tid[-1]}" for tid in moved}

    page = client.get(reverse("remedies:run_detail", args=[run.pk])).content.decode()
    assert all(name in page for name in names)
    xlsx = client.get(reverse("remedies:run_transfers_xlsx", args=[run.pk]))
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    cells = {str(c.value) for row in load_workbook(io.BytesIO(xlsx.content)).active.iter_rows() for c in row}
    assert names <= cells and moved <= cells
    api = client.get(f"/api/v1/remedies/{run.pk}/").content.decode()
    assert not any(name in api for name in names)
    assert "老师" not in caplog.text
    assert "老师" not in str(run.result) and "老师" not in str(run.options)


def test_without_eligible_teachers_there_is_no_rotation_and_the_reason_is_in_chinese(
    client, clerk, county, django_capture_on_commit_callbacks
):
    rotation_county(county, eligible=False)
    client.force_login(clerk)

    run = ask(client, county, "rotation", django_capture_on_commit_callbacks)

    run.refresh_from_db()
    assert run.status == RemedyRun.Status.INFEASIBLE
    assert "没有标记为“符合交流条件”" in run.reason
    assert (
        "没有标记为“符合交流条件”"
        in client.get(reverse("remedies:run_detail", args=[run.pk])).content.decode()
    )


def test_reaching_every_minimum_by_rotation_alone_is_refused_with_why(
    client, clerk, county, django_capture_on_commit_callbacks
):
    """A rural school short of PE teachers: same-subject swaps cannot change its Q3, and the reason says so."""
    urban, rural = rotation_county(county)
    Teacher.objects.filter(school=rural, subject="体育").update(subject="语文")
    client.force_login(clerk)

    run = ask(client, county, "rotation", django_capture_on_commit_callbacks, school_targets="reach")

    run.refresh_from_db()
    assert run.status == RemedyRun.Status.INFEASIBLE
    assert "Q3" in run.reason and "交流" in run.reason


def test_a_run_is_done_once_a_second_delivery_of_the_task_changes_nothing(
    clerk, county, django_capture_on_commit_callbacks
):
    rooms_short_county(county)
    with django_capture_on_commit_callbacks(execute=True):
        run = services.run_request(user=clerk, county=county, kind="cheapest", year=YEAR, time_limit_s=30)
    run.refresh_from_db()
    finished = run.finished_at

    assert services.run_execute(run.pk) == RemedyRun.Status.DONE

    run.refresh_from_db()
    assert run.finished_at == finished


def test_a_run_another_worker_is_running_is_left_alone(clerk, county):
    rooms_short_county(county)
    run = RemedyRun.objects.create(kind="cheapest", county=county, year=YEAR, requested_by=clerk)
    RemedyRun.objects.filter(pk=run.pk).update(status="running", started_at=timezone.now())

    assert services.run_execute(run.pk) == RemedyRun.Status.RUNNING
    run.refresh_from_db()
    assert run.result == {}


def test_a_running_run_shows_a_progress_bar_and_the_best_plan_so_far(client, clerk, county):
    rooms_short_county(county)
    run = RemedyRun.objects.create(
        kind="cheapest",
        county=county,
        year=YEAR,
        requested_by=clerk,
        status="running",
        progress=0.4,
        message="整数规划第 3 轮",
        best={"objective": 480000.0, "bound": 300000.0, "actions": 3},
    )
    client.force_login(clerk)

    page = client.get(reverse("remedies:run_detail", args=[run.pk])).content.decode()

    assert '<progress class="planner" max="100" value="40">' in page
    assert "整数规划第 3 轮" in page
    assert "480,000" in page and "300,000" in page
    assert 'http-equiv="refresh"' in page


def test_the_stored_results_and_data_are_untouched_by_a_run(
    client, clerk, county, django_capture_on_commit_callbacks
):
    rooms_short_county(county)
    runs.recompute_county(county.pk, YEAR)
    before = snapshot(county)
    client.force_login(clerk)

    ask(client, county, "cheapest", django_capture_on_commit_callbacks)

    assert snapshot(county) == before


def distances_file(km) -> SimpleUploadedFile:
    text = f"学校标识码1,学校标识码2,距离（km）\n3713020001,3713020002,{km}\n"
    return SimpleUploadedFile("距离.csv", text.encode("utf-8"))


def test_a_rotation_within_a_distance_limit_uses_the_uploaded_distances(
    client, clerk, county, django_capture_on_commit_callbacks
):
    rotation_county(county)
    client.force_login(clerk)

    run = ask(
        client,
        county,
        "rotation",
        django_capture_on_commit_callbacks,
        distances=distances_file(12),
        max_distance_km=20,
    )

    run.refresh_from_db()
    assert run.status == RemedyRun.Status.DONE and run.result["verified"] is True
    assert run.result["rules"]["max_distance"] == 20
    assert {t["distance"] for t in run.result["transfers"]} == {12.0}


def test_no_pair_of_schools_within_the_distance_limit_means_no_rotation(
    client, clerk, county, django_capture_on_commit_callbacks
):
    rotation_county(county)
    client.force_login(clerk)

    run = ask(
        client,
        county,
        "rotation",
        django_capture_on_commit_callbacks,
        distances=distances_file(12),
        max_distance_km=10,
    )

    run.refresh_from_db()
    assert run.status == RemedyRun.Status.INFEASIBLE
    assert "无法" in run.reason


def test_a_distance_file_with_a_bad_row_is_refused_before_anything_is_queued(client, clerk, county):
    rotation_county(county)
    client.force_login(clerk)
    url = reverse("remedies:rotation_request", args=[county.code])

    response = client.post(
        url,
        {
            "rotation-year": YEAR,
            "rotation-time_limit_s": 20,
            "rotation-distances": distances_file("很远"),
            "rotation-max_distance_km": 10,
        },
        follow=True,
    )

    assert "第 2 行：应为数字" in response.content.decode()
    assert RemedyRun.objects.count() == 0
