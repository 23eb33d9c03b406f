"""Scope of every planner page and endpoint, for the three personas and the outsider: the county's clerk and an
administrator read and write, the city's official reads and is refused every write (403), another county's
clerk gets 404 for everything of this county, as for something that does not exist."""

import pytest
from django.urls import reverse

from remedies import services
from remedies.models import RemedyRun, Scenario
from tests.remedies.scenes import YEAR, rotation_county

pytestmark = pytest.mark.django_db

NAME = "兰山区䶵试算方案"  # a rare character: a hit in another county's page cannot be a coincidence


@pytest.fixture
def objects(clerk, county, django_capture_on_commit_callbacks):
    rotation_county(county)
    scenario = services.scenario_create(user=clerk, county=county, name=NAME, year=YEAR)
    services.scenario_add_change(
        user=clerk, scenario=scenario, raw={"kind": "add_teaching_area", "school": "3713020001", "area": 10}
    )
    with django_capture_on_commit_callbacks(execute=True):
        run = services.run_request(user=clerk, county=county, kind="rotation", year=YEAR, time_limit_s=20)
    run.refresh_from_db()
    assert run.status == RemedyRun.Status.DONE
    return {"code": county.code, "scenario": scenario.pk, "run": run.pk}


# (label, method, url, body, is_api, writes)
ROUTES = [
    (
        "scenario list",
        "GET",
        lambda o: reverse("remedies:scenario_list", args=[o["code"]]),
        None,
        False,
        False,
    ),
    (
        "scenario page",
        "GET",
        lambda o: reverse("remedies:scenario_detail", args=[o["scenario"]]),
        None,
        False,
        False,
    ),
    ("runs page", "GET", lambda o: reverse("remedies:run_list", args=[o["code"]]), None, False, False),
    ("run page", "GET", lambda o: reverse("remedies:run_detail", args=[o["run"]]), None, False, False),
    (
        "transfer list",
        "GET",
        lambda o: reverse("remedies:run_transfers_xlsx", args=[o["run"]]),
        None,
        False,
        False,
    ),
    ("api scenario report", "GET", lambda o: f"/api/v1/scenarios/{o['scenario']}/report/", None, True, False),
    ("api run", "GET", lambda o: f"/api/v1/remedies/{o['run']}/", None, True, False),
    (
        "create scenario",
        "POST",
        lambda o: reverse("remedies:scenario_list", args=[o["code"]]),
        {"name": "新方案", "year": YEAR},
        False,
        True,
    ),
    (
        "add change",
        "POST",
        lambda o: reverse("remedies:scenario_change_add", args=[o["scenario"]]),
        {
            "form": "facility",
            "facility-school": "3713020002",
            "facility-what": "add_equipment",
            "facility-amount": "1000",
        },
        False,
        True,
    ),
    (
        "delete change",
        "POST",
        lambda o: reverse("remedies:scenario_change_delete", args=[o["scenario"]]),
        {"index": 0},
        False,
        True,
    ),
    (
        "upload changes",
        "POST",
        lambda o: reverse("remedies:scenario_upload", args=[o["scenario"]]),
        {},
        False,
        True,
    ),
    (
        "projects page",
        "GET",
        lambda o: reverse("remedies:scenario_projects", args=[o["scenario"]]),
        None,
        False,
        True,
    ),
    (
        "delete scenario",
        "POST",
        lambda o: reverse("remedies:scenario_delete", args=[o["scenario"]]),
        {},
        False,
        True,
    ),
    (
        "ask cheapest",
        "POST",
        lambda o: reverse("remedies:cheapest_request", args=[o["code"]]),
        {"cheapest-year": YEAR, "cheapest-time_limit_s": 10},
        False,
        True,
    ),
    (
        "ask rotation",
        "POST",
        lambda o: reverse("remedies:rotation_request", args=[o["code"]]),
        {"rotation-year": YEAR, "rotation-time_limit_s": 10},
        False,
        True,
    ),
    (
        "run to scenario",
        "POST",
        lambda o: reverse("remedies:run_to_scenario", args=[o["run"]]),
        {},
        False,
        True,
    ),
    (
        "api create scenario",
        "POST",
        lambda o: f"/api/v1/counties/{o['code']}/scenarios/",
        {"name": "新方案", "year": YEAR},
        True,
        True,
    ),
    (
        "api add change",
        "POST",
        lambda o: f"/api/v1/scenarios/{o['scenario']}/changes/",
        {"kind": "add_equipment", "school": "3713020002", "value": 1000},
        True,
        True,
    ),
    (
        "api cheapest",
        "POST",
        lambda o: f"/api/v1/counties/{o['code']}/remedies/cheapest-pass/",
        {"year": YEAR, "time_limit_s": 10},
        True,
        True,
    ),
    (
        "api rotation",
        "POST",
        lambda o: f"/api/v1/counties/{o['code']}/remedies/rotation/",
        {"year": YEAR, "time_limit_s": 10},
        True,
        True,
    ),
]


def send(client, route, objects):
    _label, method, url, body, is_api, _writes = route
    if method == "GET":
        return client.get(url(objects))
    if is_api:
        return client.post(url(objects), body, content_type="application/json")
    return client.post(url(objects), body)


@pytest.mark.parametrize("route", ROUTES, ids=[r[0] for r in ROUTES])
@pytest.mark.parametrize("persona", ["clerk", "admin_user", "official", "other_clerk"])
def test_each_persona_gets_what_its_role_and_region_allow(
    client, request, objects, route, persona, django_capture_on_commit_callbacks
):
    client.force_login(request.getfixturevalue(persona))
    scenarios, runs = Scenario.objects.count(), RemedyRun.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        response = send(client, route, objects)

    writes = route[5]
    if persona == "other_clerk":
        assert response.status_code == 404
    elif persona == "official" and writes:
        assert response.status_code == 403
    else:
        assert response.status_code < 400 or response.status_code == 400 and route[0] == "upload changes"
    if response.status_code in (403, 404):  # refused: nothing written
        assert (Scenario.objects.count(), RemedyRun.objects.count()) == (scenarios, runs)


def test_the_outsider_sees_none_of_the_countys_scenarios_or_runs_in_its_own_lists(
    client, other_clerk, other_county, objects
):
    client.force_login(other_clerk)
    assert (
        NAME not in client.get(reverse("remedies:scenario_list", args=[other_county.code])).content.decode()
    )
    runs_page = client.get(reverse("remedies:run_list", args=[other_county.code])).content.decode()
    assert reverse("remedies:run_detail", args=[objects["run"]]) not in runs_page
