"""The audit pages and API: readable history per school, teacher record, import batch and user, exportable, in
scope (an outsider gets 404 for another county's history, and the API refuses another county's filter)."""

import io

import openpyxl
import pytest
from rest_framework.test import APIClient

from audit.context import importing
from teachers.models import Teacher
from tests.factories import SchoolFactory
from workbook.importer import import_workbook

from ..workbook.workbook_files import basic_sheets, teacher_row, write_xlsx

pytestmark = pytest.mark.django_db

CODE = "3713020001"
FOREIGN = "3713110001"


@pytest.fixture
def scene(tmp_path, county, other_county, clerk, other_clerk):
    """The clerk's county imported as batch 7 (a school, two teachers), then one teacher changed in batch 8; the
    outsider's county has a school renamed by its own clerk."""
    with importing(7, user=clerk):
        assert import_workbook(write_xlsx(tmp_path / "a.xlsx", basic_sheets()), user=clerk).ok
    changed = basic_sheets(teachers=[teacher_row("T001", 姓名="李四"), teacher_row("T002")])
    with importing(8, user=clerk):
        assert import_workbook(write_xlsx(tmp_path / "b.xlsx", changed), user=clerk).ok
    SchoolFactory(code=FOREIGN, name="罗庄第一小学", county=other_county)
    renamed = api(other_clerk).patch(f"/api/v1/schools/{FOREIGN}/", {"name": "罗庄实验小学"}, format="json")
    assert renamed.status_code == 200
    return Teacher.objects.get(teacher_id="T001")


def page(client, user, url):
    client.force_login(user)
    return client.get(url)


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_school_history_tab_shows_each_change_with_old_and_new(client, scene, clerk):
    response = page(client, clerk, f"/audit/schools/{CODE}/")

    assert response.status_code == 200
    body = response.content.decode()
    assert "张三" in body and "李四" in body  # the teacher's name change, inside the clerk's own county
    assert "T001 2024" in body and "/audit/imports/8/" in body


def test_the_teacher_history_lists_that_record_only(client, scene, clerk):
    response = page(client, clerk, f"/audit/teachers/{scene.pk}/")

    assert response.status_code == 200
    body = response.content.decode()
    assert "T001 2024" in body and "T002 2024" not in body


def test_the_batch_view_lists_the_rows_of_the_batch(client, scene, clerk):
    body = page(client, clerk, "/audit/imports/7/").content.decode()
    assert all(key in body for key in (CODE, "T001 2024", "T002 2024"))

    body = page(client, clerk, "/audit/imports/8/").content.decode()
    assert "T001 2024" in body and "T002 2024" not in body


def test_the_per_user_view_lists_that_users_changes_in_scope(client, scene, official):
    body = page(client, official, "/audit/?user=outsider").content.decode()

    assert "罗庄实验小学" in body and "T001" not in body


def test_an_outsider_gets_404_for_another_countys_history(client, scene, other_clerk):
    for url in (f"/audit/schools/{CODE}/", f"/audit/teachers/{scene.pk}/", "/audit/imports/7/"):
        assert page(client, other_clerk, url).status_code == 404, url


def test_the_outsiders_own_list_never_shows_the_other_countys_names(client, scene, other_clerk):
    body = page(client, other_clerk, "/audit/").content.decode()

    assert "罗庄实验小学" in body
    assert "张三" not in body and "李四" not in body and CODE not in body


def test_the_api_lists_changes_newest_first_with_every_field(scene, clerk):
    response = api(clerk).get("/api/v1/audit/", {"school": CODE})

    assert response.status_code == 200, response.content
    results = response.json()["results"]
    newest = results[0]
    assert newest["model"] == "teacher" and newest["key"] == "T001 2024"
    assert (newest["user"], newest["channel"], newest["batch"]) == ("clerk", "import", 8)
    assert newest["changes"] == {"name": ["张三", "李四"]}
    assert [r["at"] for r in results] == sorted((r["at"] for r in results), reverse=True)


def test_the_api_filters_by_batch_and_user(scene, official):
    assert {r["key"] for r in api(official).get("/api/v1/audit/", {"batch": 7}).json()["results"]} == {
        CODE,
        "T001 2024",
        "T002 2024",
    }
    by_user = api(official).get("/api/v1/audit/", {"user": "outsider"}).json()["results"]
    assert [(r["key"], r["channel"], r["changes"]) for r in by_user] == [
        (FOREIGN, "api", {"name": ["罗庄第一小学", "罗庄实验小学"]})
    ]


def test_the_api_refuses_another_countys_filter_and_hides_its_batches(scene, other_clerk):
    client = api(other_clerk)
    unknown = {"school": "3799999999", "county": "379999"}
    for name, code in (("school", CODE), ("county", "371302")):
        response = client.get("/api/v1/audit/", {name: code})
        assert response.status_code == 400, name
        assert response.json() == client.get("/api/v1/audit/", {name: unknown[name]}).json()
    assert api(other_clerk).get("/api/v1/audit/", {"batch": 7}).json()["results"] == []
    keys = {r["key"] for r in client.get("/api/v1/audit/").json()["results"]}
    assert keys == {FOREIGN}


def test_a_nul_byte_in_a_filter_answers_400(scene, clerk):
    assert api(clerk).get("/api/v1/audit/", {"user": "a\x00b"}).status_code == 400


def test_the_history_exports_as_xlsx_and_csv(client, scene, clerk):
    response = page(client, clerk, "/audit/imports/8/?export=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[1][5:] == ["T001 2024", "修改", "姓名", "张三", "李四"]

    text = page(client, clerk, "/audit/imports/8/?export=csv").content.decode("utf-8-sig")
    assert "T001 2024,修改,姓名,张三,李四" in text


def test_a_clerk_who_chose_english_reads_the_history_in_english(client, scene, clerk):
    client.force_login(clerk)
    assert client.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 302

    body = client.get("/audit/imports/8/").content.decode()

    assert "Change history of import batch 8" in body and "Changes (old → new)" in body
    assert "Export Excel" in body and "变更记录" not in body
