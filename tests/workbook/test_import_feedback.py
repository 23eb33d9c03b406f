"""Import feedback a person can act on: another county's rows in one sentence, the other problems grouped by cause
with their first rows, and the preview's old → new for rows that would be updated."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from workbook import feedback
from workbook.models import ImportBatch

from .workbook_files import basic_sheets, school_row, teacher_row, write_xlsx

pytestmark = pytest.mark.django_db


def _upload(client, user, path) -> str:
    client.force_login(user)
    with open(path, "rb") as fh:
        response = client.post(reverse("imports:upload"), {"file": SimpleUploadedFile(path.name, fh.read())})
    assert response.status_code == 302
    return client.get(response["Location"]).content.decode()


def test_rows_of_another_county_are_one_sentence_with_the_county_and_the_row_count(
    client, clerk, county, other_county, tmp_path
):
    schools = [school_row()] + [school_row(f"371311{n:04d}", county="371311") for n in range(1, 8)]
    path = write_xlsx(tmp_path / "f.xlsx", basic_sheets(schools=schools))
    page = _upload(client, clerk, path)
    assert "文件中有 7 行属于罗庄区（371311），您无权导入该区县的数据" in page
    assert page.count("3713110001") == 0  # the rows themselves are in the error workbook, not on the page
    assert ImportBatch.objects.get().status == "rejected"


def test_problems_are_grouped_by_cause_with_the_count_and_the_first_rows(client, clerk, county, tmp_path):
    teachers = [teacher_row(f"T{n}", 最高学历="博士后") for n in range(1, 8)] + [
        teacher_row("T9", 性别="未知")
    ]
    page = _upload(client, clerk, write_xlsx(tmp_path / "f.xlsx", basic_sheets(teachers=teachers)))
    groups = feedback.group(ImportBatch.objects.get().errors)
    assert [(g["column"], g["count"], len(g["first"]), g["more"]) for g in groups][0] == ("最高学历", 7, 5, 2)
    assert [e["row"] for e in groups[0]["first"]] == [2, 3, 4, 5, 6]
    assert "共 8 处问题，按原因归为 2 类" in page
    assert "另有 2 处" in page
    assert "下载错误报告" in page


def test_preview_shows_old_and_new_values_of_updated_rows_and_hides_names(client, clerk, county, tmp_path):
    _upload(client, clerk, write_xlsx(tmp_path / "first.xlsx", basic_sheets()))
    client.post(reverse("imports:confirm", args=[ImportBatch.objects.get().pk]))
    changed = [teacher_row("T001", 最高学历="研究生", 姓名="李四"), teacher_row("T002")]
    page = _upload(client, clerk, write_xlsx(tmp_path / "second.xlsx", basic_sheets(teachers=changed)))
    batch = ImportBatch.objects.latest("pk")
    assert batch.status == "preview" and batch.counts["teachers"]["updated"] == 1
    (sheet,) = batch.changes
    (row,) = sheet["rows"]
    assert row["row"] == 2 and row["key"] == "2024 · T001"
    assert {"column": "最高学历", "old": "本科", "new": "研究生"} in row["changes"]
    assert {"column": "姓名", "old": "（姓名已隐藏）", "new": "（姓名已隐藏）"} in row["changes"]
    assert "将更新的行（原值 → 新值）" in page and "李四" not in page and "张三" not in page


def test_outsider_does_not_see_the_feedback_of_anothers_batch(client, clerk, other_clerk, county, tmp_path):
    _upload(client, clerk, write_xlsx(tmp_path / "f.xlsx", basic_sheets()))
    client.force_login(other_clerk)
    assert client.get(reverse("imports:detail", args=[ImportBatch.objects.get().pk])).status_code == 404
