"""One county's stored report at /indicators/counties/<code>/, rendered readably and scoped."""

import pytest
from django.urls import reverse

from tests.plans.conftest import make_report


@pytest.fixture
def stored_results(db):
    from tests.plans.conftest import ResultStore

    return ResultStore()


def _url(code):
    return reverse("dashboards:county_report", args=[code])


def test_outsider_clerk_gets_404_on_another_countys_report(client, other_clerk, county, stored_results):
    stored_results[(county.pk, 2024)] = make_report()
    client.force_login(other_clerk)
    assert client.get(_url("371302")).status_code == 404


def test_official_reads_both_counties_reports(client, official, county, other_county, stored_results):
    stored_results[(county.pk, 2024)] = make_report()
    client.force_login(official)
    assert client.get(_url("371302")).status_code == 200
    assert client.get(_url("371311")).status_code == 200


def test_report_page_shows_every_part_with_explanations(client, official, county, stored_results):
    stored_results[(county.pk, 2024)] = make_report()
    client.force_login(official)
    page = client.get(_url("371302")).content.decode()
    assert "生均教学及辅助用房面积" in page and "0.620" in page and "超限" in page
    assert "兰山第一小学" in page and "尚缺 367.2 m²" in page
    assert "3个班级超过标准班额" in page  # the government item's detail
    assert "0.410" in page  # 2012 composite CV
    assert "大班额（56人及以上）3 个" in page and "超大班额（66人及以上）1 个" in page
    assert "1.200" in page  # the alternative grouping
    assert "还需增加本科及以上学历教师 14 人" in page
    assert "0.139" in page  # difference rate against the urban quality schools
    assert "2024学年" in page


def test_county_without_results_says_not_yet_computed(client, clerk, county):
    client.force_login(clerk)
    page = client.get(_url("371302")).content.decode()
    assert "尚未计算" in page


def test_clerk_can_draw_up_a_project_from_a_failing_indicator_but_official_cannot(
    client, clerk, official, county, stored_results
):
    stored_results[(county.pk, 2024)] = make_report()
    client.force_login(clerk)
    assert "创建整改项目" in client.get(_url("371302")).content.decode()
    client.force_login(official)
    assert "创建整改项目" not in client.get(_url("371302")).content.decode()


def test_unknown_county_code_answers_404(client, admin_user):
    client.force_login(admin_user)
    assert client.get(_url("999999")).status_code == 404


def test_government_item_details_name_the_failing_school_instead_of_its_code(
    client, official, county, stored_results
):
    government = {
        "G4": {"pass": False, "failing_schools": [{"code": "3713020001", "students": 2143, "limit": 2000}]}
    }
    stored_results[(county.pk, 2024)] = make_report(quality_2017__government=government)
    client.force_login(official)
    page = client.get(_url("371302")).content.decode()
    assert "未达标学校：学校：兰山第一小学" in page  # key order within an item may differ by database (jsonb)
    assert "学生数：2143" in page and "上限：2000" in page
    assert "3713020001；" not in page
