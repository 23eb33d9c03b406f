"""A plan's ledger (台账): exported in the bureaus' layout, imported back all or nothing with located errors,
scoped like the plan page; the official sees the counties' roll-up."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from plans.models import Plan, Project
from workbook.ledger import COLUMNS

pytestmark = pytest.mark.django_db


@pytest.fixture
def linyi(db):
    return Plan.objects.get(slug="linyi-rural-education-2023")


@pytest.fixture
def own(linyi, county):
    return Project.objects.create(
        plan=linyi, number=1, title="兰山区教师周转宿舍", county=county, budget=630,
        deadline=datetime.date(2026, 6, 30), responsible_departments="区教体局", status="in_progress", progress=40,
    )  # fmt: skip


@pytest.fixture
def neighbours(linyi, other_county):
    return Project.objects.create(plan=linyi, number=2, title="罗庄区实验室", county=other_county, budget=100)


def _xlsx(rows) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("台账.xlsx", out.getvalue())


def test_export_has_the_bureaus_columns_and_only_the_users_projects(client, clerk, linyi, own, neighbours):
    client.force_login(clerk)
    response = client.get(reverse("imports:ledger_export", args=[linyi.pk]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == COLUMNS
    titles = [r[1] for r in rows[1:]]
    assert "兰山区教师周转宿舍" in titles and "罗庄区实验室" not in titles
    row = rows[1 + titles.index("兰山区教师周转宿舍")]
    assert row[3].date() == datetime.date(2026, 6, 30) and row[5] == 630 and row[6] == "推进中 40%"


def test_import_updates_by_number_and_creates_the_rest(client, clerk, linyi, own, county):
    client.force_login(clerk)
    upload = _xlsx(
        [
            [1, "兰山区教师周转宿舍", "建成 120 套", "2026-12-31", "区教体局", 650, "已完成"],
            [None, "兰山区实验室改造", "", "每学期", "区财政局", "80.5", "未启动"],
        ]
    )
    response = client.post(reverse("imports:ledger_import", args=[linyi.pk]), {"file": upload})
    assert response.status_code == 302
    own.refresh_from_db()
    assert (own.status, own.progress, own.budget, own.deadline) == (
        "done",
        100,
        650,
        datetime.date(2026, 12, 31),
    )
    new = Project.objects.get(title="兰山区实验室改造")
    assert (new.county, new.deadline_note, new.status, new.progress) == (county, "每学期", "not_started", 0)


def test_one_bad_row_imports_nothing_and_names_row_and_column(client, clerk, linyi, own):
    client.force_login(clerk)
    upload = _xlsx(
        [
            [None, "兰山区实验室改造", "", "2026-12-31", "", 10, "推进中 30%"],
            [None, "", "", "2026-13-40", "", "-5", "未启动 20%"],
        ]
    )
    response = client.post(reverse("imports:ledger_import", args=[linyi.pk]), {"file": upload})
    page = response.content.decode()
    assert response.status_code == 400
    assert "第3行「项目」：必填" in page and "第3行「目标时限」" in page and "第3行「预算（万元）」" in page
    assert "第3行：状态为“未启动”时，完成进度应为 0%。" not in page  # cells first; the rule after
    assert not Project.objects.filter(title="兰山区实验室改造").exists()


def test_inconsistent_progress_in_the_ledger_is_refused_with_its_row(client, clerk, linyi):
    client.force_login(clerk)
    upload = _xlsx([[None, "兰山区实验室改造", "", "", "", None, "未启动 20%"]])
    response = client.post(reverse("imports:ledger_import", args=[linyi.pk]), {"file": upload})
    assert "第2行：状态为“未启动”时，完成进度应为 0%。" in response.content.decode()
    assert not Project.objects.filter(title="兰山区实验室改造").exists()


def test_a_clerk_cannot_update_another_countys_project_through_the_ledger(client, clerk, linyi, neighbours):
    client.force_login(clerk)
    upload = _xlsx([[2, "被改写", "", "", "", None, "已完成"]])
    client.post(reverse("imports:ledger_import", args=[linyi.pk]), {"file": upload})
    neighbours.refresh_from_db()
    assert neighbours.title == "罗庄区实验室"  # the row made a new project of the clerk's own county instead
    assert Project.objects.get(title="被改写").county.code == "371302"


def test_a_renamed_executable_is_refused(client, clerk, linyi):
    client.force_login(clerk)
    upload = SimpleUploadedFile("台账.xlsx", b"MZ\x90\x00" + b"\x00" * 100)
    response = client.post(reverse("imports:ledger_import", args=[linyi.pk]), {"file": upload})
    assert response.status_code == 400 and "台账未导入" in response.content.decode()


def test_official_cannot_import_and_outsider_plan_answers_404(client, official, clerk, linyi):
    client.force_login(official)
    assert client.get(reverse("imports:ledger_import", args=[linyi.pk])).status_code == 403
    henan = Plan.objects.get(slug="henan-basic-public-education-2024")
    client.force_login(clerk)
    assert client.get(reverse("imports:ledger_export", args=[henan.pk])).status_code == 404


def test_city_official_sees_the_roll_up_of_its_counties_projects(
    client, official, clerk, linyi, own, neighbours
):
    client.force_login(official)
    page = client.get(reverse("plans:plan_detail", args=[linyi.pk])).content.decode()
    assert "各区县项目汇总" in page
    rollup = page.split('class="data rollup"')[1].split("</table>")[0]
    assert "兰山区" in rollup and "罗庄区" in rollup and "730" in rollup  # budgets 630 + 100
    client.force_login(clerk)
    assert "各区县项目汇总" not in client.get(reverse("plans:plan_detail", args=[linyi.pk])).content.decode()
