"""The remedy planner as a new user meets it after `make run`: the demo city loaded, the demo clerk logs in through
the form, opens the failing county from the dashboard, asks for the cheapest way to pass and for a rotation plan,
sees both verified by the engine, turns one into a scenario and the scenario into plan projects."""

import re

import pytest
from django.core.management import call_command

from accounts.models import User
from core.models import Region
from indicators import runs
from plans.models import Plan, Project
from workbook import demo

from .conftest import log_in

pytestmark = pytest.mark.browser

FAILING = "371302"  # 兰山区: crowded urban schools and weak village schools (workbook/demo.py)


@pytest.fixture
def demo_city(transactional_db):
    call_command("load_demo", skip_recompute=True, stdout=open("/dev/null", "w"))
    county = Region.objects.get(code=FAILING)
    runs.recompute_county(county.pk, demo.CURRENT_YEAR)
    # the built-in plans come with a data migration, which a live-server test's flush removes: the city's plan
    # stands in for the Linyi plan the demo clerk works under
    if not Plan.objects.filter(region_code="371300").exists():
        Plan.objects.create(
            slug="linyi-demo",
            title="临沂市县域义务教育优质均衡推进方案",
            region_code="371300",
            region_name="临沂市",
            year=2023,
        )
    return county


def test_the_demo_clerk_plans_the_cheapest_pass_and_a_rotation_and_turns_them_into_plan_projects(
    page, demo_city, screenshot
):
    log_in(page, User.objects.get(username="demo-clerk"))

    page.goto("/indicators/")
    page.get_by_role("link", name="兰山区").first.click()
    assert page.locator("h1").inner_text().startswith("兰山区")
    assert page.locator(".st-fail").count() >= 1  # the county fails today
    page.get_by_role("link", name="补短板测算：最低成本与交流轮岗").click()

    page.locator("#id_cheapest-time_limit_s").fill("30")
    with page.expect_navigation():
        page.get_by_role("button", name="开始测算最低成本").click()
    page.wait_for_selector("[data-status=done]", timeout=90_000)
    assert page.locator("[data-verified]").inner_text() == "经引擎验证"
    assert re.search(r"[\d,]+", page.locator("[data-total]").inner_text())
    assert "全县资源配置达标" in page.locator("[data-sentence]").inner_text()
    screenshot(page, "cheapest")
    cheapest_url = page.url

    page.get_by_role("link", name="达标测算与交流轮岗").click()
    page.locator("#id_rotation-time_limit_s").fill("30")
    with page.expect_navigation():
        page.get_by_role("button", name="开始编制交流方案").click()
    page.wait_for_selector("[data-status=done]", timeout=90_000)
    assert page.locator("[data-verified]").inner_text() == "经引擎验证"
    assert "城乡学历比" in page.locator("[data-sentence]").inner_text()
    assert page.get_by_role("link", name="下载交流名单（xlsx，供人事科）").is_visible()
    screenshot(page, "rotation")

    page.goto(cheapest_url)
    with page.expect_navigation():
        page.get_by_role("button", name="转为模拟方案").click()
    assert page.locator("[data-sentence]").inner_text().startswith("按此方案")
    assert page.locator(".changed").count() > 0  # every changed figure highlighted
    screenshot(page, "scenario")

    page.get_by_role("link", name="生成规划项目").click()
    with page.expect_navigation():
        page.get_by_role("button", name="生成").click()
    assert "个重点项目/举措" in page.locator(".messages").inner_text()
    projects = Project.objects.filter(county=demo_city)
    assert projects.exists() and all(p.shortfall for p in projects if p.indicator_code.startswith("Q"))
    screenshot(page, "projects")
