"""The data-quality pages: a county-year's violations with links, the xlsx export, "check now", the panel include,
the rules page administrators edit — each with the outsider (another county's clerk: 404)."""

import io
import json

import openpyxl
import pytest
from django.db import connection
from django.template import Context, Template
from django.test import Client
from django.test.utils import CaptureQueriesContext

from core import hooks
from quality import services
from quality.models import CheckRun, ValidationRule, Violation
from tests.factories import SchoolClassFactory, SchoolFactory, SchoolYearFactory
from tests.quality.scene import YEAR, build
from tests.workbook.workbook_files import school_row, write_xlsx
from workbook.importer import import_workbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(county, other_county):
    services.rules_seed_defaults()
    made = build(county, other_county)
    services.check_county_year(county.pk, YEAR)
    return made


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_clerk_sees_each_violation_with_a_link_to_its_record(scene, clerk, county):
    response = client_for(clerk).get(f"/quality/counties/{county.code}/?year={YEAR}")
    assert response.status_code == 200
    text = response.content.decode()
    assert "寄宿生 700 人，多于在校生 600 人" in text
    assert f'href="/schools/{scene.schools["C"].code}/years/{YEAR}/"' in text
    assert f'href="/schools/{scene.schools["B"].code}/years/{YEAR}/classes/"' in text
    assert f'href="/schools/{scene.schools["F"].code}/edit/"' in text
    assert "data-quality-panel" in text


def test_the_list_filters_by_rule(scene, clerk, county):
    response = client_for(clerk).get(f"/quality/counties/{county.code}/?year={YEAR}&rule=large_class")
    text = response.content.decode()
    assert text.count('data-rule="large_class"') == 1
    assert 'data-rule="boarders_within_enrolment"' not in text


def test_another_countys_clerk_gets_404_for_the_page_the_export_and_the_button(scene, other_clerk, county):
    client = client_for(other_clerk)
    assert client.get(f"/quality/counties/{county.code}/").status_code == 404
    assert client.get(f"/quality/counties/{county.code}/export.xlsx?year={YEAR}").status_code == 404
    assert client.post(f"/quality/counties/{county.code}/check/", {"year": YEAR}).status_code == 404


def test_the_official_reads_the_page_but_cannot_start_a_check(scene, official, county):
    client = client_for(official)
    assert client.get(f"/quality/counties/{county.code}/").status_code == 200
    assert client.post(f"/quality/counties/{county.code}/check/", {"year": YEAR}).status_code == 403


def test_the_export_lists_every_violation_in_a_workbook(scene, clerk, county):
    response = client_for(clerk).get(f"/quality/counties/{county.code}/export.xlsx?year={YEAR}")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("规则", "严重程度", "学校标识码")
    assert len(rows) - 1 == Violation.objects.filter(run__county=county).count() == 8
    assert any(r[2] == scene.schools["C"].code and "寄宿生" in r[4] for r in rows[1:])


def test_check_now_runs_the_rules_on_the_current_data(scene, clerk, county):
    SchoolClassFactory(school=scene.schools["A"], year=YEAR, name="新增大班", students=60)
    before = Violation.objects.filter(rule__code="large_class").count()
    response = client_for(clerk).post(f"/quality/counties/{county.code}/check/", {"year": YEAR})
    assert response.status_code == 302
    assert Violation.objects.filter(rule__code="large_class").count() == before + 1


def test_the_panel_include_shows_counts_per_rule_in_one_line(scene, county):
    html = Template("{% load quality %}{% quality_panel county year %}").render(
        Context({"county": county, "year": YEAR})
    )
    assert "2 个错误" in html and "6 个警告" in html
    assert "?year=2024&amp;rule=boarders_within_enrolment" in html


def test_an_administrator_edits_a_threshold_and_the_result_changes(
    scene, admin_user, county, django_capture_on_commit_callbacks
):
    # D: 560 pupils in classes against 600 enrolled (40 apart); a 10 % tolerance allows 60.
    assert Violation.objects.filter(rule__code="classes_match_enrolment").count() == 1
    rule = ValidationRule.objects.get(code="classes_match_enrolment")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(admin_user).post(
            "/quality/validation-rules/classes_match_enrolment/",
            {
                "name": rule.name,
                "severity": "warning",
                "enabled": "on",
                "params": json.dumps({"tolerance_pupils": 3, "tolerance_share": 0.1}),
                "description": "",
            },
        )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.params == {"tolerance_pupils": 3, "tolerance_share": 0.1}
    assert rule.updated_by == admin_user
    assert Violation.objects.filter(rule__code="classes_match_enrolment").count() == 0


def test_a_bad_parameter_is_refused_with_a_chinese_message_and_nothing_changes(scene, admin_user):
    rule = ValidationRule.objects.get(code="large_class")
    response = client_for(admin_user).post(
        "/quality/validation-rules/large_class/",
        {"name": rule.name, "severity": "warning", "enabled": "on", "params": '{"min_students": -1}'},
    )
    assert response.status_code == 200
    assert "不能小于" in response.content.decode()
    rule.refresh_from_db()
    assert rule.params["min_students"] == 56


