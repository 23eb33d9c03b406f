"""The project page as a clerk meets it: the plan's targets with their stored status and trajectory, a project
reported on with an attachment through the styled form with a real date picker, the report on the timeline; the
outsider gets 404."""

import datetime

import pytest

from plans import services
from plans.models import Plan, Project, Target
from tests.plans.conftest import ResultStore, make_report

pytestmark = pytest.mark.browser


@pytest.fixture
def linyi(transactional_db, city, county, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    # the built-in plans come with a data migration, which a live-server test's flush removes
    plan = Plan.objects.create(
        slug="linyi-browser", title="临沂市建设乡村教育振兴先行区实施方案", region_code=city.code,
        region_name=city.name, year=2023,
    )  # fmt: skip
    Target.objects.create(
        plan=plan, description="城乡学历比降至1.05以内", indicator_code="urban_rural_degree_ratio", comparator="lte",
        value=1.05, deadline=datetime.date(2027, 12, 31), region_code=city.code, region_name=city.name,
    )  # fmt: skip
    store = ResultStore()
    store[(county.pk, 2023)] = make_report(urban_rural_degree_ratio__ratio=1.90)
    store[(county.pk, 2024)] = make_report(urban_rural_degree_ratio__ratio=1.802)
    services.targets_judge()
    return plan


@pytest.fixture
def project(linyi, county):
    return Project.objects.create(
        plan=linyi, title="兰山区教师周转宿舍", county=county, deadline=datetime.date(2026, 6, 30)
    )


def test_clerk_reads_the_target_and_reports_progress_with_an_attachment(
    clerk_page, linyi, project, tmp_path, screenshot
):
    page = clerk_page
    page.goto(f"/plans/{linyi.pk}/")
    row = page.locator(f"tr[data-target='{linyi.targets.get().pk}']")
    assert "偏离目标" in row.inner_text()
    assert page.locator(".trajectory figure.chart").count() == 1
    assert "直线路径" in page.locator(".method").inner_text()
    screenshot(page, "plan")

    page.goto(f"/plans/projects/{project.pk}/")
    assert "逾期" in page.locator("dl").inner_text()
    assert page.locator("#id_date").get_attribute("type") == "date"
    attachment = tmp_path / "验收报告.pdf"
    attachment.write_bytes(b"%PDF-1.4\n%%EOF\n")
    page.locator("#id_date").fill("2026-11-20")
    page.locator("#id_status").select_option("in_progress")
    page.locator("#id_progress").fill("60")
    page.locator("#id_text").fill("主体完工，正在验收")
    page.locator("#id_files").set_input_files(str(attachment))
    with page.expect_navigation():
        page.get_by_role("button", name="提交进展报告").click()
    item = page.locator(".timeline-item").first
    assert "2026年11月20日" in item.inner_text() and "60%" in item.inner_text()
    assert item.get_by_role("link", name="验收报告.pdf").count() == 1
    screenshot(page, "project")


def test_the_outsider_gets_404_on_the_project_page(other_clerk_page, project, console_errors):
    response = other_clerk_page.goto(f"/plans/projects/{project.pk}/")
    assert response.status == 404
    assert "兰山区教师周转宿舍" not in other_clerk_page.content()
    console_errors[:] = [e for e in console_errors if "404" not in e]  # the expected answer, not a page error
