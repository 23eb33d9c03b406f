"""The planner's API: scenarios made and changed by JSON, the scenario's report with the figures that changed, the
planners queued and read back with their verified plan; another county's ids answer 404."""

import pytest
from rest_framework.test import APIClient

from remedies.api import RunSerializer, ScenarioReportSerializer
from remedies.models import RemedyRun, Scenario
from tests.remedies.scenes import (
    YEAR,
    rooms_short_county,
    rooms_short_least_cost,
    rotation_county,
    rotation_fewest_moves,
)

pytestmark = pytest.mark.django_db


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_scenario_is_made_changed_and_reported_through_the_api(clerk, county):
    rooms_short_county(county)
    client = api(clerk)

    created = client.post(
        f"/api/v1/counties/{county.code}/scenarios/", {"name": "补多媒体教室", "year": YEAR}, format="json"
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    added = client.post(
        f"/api/v1/scenarios/{pk}/changes/",
        {"kind": "add_multimedia_rooms", "school": "3713020003", "rooms": 6},
        format="json",
    )
    assert added.status_code == 201
    assert (
        added.json()["index"] == 0
        and added.json()["description"] == "学校 3713020003 增加网络多媒体教室 6 间"
    )
    report = client.get(f"/api/v1/scenarios/{pk}/report/")

    body = report.json()
    assert report.status_code == 200
    assert ScenarioReportSerializer(data=body).is_valid()
    assert body["quality_2017"]["verdict"]["resource"] == "pass"
    changed = {c["id"]: c for c in body["changed"]}
    q7 = changed["quality_2017.primary.schools.3713020003.Q7"]
    assert q7["actual"] == pytest.approx(0.8) and q7["scenario"] == pytest.approx(2.0)
    assert (
        changed["verdict.resource"]["actual"] == "fail" and changed["verdict.resource"]["scenario"] == "pass"
    )
    assert body["sentence"].endswith("全县资源配置达标")
    assert Scenario.objects.get(pk=pk).changes == [
        {"kind": "add_multimedia_rooms", "school": "3713020003", "rooms": 6}
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"kind": "add_teaching_area", "school": "3713020001"}, "增加教学及辅助用房面积：缺少面积（m²）"),
        ({"kind": "add_teaching_area", "school": "3713020001", "area": -5}, "面积（m²）应为大于 0 的数"),
        ({"kind": "build_a_pool", "school": "3713020001"}, "未知的修改类型"),
        ({"kind": "add_equipment", "school": "3713029999", "value": 5}, "学校 3713029999 不在 兰山区"),
    ],
    ids=["missing field", "negative area", "unknown kind", "unknown school"],
)
def test_a_change_that_cannot_be_used_answers_400_in_chinese_and_is_not_kept(clerk, county, change, message):
    rooms_short_county(county)
    client = api(clerk)
    pk = client.post(
        f"/api/v1/counties/{county.code}/scenarios/", {"name": "x", "year": YEAR}, format="json"
    ).json()["id"]

    response = client.post(f"/api/v1/scenarios/{pk}/changes/", change, format="json")

    assert response.status_code == 400
    assert message in str(response.json())
    assert Scenario.objects.get(pk=pk).changes == []


def test_the_cheapest_pass_is_queued_and_read_back_verified(
    clerk, county, django_capture_on_commit_callbacks
):
    rooms_short_county(county)
    client = api(clerk)

    with django_capture_on_commit_callbacks(execute=True):
        queued = client.post(
            f"/api/v1/counties/{county.code}/remedies/cheapest-pass/",
            {"year": YEAR, "time_limit_s": 20},
            format="json",
        )
    assert queued.status_code == 202
    run = client.get(f"/api/v1/remedies/{queued.json()['id']}/").json()

    assert RunSerializer(data=run).is_valid()
    assert run["status"] == "done" and run["verified"] is True and run["progress"] == 1.0
    assert run["total_cost"] == pytest.approx(rooms_short_least_cost())
    assert run["objective"] == pytest.approx(run["total_cost"]) and run["bound"] <= run["objective"] + 1e-6
    assert {a["what"] for a in run["actions"]} == {"multimedia_rooms"}
    assert run["report"]["quality_2017"]["verdict"]["resource"] == "pass"


def test_the_rotation_is_queued_and_read_back_with_teacher_numbers_only(
    clerk, county, django_capture_on_commit_callbacks
):
    rotation_county(county)
    client = api(clerk)

    with django_capture_on_commit_callbacks(execute=True):
        queued = client.post(
            f"/api/v1/counties/{county.code}/remedies/rotation/",
            {"year": YEAR, "time_limit_s": 20},
            format="json",
        )
    run = client.get(f"/api/v1/remedies/{queued.json()['id']}/").json()

    assert run["status"] == "done" and run["verified"] is True
    assert run["moves"] == rotation_fewest_moves() == len(run["transfers"])
    assert all(set(t) >= {"teacher_id", "from_school", "to_school", "why"} for t in run["transfers"])
    assert "老师" not in str(run)
    assert run["report"]["urban_rural_degree_ratio"]["pass"] is True


def test_another_countys_ids_answer_404_as_missing_ones(other_clerk, clerk, county, other_county):
    rooms_short_county(county)
    own = api(clerk)
    pk = own.post(
        f"/api/v1/counties/{county.code}/scenarios/", {"name": "x", "year": YEAR}, format="json"
    ).json()["id"]
    run = RemedyRun.objects.create(kind="cheapest", county=county, year=YEAR)
    outsider = api(other_clerk)

    assert outsider.get(f"/api/v1/scenarios/{pk}/report/").status_code == 404
    assert outsider.get("/api/v1/scenarios/2000000000/report/").status_code == 404
    assert (
        outsider.post(
            f"/api/v1/scenarios/{pk}/changes/", {"kind": "add_equipment"}, format="json"
        ).status_code
        == 404
    )
    assert outsider.get(f"/api/v1/remedies/{run.pk}/").status_code == 404
    for path in ("scenarios/", "remedies/cheapest-pass/", "remedies/rotation/"):
        response = outsider.post(
            f"/api/v1/counties/{county.code}/{path}", {"name": "x", "year": YEAR}, format="json"
        )
        assert response.status_code == 404
    assert Scenario.objects.count() == 1 and RemedyRun.objects.count() == 1


def test_a_time_limit_out_of_bounds_is_refused(clerk, county):
    rooms_short_county(county)
    response = api(clerk).post(
        f"/api/v1/counties/{county.code}/remedies/cheapest-pass/",
        {"year": YEAR, "time_limit_s": 100000},
        format="json",
    )
    assert response.status_code == 400
    assert RemedyRun.objects.count() == 0