def test_only_administrators_change_rules(scene, clerk):
    client = client_for(clerk)
    assert client.get("/quality/validation-rules/").status_code == 200
    assert client.get("/quality/validation-rules/large_class/").status_code == 200
    response = client.post("/quality/validation-rules/large_class/", {"name": "x", "params": "{}"})
    assert response.status_code == 403
    assert ValidationRule.objects.get(code="large_class").name != "x"


def test_a_disabled_rule_finds_nothing(scene, county):
    ValidationRule.objects.filter(code="boarders_within_enrolment").update(enabled=False)
    services.check_county_year(county.pk, YEAR)
    assert not Violation.objects.filter(rule__code="boarders_within_enrolment").exists()


def test_an_import_triggers_the_check(tmp_path, clerk, county, django_capture_on_commit_callbacks):
    services.rules_seed_defaults()
    header = ["学年", "学校标识码", "小学在校生数", "寄宿生数"]
    sheets = {
        "学校": [
            ["学校标识码", "学校名称", "区县代码", "办学类型", "城乡分类代码"],
            school_row("3713020001", "371302")[:5],
        ],
        "学校学年数据": [header, [YEAR, "3713020001", 300, 400]],
    }
    path = write_xlsx(tmp_path / "f.xlsx", sheets)
    with django_capture_on_commit_callbacks(execute=True):
        result = import_workbook(path, user=clerk)
    assert result.ok, result.errors
    run = CheckRun.objects.get(county=county, year=YEAR)
    assert run.errors == 1 and run.trigger == "import"
    assert Violation.objects.get(run=run).rule.code == "boarders_within_enrolment"


def test_sign_off_gets_the_open_violations_through_the_hook(scene, county):
    found = hooks.open_violations(county.pk, YEAR)
    assert len(found) == 8
    boarders = next(v for v in found if "寄宿生" in v["message"])
    assert boarders["severity"] == "error"
    assert boarders["url"] == f"/schools/{scene.schools['C'].code}/years/{YEAR}/"
    assert set(boarders) == {"rule", "severity", "message", "url"}


def _county_of(county, schools: int):
    for n in range(schools):
        school = SchoolFactory(county=county, code=f"3713029{n:03d}")
        SchoolYearFactory(
            school=school, year=YEAR, primary_students=400 + n, teaching_area=2000, boarders=500
        )
        SchoolYearFactory(school=school, year=YEAR - 1, primary_students=100, teaching_area=2000)
        SchoolClassFactory(school=school, year=YEAR, students=60)


def test_the_check_costs_the_same_queries_for_few_and_many_schools(county):
    services.rules_seed_defaults()
    _county_of(county, 12)  # enough for the z-score to compare (it needs 10)
    services.check_county_year(county.pk, YEAR)  # the county-year's run row exists from now on
    with CaptureQueriesContext(connection) as few:
        services.check_county_year(county.pk, YEAR)
    for n in range(12, 60):
        school = SchoolFactory(county=county, code=f"3713029{n:03d}")
        SchoolYearFactory(
            school=school, year=YEAR, primary_students=400 + n, teaching_area=2000, boarders=500
        )
        SchoolClassFactory(school=school, year=YEAR, students=60)
    with CaptureQueriesContext(connection) as many:
        run = services.check_county_year(county.pk, YEAR)
    assert run.warnings + run.errors > 40  # every school breaks several rules
    # Storing the findings is a batched insert (SQLite takes ~100 rows a statement); everything else is constant.
    assert _not_inserts(many) == _not_inserts(few)


def _not_inserts(captured) -> int:
    return sum(1 for q in captured.captured_queries if not q["sql"].startswith("INSERT"))


def test_the_county_page_costs_the_same_queries_for_few_and_many_schools(county, clerk):
    services.rules_seed_defaults()
    client = client_for(clerk)
    _county_of(county, 3)
    services.check_county_year(county.pk, YEAR)
    client.get(f"/quality/counties/{county.code}/?year={YEAR}")
    with CaptureQueriesContext(connection) as few:
        client.get(f"/quality/counties/{county.code}/?year={YEAR}")
    for n in range(3, 30):
        school = SchoolFactory(county=county, code=f"3713029{n:03d}")
        SchoolYearFactory(school=school, year=YEAR, primary_students=400, boarders=500)
    services.check_county_year(county.pk, YEAR)
    with CaptureQueriesContext(connection) as many:
        client.get(f"/quality/counties/{county.code}/?year={YEAR}")
    assert len(many) == len(few)


def test_the_overview_lists_the_counties_in_the_users_region_with_their_latest_check(
    scene, clerk, official, county, other_county
):
    mine = client_for(clerk).get("/quality/").content.decode()
    assert county.name in mine and other_county.name not in mine
    city = client_for(official).get("/quality/").content.decode()
    assert county.name in city and other_county.name in city
    assert "尚未检查" in city  # the other county has no check yet
