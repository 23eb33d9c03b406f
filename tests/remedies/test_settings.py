"""The planner's unit costs and rotation rules are settings of the 2017 rule set: shown and edited by administrators
on the existing rule-set pages (a new version each time), defaults from remedies/costs.py, and the next planner
run uses the current version and records it."""

import pytest
from django.urls import reverse

from indicators.models import RuleSet
from indicators.rules import QUALITY_2017, default_params
from remedies import services
from remedies.costs import DEFAULT_COSTS
from remedies.models import RemedyRun
from tests.indicators.test_views_rules import form_data
from tests.remedies.scenes import YEAR, rooms_short_county, rooms_short_least_cost, rotation_county

pytestmark = pytest.mark.django_db

ROOM = "p__remedy_costs__multimedia_room"


def test_the_2017_rule_set_has_the_planners_settings_with_the_costs_defaults():
    params = default_params(QUALITY_2017)
    assert params["remedy_costs"] == DEFAULT_COSTS
    assert params["rotation_eligibility"] == "flag" and params["rotation_max_distance_km"] is None


def test_the_rule_page_shows_the_unit_costs_in_chinese(client, clerk):
    client.force_login(clerk)
    page = client.get(reverse("indicators:rule_detail", args=[QUALITY_2017])).content.decode()
    assert "补短板测算（资源缺口与交流轮岗）" in page
    assert "补短板测算的单位成本 · 网络多媒体教室（元/间）" in page
    assert "交流轮岗：可参加交流的教师" in page and "名册中标记为符合交流条件的专任教师" in page


def run(user, county, kind, capture):
    with capture(execute=True):
        queued = services.run_request(user=user, county=county, kind=kind, year=YEAR, time_limit_s=20)
    queued.refresh_from_db()
    return queued


def test_an_administrator_changes_a_unit_cost_and_the_next_run_uses_it(
    client, admin_user, clerk, county, django_capture_on_commit_callbacks
):
    rooms_short_county(county)
    client.force_login(admin_user)

    response = client.post(reverse("indicators:rule_edit", args=[QUALITY_2017]), form_data(**{ROOM: "90000"}))

    assert response.status_code == 302
    latest = RuleSet.objects.filter(code=QUALITY_2017).latest("version")
    assert latest.version == 2 and latest.params["remedy_costs"]["multimedia_room"] == 90000
    done = run(clerk, county, "cheapest", django_capture_on_commit_callbacks)
    rooms = rooms_short_least_cost() / DEFAULT_COSTS["multimedia_room"]
    assert done.result["total_cost"] == pytest.approx(rooms * 90000)
    assert done.rule_set == latest


def test_a_negative_unit_cost_is_refused_on_the_rule_page(client, admin_user):
    client.force_login(admin_user)
    response = client.post(reverse("indicators:rule_edit", args=[QUALITY_2017]), form_data(**{ROOM: "-1"}))
    assert response.status_code == 200
    assert "不能为负数" in response.content.decode()
    assert RuleSet.objects.filter(code=QUALITY_2017).count() == 1


def test_eligibility_all_lets_every_full_time_teacher_rotate(
    client, admin_user, clerk, county, django_capture_on_commit_callbacks
):
    rotation_county(county, eligible=False)
    assert (
        run(clerk, county, "rotation", django_capture_on_commit_callbacks).status
        == RemedyRun.Status.INFEASIBLE
    )
    client.force_login(admin_user)

    response = client.post(
        reverse("indicators:rule_edit", args=[QUALITY_2017]), form_data(p__rotation_eligibility="all")
    )

    assert response.status_code == 302
    done = run(clerk, county, "rotation", django_capture_on_commit_callbacks)
    assert done.status == RemedyRun.Status.DONE and done.result["verified"] is True
    assert done.result["rules"]["eligibility"] == "all"
