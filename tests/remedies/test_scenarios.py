"""What-if scenarios in the portal: made of changes only, computed by the engine beside the actual report with every
changed figure highlighted and the verdict difference in one sentence, edited in forms or by an uploaded workbook
(all or nothing, located errors), turned into plan projects — and never changing the real data or stored
results."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from indicators import engine, presenter, runs
from plans.models import Plan, Project
from remedies import selectors, services
from remedies.files import COLUMNS
from remedies.models import Scenario
from tests.factories import SchoolClassFactory
from tests.remedies.scenes import ROOMS_SHORT, YEAR, rooms_short_county, snapshot

pytestmark = pytest.mark.django_db

CODES = ("3713020001", "3713020002", "3713020003")


@pytest.fixture
def world(county):
    """The rooms-short county, its results stored, one over-limit class to split."""
    schools = rooms_short_county(county)
    SchoolClassFactory(school=schools[0], year=YEAR, stage="primary", grade=2, name="二年级1班", students=58)
    runs.recompute_county(county.pk, YEAR)
    return schools


def new_scenario(client, county, name="试算方案"):
    response = client.post(
        reverse("remedies:scenario_list", args=[county.code]), {"name": name, "year": YEAR}
    )
    assert response.status_code == 302, response.content.decode()[:800]
    return Scenario.objects.latest("pk")


def add(client, scenario, form, **fields):
    data = {"form": form, **{f"{form}-{k}": v for k, v in fields.items()}}
    return client.post(reverse("remedies:scenario_change_add", args=[scenario.pk]), data)


def xlsx(rows, header=tuple(COLUMNS)) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.title = "修改"
    sheet.append(list(header))
    for row in rows:
        sheet.append([row.get(h) for h in header])
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("修改.xlsx", buffer.getvalue())


def test_a_scenario_never_changes_the_real_data_or_the_stored_results(client, clerk, county, world):
    before = snapshot(county)
    client.force_login(clerk)
    scenario = new_scenario(client, county)

    assert (
        add(client, scenario, "facility", school=CODES[2], what="add_multimedia_rooms", amount=6).status_code
        == 302
    )
    assert (
        add(client, scenario, "facility", school=CODES[0], what="add_teaching_area", amount=300).status_code
        == 302
    )
    assert (
        add(
            client,
            scenario,
            "hire",
            school=CODES[1],
            stage="primary",
            count=2,
            degree="bachelor",
            backbone="on",
            subject="体育",
        ).status_code
        == 302
    )
    assert (
        add(
            client,
            scenario,
            "move_teacher",
            from_school=CODES[0],
            to_school=CODES[2],
            stage="primary",
            count=1,
            degree="bachelor",
            subject="语文",
        ).status_code
        == 302
    )
    assert (
        add(
            client,
            scenario,
            "move_pupils",
            from_school=CODES[0],
            to_school=CODES[1],
            stage="primary",
            count=20,
        ).status_code
        == 302
    )
    assert (
        add(client, scenario, "split_class", klass=f"{CODES[0]}|primary|二年级1班", into=2).status_code == 302
    )
    upload = client.post(
        reverse("remedies:scenario_upload", args=[scenario.pk]),
        {"file": xlsx([{"修改类型": "增加运动场地面积", "学校标识码": CODES[1], "面积（m²）": 100}])},
    )
    assert upload.status_code == 302
    page = client.get(reverse("remedies:scenario_detail", args=[scenario.pk]))
    report = client.get(f"/api/v1/scenarios/{scenario.pk}/report/")
    client.post(reverse("remedies:scenario_change_delete", args=[scenario.pk]), {"index": 1})

    scenario.refresh_from_db()
    assert len(scenario.changes) == 6
    assert page.status_code == 200 and report.status_code == 200
    assert len(report.json()["changed"]) > 10  # the scenario did change the figures it computed…
    assert snapshot(county) == before  # …and nothing of the county's data or stored results


def test_the_scenario_report_highlights_every_changed_figure_and_says_the_verdict_in_one_sentence(
    client, clerk, county, world
):
    client.force_login(clerk)
    scenario = new_scenario(client, county)
    add(client, scenario, "facility", school=CODES[2], what="add_multimedia_rooms", amount=6)

    page = client.get(reverse("remedies:scenario_detail", args=[scenario.pk])).content.decode()

    outcome = selectors.scenario_outcome(Scenario.objects.get(pk=scenario.pk))
    q7 = f"quality_2017.primary.schools.{CODES[2]}.Q7"
    assert outcome.changed_ids[q7].actual == pytest.approx(100 * ROOMS_SHORT / 500)
    assert outcome.changed_ids[q7].scenario == pytest.approx(100 * (ROOMS_SHORT + 6) / 500)
    for changed in outcome.changed:  # every changed figure is marked on the page
        assert f'data-figure="{changed.id}"' in page
    assert (
        f'<span data-figure="{q7}" class="changed"><s class="was">0.80</s> → <strong>2.00</strong></span>'
        in page
    )
    # the actual report fails the resource part on that school; the scenario passes it
    assert outcome.actual_view.part("resource").mark.status == "fail"
    assert outcome.scenario_view.part("resource").mark.status == "pass"
    assert outcome.sentence == "按此方案，小学达标学校 2 → 3 所，全县资源配置达标"
    assert outcome.sentence in page


def test_the_scenario_report_is_the_engines_on_the_changed_inputs(clerk, county, world):
    scenario = services.scenario_create(user=clerk, county=county, name="a", year=YEAR)
    services.scenario_add_change(
        user=clerk, scenario=scenario, raw={"kind": "add_teaching_area", "school": CODES[0], "area": 1000}
    )

    outcome = selectors.scenario_outcome(scenario)

    read = selectors.county_inputs(county, YEAR)
    school = next(s for s in read.data.schools if s["code"] == CODES[0])
    expected = (school["teaching_area"] + 1000) / 500  # Q4 of a primary school: its teaching area per pupil
    unit = next(s for s in outcome.scenario.quality_2017.stages["primary"].schools if s.code == CODES[0])
    assert unit.values["Q4"] == pytest.approx(expected)
    actual = engine.compute_report(read.data, read.quality_params, read.basic_params)
    assert outcome.actual.to_json()["quality_2017"] == actual.to_json()["quality_2017"]


def test_a_change_that_does_not_fit_is_refused_in_chinese_and_nothing_is_added(client, clerk, county, world):
    client.force_login(clerk)
    scenario = new_scenario(client, county)

    response = add(
        client, scenario, "move_pupils", from_school=CODES[0], to_school=CODES[1], stage="primary", count=5000
    )

    assert response.status_code == 400
    assert "只有小学在校生 500 人，不能调出 5000 人" in response.content.decode()
    scenario.refresh_from_db()
    assert scenario.changes == []


def test_an_uploaded_workbook_with_a_bad_row_names_it_and_adds_nothing(client, clerk, county, world):
    client.force_login(clerk)
    scenario = new_scenario(client, county)
    bad = xlsx(
        [
            {"修改类型": "增加教学及辅助用房面积", "学校标识码": CODES[0], "面积（m²）": 200},
            {"修改类型": "增加教学及辅助用房面积", "学校标识码": CODES[1], "面积（m²）": "很多"},
            {"修改类型": "拆房子", "学校标识码": CODES[1]},
            {"修改类型": "增加网络多媒体教室", "学校标识码": CODES[2], "数量": 2, "最高学历": "本科"},
        ]
    )

    response = client.post(reverse("remedies:scenario_upload", args=[scenario.pk]), {"file": bad})

    page = response.content.decode()
    assert response.status_code == 400
    assert "第 3 行「面积（m²）」：应为数字" in page
    assert "第 4 行「修改类型」：不认识“拆房子”" in page
    assert "第 5 行「最高学历」：“增加网络多媒体教室”不填此列" in page
    assert "方案未作任何改动" in page
    scenario.refresh_from_db()
    assert scenario.changes == []


def test_an_uploaded_row_that_does_not_fit_the_data_is_named_by_its_row(client, clerk, county, world):
    client.force_login(clerk)
    scenario = new_scenario(client, county)
    rows = [
        {"修改类型": "增加教学仪器设备值", "学校标识码": CODES[0], "金额（元）": 10000},
        {"修改类型": "增加教学仪器设备值", "学校标识码": "3713029999", "金额（元）": 10000},
    ]

    response = client.post(reverse("remedies:scenario_upload", args=[scenario.pk]), {"file": xlsx(rows)})

    assert response.status_code == 400
    assert "第 3 行：学校 3713029999 不在 兰山区（2024 学年）的数据中" in response.content.decode()
    scenario.refresh_from_db()
    assert scenario.changes == []


def test_a_correct_workbook_adds_every_row_as_a_change(client, clerk, county, world):
    client.force_login(clerk)
    scenario = new_scenario(client, county)
    rows = [
        {"修改类型": "增加网络多媒体教室", "学校标识码": CODES[2], "数量": 6},
        {
            "修改类型": "聘任教师",
            "学校标识码": CODES[1],
            "学段": "小学",
            "数量": 2,
            "最高学历": "本科",
            "是否骨干教师": "是",
        },
        {
            "修改类型": "split_class",
            "学校标识码": CODES[0],
            "学段": "小学",
            "班级名称": "二年级1班",
            "拆分为几个班": 2,
        },
    ]

    response = client.post(reverse("remedies:scenario_upload", args=[scenario.pk]), {"file": xlsx(rows)})

    assert response.status_code == 302
    scenario.refresh_from_db()
    assert [c["kind"] for c in scenario.changes] == ["add_multimedia_rooms", "hire_teachers", "split_class"]
    assert scenario.changes[0]["rooms"] == 6
    assert scenario.changes[1]["backbone"] is True and scenario.changes[1]["count"] == 2


def test_the_changes_template_has_the_columns_the_upload_reads(client, clerk):
    client.force_login(clerk)
    response = client.get(reverse("remedies:changes_template"))
    book = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in book["修改"][1]] == list(COLUMNS)
    assert "说明" in book.sheetnames


def test_a_scenario_becomes_plan_projects_with_the_reports_own_shortfall_wording(
    client, clerk, county, world
):
    plan = Plan.objects.create(
        slug="lanshan", title="兰山区均衡推进方案", region_code=county.code, region_name="兰山区"
    )
    client.force_login(clerk)
    scenario = new_scenario(client, county)
    add(client, scenario, "facility", school=CODES[2], what="add_multimedia_rooms", amount=6)
    add(client, scenario, "facility", school=CODES[0], what="add_teaching_area", amount=100)

    response = client.post(reverse("remedies:scenario_projects", args=[scenario.pk]), {"plan": plan.pk})

    assert response.status_code == 302
    projects = {p.indicator_code: p for p in Project.objects.filter(plan=plan)}
    assert set(projects) == {"Q7", "Q4"}
    read = selectors.county_inputs(county, YEAR)
    actual = engine.compute_report(read.data, read.quality_params, read.basic_params)
    assert projects["Q7"].shortfall == presenter.prefill(actual, "Q7")
    assert projects["Q7"].county == county and projects["Q7"].result_year == YEAR
    assert float(projects["Q7"].budget) == pytest.approx(
        6 * 60_000 / 10_000
    )  # 万元, at the default room cost
    assert "增加网络多媒体教室 6 间" in projects["Q7"].content_standard
    assert "试算方案" in projects["Q4"].title


def test_an_official_reads_a_scenario_but_cannot_change_it(client, clerk, official, county, world):
    scenario = services.scenario_create(user=clerk, county=county, name="a", year=YEAR)
    client.force_login(official)

    assert client.get(reverse("remedies:scenario_detail", args=[scenario.pk])).status_code == 200
    assert (
        add(client, scenario, "facility", school=CODES[0], what="add_teaching_area", amount=1).status_code
        == 403
    )
    response = client.post(reverse("remedies:scenario_list", args=[county.code]), {"name": "x", "year": YEAR})
    assert response.status_code == 403
    assert (
        "加入修改" not in client.get(reverse("remedies:scenario_detail", args=[scenario.pk])).content.decode()
    )


def test_a_scenario_for_a_year_without_data_is_refused(client, clerk, county, world):
    client.force_login(clerk)
    response = client.post(reverse("remedies:scenario_list", args=[county.code]), {"name": "x", "year": 2019})
    assert response.status_code == 200
    assert Scenario.objects.count() == 0


def test_a_change_that_no_longer_fits_the_data_is_named_on_the_page_and_by_the_api(
    client, clerk, county, world
):
    """The data moved on since the change was made (here: a school that is not in the county's data)."""
    scenario = Scenario.objects.create(
        county=county,
        year=YEAR,
        name="旧方案",
        changes=[{"kind": "add_equipment", "school": "3713020099", "value": 1.0}],
    )
    client.force_login(clerk)

    page = client.get(reverse("remedies:scenario_detail", args=[scenario.pk])).content.decode()
    api = client.get(f"/api/v1/scenarios/{scenario.pk}/report/")

    assert "方案中的修改与当前数据不符" in page and "第 1 项修改：学校 3713020099 不在" in page
    assert api.status_code == 400 and "第 1 项修改" in str(api.json())


def test_the_planner_pages_read_in_english_for_a_user_who_chose_it(client, clerk, county, world):
    scenario = services.scenario_create(user=clerk, county=county, name="a", year=YEAR)
    client.force_login(clerk)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    runs_page = client.get(reverse("remedies:run_list", args=[county.code])).content.decode()
    scenario_page = client.get(reverse("remedies:scenario_detail", args=[scenario.pk])).content.decode()

    assert "Find the cheapest way to pass" in runs_page and "Plan the rotation" in runs_page
    assert "开始测算最低成本" not in runs_page
    assert "Verdict compared" in scenario_page and "Add changes" in scenario_page
    assert "Under this plan, every result stays as it is" in scenario_page
