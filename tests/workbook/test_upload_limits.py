"""Uploads are bounded everywhere they come in (the workbook page, the admin's import, declaration evidence):
by size, by what the content is (never the name), by the unpacked size of a zip read from its directory before
anything is unpacked, and by rows per sheet. The same file name can be uploaded any number of times."""

import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from schools.models import Declaration, School
from tests.factories import SchoolFactory
from tests.workbook.workbook_files import (
    SCHOOL_HEADER,
    basic_sheets,
    csv_bytes,
    school_row,
    write_xlsx,
)
from workbook.importer import CODE_UNAVAILABLE, import_workbook
from workbook.models import ImportBatch

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


def bomb(path: Path, unpacked: int) -> Path:
    """A valid-looking xlsx whose one sheet XML unpacks to `unpacked` bytes of one repeated row: tiny on disk."""
    good = write_xlsx(path.with_suffix(".seed.xlsx"), basic_sheets())
    row = b'<row r="2"><c r="A2" t="inlineStr"><is><t>0</t></is></c></row>'
    body = row * (unpacked // len(row) + 1)
    with zipfile.ZipFile(good) as seed, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in seed.infolist():
            data = seed.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", body + b"</sheetData>")
            out.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    return path


def upload(client, user, name, content):
    client.force_login(user)
    return client.post(reverse("imports:upload"), {"file": SimpleUploadedFile(name, content)})


def form_error(response) -> str:
    assert response.status_code == 200, response.status_code
    return " ".join(response.context["form"].errors.get("file", []))


def forbid_unpacking(monkeypatch):
    """From now on, fail the test if any zip member is read: the bounds come from the directory alone."""

    def refuse(*args, **kwargs):
        raise AssertionError("a member was unpacked before the bounds were checked")

    monkeypatch.setattr(zipfile.ZipFile, "open", refuse)


# ---------------------------------------------------------------- workbook bombs


def test_a_workbook_that_unpacks_past_the_limit_is_refused_in_the_request_unread(
    client, clerk, tmp_path, settings, monkeypatch
):
    settings.IMPORT_MAX_UNPACKED_BYTES = 2 * MB
    settings.IMPORT_MAX_COMPRESSION_RATIO = 10**6  # only the total decides here
    path = bomb(tmp_path / "bomb.xlsx", 3 * MB)
    assert path.stat().st_size < 100 * 1024
    forbid_unpacking(monkeypatch)
    message = form_error(upload(client, clerk, "学校.xlsx", path.read_bytes()))
    assert "解压后超过 2 MB" in message and "学校.xlsx" in message
    assert not ImportBatch.objects.exists()


def test_a_workbook_compressed_like_a_bomb_is_refused_naming_the_sheet_file(
    client, clerk, tmp_path, monkeypatch
):
    path = bomb(tmp_path / "bomb.xlsx", 3 * MB)
    forbid_unpacking(monkeypatch)
    message = form_error(upload(client, clerk, "数据.xlsx", path.read_bytes()))
    assert "压缩比异常" in message and "xl/worksheets/sheet1.xml" in message
    assert not ImportBatch.objects.exists()


def test_the_reader_refuses_a_bomb_too_for_the_worker_and_the_command_line(tmp_path, county, settings):
    settings.IMPORT_MAX_UNPACKED_BYTES = 2 * MB
    result = import_workbook(bomb(tmp_path / "bomb.xlsx", 3 * MB))
    assert not result.ok
    assert "解压后超过" in result.errors[0]["message"]


def test_a_zip_of_csv_files_is_bounded_the_same_way(client, clerk, tmp_path, monkeypatch):
    path = tmp_path / "csv.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("学校.csv", b"0" * (3 * MB))
    forbid_unpacking(monkeypatch)
    assert "压缩比异常" in form_error(upload(client, clerk, "csv.zip", path.read_bytes()))


def test_an_ordinary_workbook_passes_the_bounds(client, clerk, tmp_path, county):
    path = write_xlsx(tmp_path / "ok.xlsx", basic_sheets())
    response = upload(client, clerk, "ok.xlsx", path.read_bytes())
    assert response.status_code == 302
    assert ImportBatch.objects.get().status == ImportBatch.Status.PREVIEW


# ---------------------------------------------------------------- rows per sheet


def test_a_workbook_sheet_with_too_many_rows_is_refused_naming_it(tmp_path, county, settings):
    settings.IMPORT_MAX_ROWS_PER_SHEET = 5
    schools = [school_row(code=f"37130200{n:02d}") for n in range(1, 8)]
    result = import_workbook(write_xlsx(tmp_path / "f.xlsx", {"学校": [SCHOOL_HEADER, *schools]}))
    assert not result.ok
    assert result.errors[0]["message"].startswith("工作表「学校」超过 5 行的上限")
    assert not School.objects.exists()


def test_a_csv_with_too_many_rows_is_refused_naming_it(tmp_path, county, settings):
    settings.IMPORT_MAX_ROWS_PER_SHEET = 5
    schools = [school_row(code=f"37130200{n:02d}") for n in range(1, 8)]
    path = tmp_path / "学校.csv"
    path.write_bytes(csv_bytes([SCHOOL_HEADER, *schools]))
    result = import_workbook(path)
    assert "工作表「学校.csv」超过 5 行的上限" in result.errors[0]["message"]
    assert not School.objects.exists()


def test_a_sheet_at_the_limit_is_accepted(tmp_path, county, settings):
    settings.IMPORT_MAX_ROWS_PER_SHEET = 5
    schools = [school_row(code=f"37130200{n:02d}") for n in range(1, 6)]
    result = import_workbook(write_xlsx(tmp_path / "f.xlsx", {"学校": [SCHOOL_HEADER, *schools]}))
    assert result.ok, result.errors
    assert School.objects.count() == 5


# ---------------------------------------------------------------- what a file is: its content, not its name


@pytest.mark.parametrize(
    "name, content",
    [
        ("学校.xlsx", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200),  # a program renamed to .xlsx
        ("学校.csv", b"\x89PNG\r\n\x1a\n" + b"\x00" * 200),  # a picture renamed to .csv
        ("学校.csv", "学校标识码\x00,学校名称\n".encode()),  # text with NUL bytes
        ("学校.zip", b"\xff\xfe" + "学校".encode("utf-16-le")),  # UTF-16 text
    ],
)
def test_a_file_whose_content_is_not_a_workbook_or_csv_is_refused_whatever_its_name(
    client, clerk, name, content
):
    message = form_error(upload(client, clerk, name, content))
    assert "按文件内容判断" in message and name in message
    assert not ImportBatch.objects.exists()


def test_the_official_still_gets_403_on_the_upload(client, official, tmp_path):
    path = write_xlsx(tmp_path / "ok.xlsx", basic_sheets())
    assert upload(client, official, "ok.xlsx", path.read_bytes()).status_code == 403


# ---------------------------------------------------------------- the same name, any number of times


def test_the_same_csv_name_can_be_uploaded_again_and_again(client, clerk, county):
    content = csv_bytes([SCHOOL_HEADER, school_row()])
    for _ in range(3):
        response = upload(client, clerk, "学校.csv", content)
        assert response.status_code == 302
    batches = ImportBatch.objects.order_by("pk")
    assert [b.status for b in batches] == [ImportBatch.Status.PREVIEW] * 3, [b.errors for b in batches]
    assert [b.file_name for b in batches] == ["学校.csv"] * 3


def test_a_path_in_the_upload_name_never_reaches_the_disk(client, clerk, county):
    upload(client, clerk, "../../../学校.csv", csv_bytes([SCHOOL_HEADER, school_row()]))
    batch = ImportBatch.objects.get()
    assert batch.file_name == "学校.csv"
    stored = Path(batch.file.path).resolve()
    assert stored.is_relative_to(Path(settings.MEDIA_ROOT).resolve() / "imports")
    assert "学校" not in stored.name and stored.suffix == ".csv"
    assert batch.status == ImportBatch.Status.PREVIEW


def test_the_original_download_keeps_the_users_name(client, clerk, county):
    upload(client, clerk, "学校.csv", csv_bytes([SCHOOL_HEADER, school_row()]))
    batch = ImportBatch.objects.get()
    response = client.get(reverse("imports:file", args=[batch.pk]))
    assert "%E5%AD%A6%E6%A0%A1.csv" in response["Content-Disposition"]


def test_the_outsider_gets_404_on_an_uploaded_batch(client, clerk, other_clerk, county):
    upload(client, clerk, "学校.csv", csv_bytes([SCHOOL_HEADER, school_row()]))
    batch = ImportBatch.objects.get()
    client.force_login(other_clerk)
    assert client.get(reverse("imports:detail", args=[batch.pk])).status_code == 404


def test_a_workbook_creating_a_school_with_another_countys_code_gets_the_neutral_refusal(
    tmp_path, clerk, county, other_county
):
    SchoolFactory(code="3713110001", county=other_county)
    sheets = {"学校": [SCHOOL_HEADER, school_row(code="3713110001")]}
    result = import_workbook(write_xlsx(tmp_path / "f.xlsx", sheets), user=clerk)
    assert [e["message"] for e in result.errors] == [CODE_UNAVAILABLE]


# ---------------------------------------------------------------- the admin's import and evidence


def admin_import(client, admin_user, name, content, format_index):
    client.force_login(admin_user)
    return client.post(
        "/admin/schools/school/import/",
        {"import_file": SimpleUploadedFile(name, content), "format": str(format_index), "resource": "0"},
    )


def test_the_admin_import_offers_csv_and_xlsx_only(client, admin_user):
    client.force_login(admin_user)
    form = client.get("/admin/schools/school/import/").context["form"]
    assert [label for _value, label in form.fields["format"].choices if _value] == ["csv", "xlsx"]


def test_the_admin_import_refuses_a_bomb_unread(client, admin_user, tmp_path, monkeypatch):
    path = bomb(tmp_path / "bomb.xlsx", 3 * MB)
    forbid_unpacking(monkeypatch)
    response = admin_import(client, admin_user, "schools.xlsx", path.read_bytes(), 1)
    assert response.status_code == 200
    assert "压缩比异常" in response.content.decode()
    assert not School.objects.exists()


def test_the_admin_import_refuses_a_file_that_is_not_what_its_format_says(client, admin_user):
    response = admin_import(client, admin_user, "schools.csv", b"PK\x03\x04" + b"\x00" * 100, 0)
    assert "按文件内容判断" in response.content.decode()


def test_the_admin_import_refuses_an_oversized_file(client, admin_user, settings):
    settings.IMPORT_MAX_FILE_BYTES = 10
    response = admin_import(client, admin_user, "schools.csv", b"code,name\n" * 5, 0)
    assert "文件过大" in response.content.decode()


def test_the_admin_import_of_a_good_csv_still_previews(client, admin_user, county):
    content = f"code,name,county,kind,urban_rural_code\n3713020001,一小,{county.code},primary,111\n".encode()
    response = admin_import(client, admin_user, "schools.csv", content, 0)
    assert response.status_code == 200
    assert "confirm" in response.content.decode().lower()
    assert "按文件内容判断" not in response.content.decode()


def evidence_post(client, admin_user, county, name, content):
    client.force_login(admin_user)
    return client.post(
        "/admin/schools/declaration/add/",
        {
            "county": county.pk,
            "year": 2024,
            "item_code": "G1",
            "met": "unknown",
            "note": "",
            "evidence": SimpleUploadedFile(name, content),
        },  # fmt: skip
    )


def test_evidence_must_be_a_document_or_picture_by_its_content(client, admin_user, county):
    response = evidence_post(client, admin_user, county, "证明.pdf", b"MZ\x90\x00" + b"\x00" * 100)
    assert response.status_code == 200
    assert "不是可接受的佐证材料" in response.content.decode()
    assert not Declaration.objects.exists()


def test_evidence_over_the_size_limit_is_refused(client, admin_user, county, settings):
    settings.EVIDENCE_MAX_FILE_BYTES = 100
    response = evidence_post(client, admin_user, county, "证明.pdf", b"%PDF-1.7\n" + b"0" * 200)
    assert "佐证材料上限" in response.content.decode()
    assert not Declaration.objects.exists()


def test_a_pdf_evidence_is_kept(client, admin_user, county):
    response = evidence_post(client, admin_user, county, "证明.pdf", b"%PDF-1.7\n%%EOF\n")
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Declaration.objects.get().evidence.name.endswith(".pdf")


def test_a_docx_shaped_bomb_is_refused_as_evidence(client, admin_user, county, tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"0" * (3 * MB))
    response = evidence_post(client, admin_user, county, "证明.docx", buffer.getvalue())
    assert "压缩比异常" in response.content.decode()


def with_sheet_xml(path: Path, tmp_path: Path, extra: bytes) -> Path:
    """The workbook at `path` with `extra` appended to the first sheet's rows."""
    out = tmp_path / f"edited-{path.name}"
    with zipfile.ZipFile(path) as seed, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in seed.infolist():
            data = seed.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", extra + b"</sheetData>")
            target.writestr(info, data)
    return out


def test_two_cells_a_million_rows_apart_are_refused_before_the_sheet_is_built(tmp_path, county, monkeypatch):
    """calamine allocates every cell between the first and the last: the extent is checked on the XML first."""
    from python_calamine import CalamineWorkbook

    path = with_sheet_xml(
        write_xlsx(tmp_path / "f.xlsx", basic_sheets()),
        tmp_path,
        b'<row r="1048576"><c r="A1048576"><v>1</v></c></row>',
    )

    def never_built(self, name):
        raise AssertionError("the sheet was built before its extent was checked")

    monkeypatch.setattr(CalamineWorkbook, "get_sheet_by_name", never_built)
    result = import_workbook(path)
    assert result.errors[0]["message"].startswith("工作表「学校」超过 1000000 行的上限")


def test_a_cell_far_to_the_right_is_refused_naming_it(tmp_path, county):
    path = with_sheet_xml(
        write_xlsx(tmp_path / "f.xlsx", basic_sheets()),
        tmp_path,
        b'<row r="3"><c r="XFD3"><v>1</v></c></row>',
    )
    message = import_workbook(path).errors[0]["message"]
    assert "工作表「学校」在 XFD3 有内容" in message
