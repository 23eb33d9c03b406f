"""Progress reports with evidence: status and percent kept consistent, files checked by content and size, stored
under random names, downloadable only by users who see the project; the project page shows them as a timeline."""

import datetime
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from plans import services
from plans.models import Evidence, Plan, ProgressReport, Project, ProjectStatus

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def project(county):
    linyi = Plan.objects.get(slug="linyi-rural-education-2023")
    return Project.objects.create(
        plan=linyi, task=linyi.tasks.get(number=5), title="兰山区教师周转宿舍", county=county
    )


def _post(client, project, **data):
    payload = {"date": "2026-11-20", "text": "主体完工", "status": "in_progress", "progress": "60", **data}
    return client.post(reverse("plans:report_create", args=[project.pk]), payload)


def test_clerk_reports_progress_with_a_pdf_and_an_office_document(client, clerk, project, media):
    client.force_login(clerk)
    files = [
        SimpleUploadedFile("验收报告.pdf", PDF, content_type="application/pdf"),
        SimpleUploadedFile("台账.docx", _docx(), content_type="application/octet-stream"),
    ]
    response = _post(client, project, files=files)
    assert response.status_code == 302
    report = ProgressReport.objects.get(project=project)
    assert (report.status, report.progress, report.date) == ("in_progress", 60, datetime.date(2026, 11, 20))
    project.refresh_from_db()
    assert (project.status, project.progress) == ("in_progress", 60)
    kinds = sorted(Evidence.objects.filter(report=report).values_list("kind", "original_name"))
    assert kinds == [("docx", "台账.docx"), ("pdf", "验收报告.pdf")]
    for item in Evidence.objects.all():
        assert item.file.name.startswith("plans/evidence/") and "验收" not in item.file.name
        assert (media / item.file.name).exists()
    page = client.get(reverse("plans:project_detail", args=[project.pk])).content.decode()
    assert 'class="timeline"' in page and "2026年11月20日" in page and "验收报告.pdf" in page


def test_an_executable_renamed_pdf_is_refused_and_nothing_is_saved(client, clerk, project):
    client.force_login(clerk)
    response = _post(client, project, files=[SimpleUploadedFile("报告.pdf", EXE)])
    assert response.status_code == 400
    assert "不是可接受的佐证材料" in response.content.decode()
    assert not ProgressReport.objects.exists() and not Evidence.objects.exists()


def test_an_oversize_file_is_refused_with_the_limit(client, clerk, project, settings):
    settings.EVIDENCE_MAX_FILE_BYTES = 1024
    client.force_login(clerk)
    response = _post(client, project, files=[SimpleUploadedFile("扫描件.png", PNG + b"\x00" * 2048)])
    assert response.status_code == 400
    assert "文件过大" in response.content.decode()
    assert not ProgressReport.objects.exists()


def test_a_path_traversal_name_never_becomes_a_path(clerk, project, media):
    upload = SimpleUploadedFile("../../../etc/passwd.pdf", PDF)
    report = services.report_create(
        user=clerk, project=project, date=datetime.date(2026, 11, 1), text="x", status="in_progress",
        progress=10, files=[upload],
    )  # fmt: skip
    item = report.files.get()
    assert item.original_name == "passwd.pdf"
    assert ".." not in item.file.name and item.file.name.startswith("plans/evidence/")
    assert (media / item.file.name).resolve().is_relative_to(media.resolve())


@pytest.mark.parametrize(
    ("status", "progress", "message"),
    [
        (ProjectStatus.NOT_STARTED, 20, "“未启动”时，完成进度应为 0%"),
        (ProjectStatus.DONE, 90, "“已完成”时，完成进度应为 100%"),
        (ProjectStatus.IN_PROGRESS, 100, "“推进中”时，完成进度应在 1% 到 99% 之间"),
        (ProjectStatus.IN_PROGRESS, 0, "“推进中”时，完成进度应在 1% 到 99% 之间"),
    ],
)
def test_status_and_percent_must_agree(client, clerk, project, status, progress, message):
    client.force_login(clerk)
    response = _post(client, project, status=status, progress=str(progress))
    assert response.status_code == 400
    assert message in response.content.decode()
    with pytest.raises(ValidationError):
        services.project_update(user=clerk, project=project, status=status, progress=progress)


@pytest.mark.parametrize(("status", "progress"), [("not_started", 0), ("in_progress", 1), ("done", 100)])
def test_consistent_status_and_percent_are_accepted(clerk, project, status, progress):
    services.report_create(
        user=clerk,
        project=project,
        date=datetime.date(2026, 11, 1),
        text="x",
        status=status,
        progress=progress,
    )
    project.refresh_from_db()
    assert (project.status, project.progress) == (status, progress)


def _evidence(clerk, project) -> Evidence:
    report = services.report_create(
        user=clerk, project=project, date=datetime.date(2026, 11, 1), text="x", status="in_progress",
        progress=10, files=[SimpleUploadedFile("照片.png", PNG)],
    )  # fmt: skip
    return report.files.get()


@pytest.mark.parametrize(("persona", "status"), [("clerk", 200), ("official", 200), ("other_clerk", 404)])
def test_evidence_downloads_only_in_scope(request, client, clerk, project, persona, status):
    item = _evidence(clerk, project)
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("plans:evidence_download", args=[item.pk]))
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "image/png"
        assert "attachment" in response["Content-Disposition"]
        assert b"".join(response.streaming_content) == PNG


def test_outsider_cannot_open_or_report_on_another_countys_project(client, other_clerk, project):
    client.force_login(other_clerk)
    assert client.get(reverse("plans:project_detail", args=[project.pk])).status_code == 404
    assert _post(client, project).status_code == 404
    assert not ProgressReport.objects.exists()


def test_official_reads_the_timeline_but_has_no_report_form(client, clerk, official, project):
    _evidence(clerk, project)
    client.force_login(official)
    page = client.get(reverse("plans:project_detail", args=[project.pk])).content.decode()
    assert "照片.png" in page and "填报进展" not in page
    assert _post(client, project).status_code == 403


def test_report_form_has_a_real_date_input(client, clerk, project):
    client.force_login(clerk)
    page = client.get(reverse("plans:project_detail", args=[project.pk])).content.decode()
    assert 'type="date"' in page and 'enctype="multipart/form-data"' in page
