"""The approval page (buttons per role, violations before a submission, 403/404) and the badge on the overview,
the county report and the county-year page (未审核 for the levels above while a year is not approved)."""

import pytest

from core import hooks
from signoff import services
from signoff.models import Approval

pytestmark = pytest.mark.django_db

PAGE = "/counties/371302/years/2024/approval/"


def html(response) -> str:
    return response.content.decode()


@pytest.fixture
def violation():
    def provider(county_id, year):
        return [
            {
                "rule": "寄宿生数不超过在校生数",
                "severity": "error",
                "message": "兰山第一小学：寄宿生 700 > 在校生 600",
                "url": "/schools/3713020001/years/2024/",
            }
        ]

    hooks.on_open_violations(provider)
    yield
    hooks._violation_providers.remove(provider)


def test_before_submitting_the_clerk_sees_the_open_violations_and_may_still_submit(client, clerk, violation):
    client.force_login(clerk)
    page = html(client.get(PAGE))
    assert "寄宿生 700 &gt; 在校生 600" in page and "仍然提交审核" in page
    response = client.post(PAGE, {"action": "submit"}, follow=True)
    assert "1 条未解决的校验问题" in html(response)
    assert Approval.objects.get().state == "submitted"


def test_each_role_sees_only_its_own_buttons(client, clerk, official, county):
    client.force_login(official)
    assert 'value="approve"' not in html(client.get(PAGE))
    services.submit(user=clerk, county=county, year=2024)
    official_page = html(client.get(PAGE))
    assert 'value="approve"' in official_page and 'value="unapprove"' in official_page
    client.force_login(clerk)
    clerk_page = html(client.get(PAGE))
    assert 'value="approve"' not in clerk_page and 'value="unapprove"' in clerk_page  # withdraw


@pytest.mark.parametrize(
    ("who", "action"), [("official", "submit"), ("clerk", "approve"), ("clerk", "nonsense")]
)
def test_a_step_of_another_role_is_403(client, clerk, official, county, who, action):
    services.submit(user=clerk, county=county, year=2024) if action == "approve" else None
    client.force_login({"clerk": clerk, "official": official}[who])
    assert client.post(PAGE, {"action": action}).status_code == 403


def test_a_clerk_cannot_send_back_an_approval_even_with_a_reason(client, clerk, official, county):
    services.submit(user=clerk, county=county, year=2024)
    services.approve(user=official, county=county, year=2024)
    client.force_login(clerk)
    assert client.post(PAGE, {"action": "unapprove", "reason": "改数据"}).status_code == 403
    assert Approval.objects.get().state == "approved"


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_outsider_gets_404_on_the_page(client, other_clerk, clerk, method):
    client.force_login(other_clerk)
    response = getattr(client, method)(PAGE, {"action": "submit"} if method == "post" else None)
    assert response.status_code == 404
    assert not Approval.objects.exists()


def test_a_year_out_of_range_is_not_found(client, clerk):
    client.force_login(clerk)
    assert client.get("/counties/371302/years/9999/approval/").status_code == 404


def test_the_overview_marks_an_unapproved_county_for_the_city_and_drops_the_mark_once_approved(
    client, clerk, official, county, other_county
):
    client.force_login(official)
    page = html(client.get("/indicators/?year=2024"))
    assert "未审核" in page and PAGE in page
    services.submit(user=clerk, county=county, year=2024)
    assert "已提交" in html(client.get("/indicators/?year=2024"))
    services.approve(user=official, county=county, year=2024)
    page = html(client.get("/indicators/?year=2024"))
    assert "已审核" in page
    # the other county of the city is still a draft: its mark stays
    assert page.count('class="st st-unreviewed"') == 1


def test_the_county_report_and_the_county_year_page_show_the_state(client, clerk, official, county):
    services.submit(user=clerk, county=county, year=2024)
    client.force_login(official)
    report = html(client.get("/indicators/counties/371302/?year=2024"))
    assert "已提交" in report and "未审核" in report
    client.force_login(clerk)
    own = html(client.get("/counties/371302/years/2024/"))
    assert "已提交" in own and "未审核" not in own  # the county's own clerk is not a level above


def test_the_page_and_the_lock_message_read_in_english_for_a_user_who_chose_english(client, clerk, facts):
    client.force_login(clerk)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = html(client.get(PAGE))
    assert "Submit for approval" in page and "Draft" in page and "提交审核" not in page
    client.post(PAGE, {"action": "submit"})
    refused = client.patch(
        f"/api/v1/school-years/{facts.pk}/", {"primary_students": 1}, content_type="application/json"
    )
    assert refused.status_code == 409
    assert "submitted for approval by clerk" in refused.json()["detail"]


def test_the_school_year_pages_say_the_year_is_approved_before_the_clerk_types(
    client, clerk, official, county, facts
):
    services.submit(user=clerk, county=county, year=2024)
    services.approve(user=official, county=county, year=2024)
    client.force_login(clerk)
    page = html(client.get("/schools/3713020001/years/2024/classes/"))
    assert "已审核" in page and PAGE in page
