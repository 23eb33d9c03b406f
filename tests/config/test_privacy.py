"""Teachers' names are personal data: they show in the roster's page body and nowhere else — not in URLs (links,
form actions, redirects), page titles, error pages, import problem lists, the admin's changelist or logs."""

import logging
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indicators.models import CountyResult
from teachers.models import Teacher
from tests.factories import SchoolFactory, TeacherFactory
from tests.workbook.workbook_files import (
    TEACHER_HEADER,
    YEAR_HEADER,
    basic_sheets,
    csv_bytes,
    teacher_row,
    write_xlsx,
    write_zip,
)
from workbook.models import ImportBatch

# A rare character (U+4DAE) so that a hit cannot be a coincidence with any label of the portal.
NAME = "䶮张三"
OTHER_NAME = "䶮李四"

pytestmark = pytest.mark.django_db


def attribute_values(html: str, attribute: str) -> list[str]:
    return re.findall(rf'{attribute}="([^"]*)"', html)


def title_of(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1)


def upload(client, user, path):
    client.force_login(user)
    with open(path, "rb") as fh:
        return client.post(reverse("imports:upload"), {"file": SimpleUploadedFile(path.name, fh.read())})


def logged_text(caplog) -> str:
    return "\n".join(
        f"{record.getMessage()} {record.args!r} {record.exc_text or ''} {record.__dict__!r}"
        for record in caplog.records
    )


# ----------------------------------------------------------------------------------------------- roster pages


def test_the_roster_shows_the_name_in_the_body_but_never_in_a_link_action_or_title(client, clerk):
    teacher = TeacherFactory(school=SchoolFactory(county=clerk.region), name=NAME)
    client.force_login(clerk)
    for url in (
        "/teachers/",
        f"/teachers/?school={teacher.school.code}&year={teacher.year}",
        f"/teachers/{teacher.pk}/edit/",
    ):
        html = client.get(url).content.decode()
        assert NAME in html  # the page does show it, so the checks below can fail
        for attribute in ("href", "action", "data-confirm"):
            assert not [v for v in attribute_values(html, attribute) if NAME in v], (url, attribute)
        assert NAME not in title_of(html)


def test_saving_a_teacher_redirects_and_reports_by_teacher_number_only(client, clerk):
    teacher = TeacherFactory(school=SchoolFactory(county=clerk.region), name=NAME, teacher_id="T0000042")
    client.force_login(clerk)
    form = client.get(f"/teachers/{teacher.pk}/edit/").context["form"]
    data = {k: ("" if v is None else v) for k, v in form.initial.items() if v is not None}
    data.update(school=teacher.school.code, name=OTHER_NAME)
    response = client.post(f"/teachers/{teacher.pk}/edit/", data)
    assert response.status_code == 302, response.context["form"].errors if response.context else None
    assert OTHER_NAME not in response["Location"]
    landing = client.get(response["Location"]).content.decode()
    messages = re.search(r'<ul class="messages".*?</ul>', landing, re.S).group(0)
    assert "T0000042" in messages and OTHER_NAME not in messages


def test_a_404_for_another_countys_teacher_does_not_echo_the_name(client, clerk, other_clerk):
    hidden = TeacherFactory(school=SchoolFactory(county=other_clerk.region), name=NAME)
    client.force_login(clerk)
    for response in (
        client.get(f"/teachers/{hidden.pk}/edit/"),
        client.post(f"/teachers/{hidden.pk}/delete/"),
    ):
        assert response.status_code == 404
        body = response.content.decode()
        assert "页面不存在" in body
        assert NAME not in body and hidden.teacher_id not in body
    assert Teacher.objects.filter(pk=hidden.pk).exists()


def test_an_official_gets_a_403_on_a_teacher_without_the_name_in_it(client, clerk, official):
    teacher = TeacherFactory(school=SchoolFactory(county=clerk.region), name=NAME)
    client.force_login(official)
    response = client.post(f"/teachers/{teacher.pk}/delete/")
    assert response.status_code == 403
    assert NAME not in response.content.decode()


def test_the_api_does_not_filter_teachers_by_name(client, clerk):
    """A name filter would put names in URLs (and so in access logs); only the teacher number is offered."""
    TeacherFactory(school=SchoolFactory(county=clerk.region), name=NAME)
    client.force_login(clerk)
    unfiltered = client.get("/api/v1/teachers/").json()
    by_name = client.get("/api/v1/teachers/", {"name": NAME}).json()
    assert unfiltered["count"] == 1
    assert by_name["count"] == 1  # the parameter is ignored, not honoured


# ----------------------------------------------------------------------------------------------------- admin


def test_the_admin_changelist_neither_shows_nor_searches_names(client, admin_user, county):
    teacher = TeacherFactory(school=SchoolFactory(county=county), name=NAME, teacher_id="T0000077")
    client.force_login(admin_user)
    url = reverse("admin:teachers_teacher_changelist")

    listing = client.get(url).content.decode()
    assert "T0000077" in listing and NAME not in listing

    by_name = client.get(url, {"q": NAME})
    assert by_name.context["cl"].result_count == 0
    by_number = client.get(url, {"q": "T0000077"})
    assert by_number.context["cl"].result_count == 1

    change = client.get(reverse("admin:teachers_teacher_change", args=[teacher.pk])).content.decode()
    assert NAME in change  # the form shows it…
    assert NAME not in title_of(change)  # …but not the title or breadcrumbs, which use str()
    assert NAME not in re.search(r'<div class="breadcrumbs">.*?</div>', change, re.S).group(0)


