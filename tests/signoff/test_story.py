"""The whole story as a new user lives it: the clerk submits, the city's official approves, and then every way of
changing the county's 2024 data — the form, the API, a workbook import, the admin — is refused with the
approver's name and the time; the official sends it back with a reason and the clerk's edit goes through."""

import pytest
from django.utils import timezone

from schools.models import SchoolYear
from signoff.models import Approval, ApprovalEvent
from workbook.importer import import_workbook

from ..workbook.workbook_files import YEAR_HEADER, write_xlsx

pytestmark = pytest.mark.django_db

PAGE = "/counties/371302/years/2024/approval/"
FACTS = "/schools/3713020001/years/2024/"


def html(response) -> str:
    return response.content.decode()


def approved_at() -> str:
    stored = Approval.objects.get(county__code="371302", year=2024).changed_at
    return timezone.localtime(stored).strftime("%Y-%m-%d %H:%M")


def submit_and_approve(client, clerk, approver):
    client.force_login(clerk)
    assert client.post(PAGE, {"action": "submit"}).status_code == 302
    client.force_login(approver)
    assert client.post(PAGE, {"action": "approve"}).status_code == 302


def test_a_clerk_submits_and_the_page_says_the_data_is_locked_waiting_for_approval(client, clerk, facts):
    client.force_login(clerk)
    before = html(client.get(PAGE))
    assert "填报中" in before and 'value="submit"' in before

    response = client.post(PAGE, {"action": "submit"}, follow=True)

    assert Approval.objects.get(county__code="371302", year=2024).state == "submitted"
    page = html(response)
    assert "已提交" in page and "clerk" in page and "已锁定" in page
    assert 'value="submit"' not in page  # nothing more for the clerk to submit


def test_the_official_approves_and_every_channel_refuses_the_clerks_change_naming_him_and_the_time(
    client, clerk, approver, admin_user, facts, tmp_path
):
    submit_and_approve(client, clerk, approver)
    when = approved_at()

    # the form: refused, the typed value kept, nothing saved
    client.force_login(clerk)
    form = client.post(FACTS, {"primary_students": "999", "teaching_area": "", "books": ""})
    assert form.status_code == 200
    assert "王芳" in html(form) and when in html(form) and "审核通过" in html(form)
    assert 'value="999"' in html(form)
    assert SchoolYear.objects.get(pk=facts.pk).primary_students == 600

    # the API: 409 with the same message
    api = client.patch(
        f"/api/v1/school-years/{facts.pk}/", {"primary_students": 999}, content_type="application/json"
    )
    assert api.status_code == 409
    assert "王芳" in api.json()["detail"] and when in api.json()["detail"]

    # a workbook import: the report names the locked county-year, nothing is written
    path = write_xlsx(
        tmp_path / "y.xlsx", {"学校学年数据": [YEAR_HEADER, [2024, "3713020001", 999, 100, 10]]}
    )
    result = import_workbook(path, user=clerk)
    assert not result.ok
    assert any("王芳" in e["message"] and when in e["message"] for e in result.errors)
    assert SchoolYear.objects.get(pk=facts.pk).primary_students == 600

    # the admin (even an administrator): the change form shows it, nothing saved
    client.force_login(admin_user)
    change = client.post(
        f"/admin/schools/schoolyear/{facts.pk}/change/",
        {"school": facts.school.pk, "year": 2024, "primary_students": 999},
    )
    assert change.status_code == 200 and "王芳" in html(change)
    assert SchoolYear.objects.get(pk=facts.pk).primary_students == 600


def test_unapproving_needs_a_reason_and_then_the_clerks_edit_goes_through(client, clerk, approver, facts):
    submit_and_approve(client, clerk, approver)

    client.force_login(approver)
    without = client.post(PAGE, {"action": "unapprove", "reason": "  "})
    assert without.status_code == 200
    assert Approval.objects.get(county__code="371302", year=2024).state == "approved"

    assert (
        client.post(PAGE, {"action": "unapprove", "reason": "小学在校生数与学籍系统不一致"}).status_code
        == 302
    )
    assert Approval.objects.get(county__code="371302", year=2024).state == "draft"

    client.force_login(clerk)
    saved = client.post(FACTS, {"primary_students": "612", "teaching_area": "", "books": ""})
    assert saved.status_code == 302
    assert SchoolYear.objects.get(pk=facts.pk).primary_students == 612

    history = html(client.get(PAGE))
    assert "小学在校生数与学籍系统不一致" in history
    assert [e.action for e in ApprovalEvent.objects.order_by("at", "pk")] == [
        "submit",
        "approve",
        "unapprove",
    ]


def test_another_year_of_the_same_county_stays_open(client, clerk, approver, school, facts):
    submit_and_approve(client, clerk, approver)
    client.force_login(clerk)
    saved = client.post("/schools/3713020001/years/2025/", {"primary_students": "10"})
    assert saved.status_code == 302
    assert SchoolYear.objects.filter(school=school, year=2025).exists()
