"""The /imports/ pages: upload → preview → confirm, batch list and downloads, scoped by persona."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from teachers.models import Teacher
from workbook.models import ImportBatch

from .workbook_files import basic_sheets, teacher_row, write_xlsx

pytestmark = pytest.mark.django_db


def upload(client, user, path):
    client.force_login(user)
    with open(path, "rb") as fh:
        return client.post(reverse("imports:upload"), {"file": SimpleUploadedFile(path.name, fh.read())})


@pytest.fixture
def good_file(tmp_path, county):
    return write_xlsx(tmp_path / "兰山.xlsx", basic_sheets())


@pytest.fixture
def bad_file(tmp_path, county):
    return write_xlsx(tmp_path / "bad.xlsx", basic_sheets(teachers=[teacher_row("T1", 最高学历="博士后")]))


def test_clerk_uploads_previews_then_confirms(client, clerk, good_file):
    response = upload(client, clerk, good_file)
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("imports:detail", args=[batch.pk])

    page = client.get(response["Location"]).content.decode()
    assert "预览（尚未写入）" in page and "确认导入" in page
    assert batch.status == "preview" and batch.counts["teachers"]["created"] == 2
    assert not Teacher.objects.exists()

    client.post(reverse("imports:confirm", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == "done" and batch.finished_at is not None
    assert Teacher.objects.count() == 2
    assert list(batch.counties.values_list("code", flat=True)) == ["371302"]
    assert len(batch.sha256) == 64 and batch.file_name == "兰山.xlsx"


def test_rejected_upload_lists_problems_and_offers_the_marked_workbook(client, clerk, bad_file):
    response = upload(client, clerk, bad_file)
    batch = ImportBatch.objects.get()
    page = client.get(response["Location"]).content.decode()

    assert batch.status == "rejected"
    assert "博士后" in page and "最高学历不在可选值内" in page and "确认导入" not in page
    report = client.get(reverse("imports:error_report", args=[batch.pk]))
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(report.streaming_content)))
    assert workbook.sheetnames[0] == "错误清单"
    assert workbook["教师"]["I2"].fill.fgColor.rgb.endswith("FFC7CE")
    assert "不在可选值内" in workbook["教师"]["I2"].comment.text


def test_confirming_a_rejected_batch_writes_nothing(client, clerk, bad_file):
    upload(client, clerk, bad_file)
    batch = ImportBatch.objects.get()
    client.post(reverse("imports:confirm", args=[batch.pk]))

    assert not Teacher.objects.exists()


def test_teacher_names_never_appear_in_the_problem_list(client, clerk, tmp_path, county):
    path = write_xlsx(tmp_path / "f.xlsx", basic_sheets(teachers=[teacher_row("T1", 姓名="王" * 60)]))
    response = upload(client, clerk, path)
    page = client.get(response["Location"]).content.decode()

    assert "王" * 60 not in page and "姓名已隐藏" in page


def test_clerk_of_another_county_gets_404_on_the_batch(client, clerk, other_clerk, good_file):
    upload(client, clerk, good_file)
    batch = ImportBatch.objects.get()
    client.force_login(other_clerk)

    for name in ("detail", "progress", "error_report", "file"):
        assert client.get(reverse(f"imports:{name}", args=[batch.pk])).status_code == 404
    assert client.post(reverse("imports:confirm", args=[batch.pk])).status_code == 404
    assert "兰山.xlsx" not in client.get(reverse("imports:list")).content.decode()
    assert not Teacher.objects.exists()


def test_official_may_not_upload(client, official):
    client.force_login(official)
    assert client.get(reverse("imports:upload")).status_code == 403
    assert "上传数据文件" not in client.get(reverse("imports:list")).content.decode()


def test_official_sees_but_cannot_confirm_a_batch_of_its_county(client, clerk, official, good_file):
    upload(client, clerk, good_file)
    batch = ImportBatch.objects.get()
    client.force_login(official)

    assert "确认导入" not in client.get(reverse("imports:detail", args=[batch.pk])).content.decode()
    assert client.post(reverse("imports:confirm", args=[batch.pk])).status_code == 403
    assert not Teacher.objects.exists()


def test_admin_sees_every_batch(client, clerk, admin_user, good_file):
    upload(client, clerk, good_file)
    client.force_login(admin_user)

    assert "兰山.xlsx" in client.get(reverse("imports:list")).content.decode()


def test_progress_survives_a_reload(client, clerk, good_file):
    upload(client, clerk, good_file)
    batch = ImportBatch.objects.get()
    ImportBatch.objects.filter(pk=batch.pk).update(
        status="running", rows_total=200, rows_done=50, current_sheet="教师"
    )

    data = client.get(reverse("imports:progress", args=[batch.pk])).json()
    page = client.get(reverse("imports:detail", args=[batch.pk])).content.decode()

    assert data == {
        "status": "running",
        "status_display": "导入中",
        "percent": 25,
        "rows_done": 50,
        "rows_total": 200,
        "current_sheet": "教师",
    }
    assert "25%" in page and "教师" in page and 'http-equiv="refresh"' in page


def test_oversized_upload_is_refused_politely_and_keeps_nothing(client, clerk, good_file, settings):
    settings.IMPORT_MAX_FILE_BYTES = 100
    response = upload(client, clerk, good_file)

    assert response.status_code == 200 and "文件过大" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_template_download(client, clerk):
    client.force_login(clerk)
    response = client.get(reverse("imports:template"))
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))

    assert "教师" in workbook.sheetnames


def test_export_of_own_county_and_404_for_another(client, clerk, other_clerk, good_file, county):
    upload(client, clerk, good_file)
    client.post(reverse("imports:confirm", args=[ImportBatch.objects.get().pk]))

    response = client.get(reverse("imports:export"), {"county": county.pk, "format": "xlsx"})
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook["学校"]["A2"].value == "3713020001"

    client.force_login(other_clerk)
    assert client.get(reverse("imports:export"), {"county": county.pk, "format": "xlsx"}).status_code == 404


def test_anonymous_is_sent_to_login(client):
    assert client.get(reverse("imports:list")).status_code == 302


def test_import_history_is_paginated_and_shows_only_own_batches(client, clerk, other_clerk):
    for n in range(55):
        ImportBatch.objects.create(created_by=clerk, file_name=f"第{n:02d}份.xlsx", sha256="0" * 64)
    ImportBatch.objects.create(created_by=other_clerk, file_name="别县.xlsx", sha256="1" * 64)
    client.force_login(clerk)

    first = client.get(reverse("imports:list")).content.decode()
    second = client.get(reverse("imports:list") + "?page=2").content.decode()

    assert "第54份.xlsx" in first and "第00份.xlsx" not in first
    assert "第00份.xlsx" in second
    assert "别县.xlsx" not in first + second