def test_the_admin_import_of_teachers_does_not_echo_names_of_failed_rows(client, admin_user, county):
    from workbook.resources_teachers import TeacherResource

    SchoolFactory(county=county, code="3713020001")
    header = "school,year,teacher_id,name,stage,degree\n"
    rows = f"3713020001,2024,T1,{NAME},小学级别,本科\n3713020001,notayear,T2,{OTHER_NAME},primary,bachelor\n"
    import tablib

    dataset = tablib.Dataset().load(header + rows, format="csv")
    result = TeacherResource(user=admin_user).import_data(dataset, dry_run=True, raise_errors=False)
    assert result.has_errors() or result.has_validation_errors()
    shown = repr([row.values for row in result.invalid_rows])
    shown += repr([(e.row, str(e.error)) for _n, errors in result.row_errors() for e in errors])
    assert NAME not in shown and OTHER_NAME not in shown


# ---------------------------------------------------------------------------------------------------- import


def test_a_rejected_teacher_row_lists_its_problem_without_the_name(client, clerk, caplog, tmp_path, county):
    caplog.set_level(logging.DEBUG)
    sheets = basic_sheets(teachers=[teacher_row("T1", 姓名=NAME, 最高学历="博士后"), teacher_row("T2")])
    response = upload(client, clerk, write_xlsx(tmp_path / "bad.xlsx", sheets))
    batch = ImportBatch.objects.get()
    page = client.get(response["Location"]).content.decode()

    assert "博士后" in page  # the bad cell is echoed…
    assert NAME not in page  # …the name of its row is not
    assert NAME not in repr(batch.errors) + batch.message
    assert NAME not in logged_text(caplog)


def test_a_name_too_long_is_reported_as_hidden(client, clerk, tmp_path, county):
    long_name = NAME * 20
    sheets = basic_sheets(teachers=[teacher_row("T1", 姓名=long_name)])
    response = upload(client, clerk, write_xlsx(tmp_path / "long.xlsx", sheets))
    page = client.get(response["Location"]).content.decode()
    assert "姓名已隐藏" in page
    assert NAME not in page


def test_a_teacher_sheet_pasted_without_its_header_does_not_echo_names(client, clerk, tmp_path, county):
    """The first data row is then read as the header, and its cells as unknown column names."""
    rows = [teacher_row("T1", 姓名=NAME), teacher_row("T2", 姓名=OTHER_NAME)]
    sheets = {"学校": basic_sheets()["学校"], "教师": rows}
    response = upload(client, clerk, write_xlsx(tmp_path / "noheader.xlsx", sheets))
    batch = ImportBatch.objects.get()
    assert batch.status != "preview"
    page = client.get(response["Location"]).content.decode()
    assert "第一行可能是数据而不是表头" in page
    assert NAME not in page and OTHER_NAME not in page
    assert NAME not in repr(batch.errors) and OTHER_NAME not in repr(batch.errors)


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_names_in_a_column_without_header_are_not_echoed(client, clerk, tmp_path, county, kind):
    rows = [TEACHER_HEADER, [*teacher_row("T1"), NAME], [*teacher_row("T2"), OTHER_NAME]]
    if kind == "xlsx":
        path = write_xlsx(tmp_path / "extra.xlsx", {"学校": basic_sheets()["学校"], "教师": rows})
    else:
        files = {"学校.csv": csv_bytes(basic_sheets()["学校"]), "教师.csv": csv_bytes(rows)}
        path = write_zip(tmp_path / "extra.zip", files)
    response = upload(client, clerk, path)
    batch = ImportBatch.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert "此列有数据但没有表头" in page
    assert NAME not in page and OTHER_NAME not in page
    assert NAME not in repr(batch.errors) and OTHER_NAME not in repr(batch.errors)


def test_the_error_report_workbook_lists_problems_without_names(client, clerk, tmp_path, county):
    import io

    import openpyxl

    rows = [TEACHER_HEADER, [*teacher_row("T1", 姓名=NAME, 最高学历="博士后"), OTHER_NAME]]
    sheets = {"学校": basic_sheets()["学校"], "教师": rows}
    response = upload(client, clerk, write_xlsx(tmp_path / "bad.xlsx", sheets))
    batch = ImportBatch.objects.get()
    report = client.get(reverse("imports:error_report", args=[batch.pk]))
    assert report.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(report.streaming_content)))
    listing = workbook.worksheets[0]
    cells = " ".join(str(c.value) for row in listing.iter_rows() for c in row if c.value is not None)
    assert "博士后" in cells
    assert NAME not in cells and OTHER_NAME not in cells
    assert response.status_code == 302


def test_a_full_import_and_recompute_log_no_teacher_name(
    client, clerk, caplog, tmp_path, county, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.DEBUG)
    sheets = basic_sheets(teachers=[teacher_row("T1", 姓名=NAME), teacher_row("T2", 姓名=OTHER_NAME)])
    sheets["学校学年数据"] = [YEAR_HEADER, [2024, "3713020001", 600, 3000, 12000]]
    response = upload(client, clerk, write_xlsx(tmp_path / "good.xlsx", sheets))
    batch = ImportBatch.objects.get()
    assert batch.status == "preview", batch.errors
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:confirm", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == "done", (batch.status, batch.message)
    assert Teacher.objects.filter(name=NAME).exists()
    assert CountyResult.objects.filter(county=county, year=2024).exists()  # the recompute ran
    logging.getLogger("workbook").debug("probe %s", "captured")
    logged = logged_text(caplog)
    assert "probe captured" in logged  # DEBUG records of the project's loggers do reach the check
    assert NAME not in logged and OTHER_NAME not in logged
    assert response.status_code == 302
