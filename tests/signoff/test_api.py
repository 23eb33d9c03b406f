"""/api/v1/counties/{code}/years/{year}/approval/ and its steps: the right role moves the state, the wrong role
gets 403, a step the state does not allow gets 400 with the reason, an outsider gets 404 everywhere."""

import pytest

from core import hooks
from signoff.models import Approval

pytestmark = pytest.mark.django_db

BASE = "/api/v1/counties/371302/years/2024/approval/"


def post(client, user, step, body=None):
    client.force_login(user)
    return client.post(f"{BASE}{step}/", body or {}, content_type="application/json")


def test_a_draft_reads_as_draft_with_no_one_and_no_history(client, clerk):
    client.force_login(clerk)
    body = client.get(BASE).json()
    assert body["state"] == "draft" and body["by"] is None and body["at"] is None
    assert body["history"] == [] and body["actions"] == ["submit"] and body["locked"] is False


def test_submit_approve_unapprove_through_the_api_with_who_and_when(client, clerk, official):
    submitted = post(client, clerk, "submit")
    assert submitted.status_code == 200
    assert submitted.json()["state"] == "submitted" and submitted.json()["by"] == "clerk"
    assert submitted.json()["violations"] == []

    approved = post(client, official, "approve")
    assert approved.status_code == 200
    assert (approved.json()["state"], approved.json()["by"]) == ("approved", "official")
    assert approved.json()["locked"] is True

    back = post(client, official, "unapprove", {"reason": "数据有误"})
    assert back.status_code == 200
    body = back.json()
    assert body["state"] == "draft"
    assert [(h["action"], h["by"], h["reason"]) for h in body["history"]] == [
        ("unapprove", "official", "数据有误"),
        ("approve", "official", ""),
        ("submit", "clerk", ""),
    ]


@pytest.mark.parametrize(
    ("who", "step"),
    [("official", "submit"), ("clerk", "approve"), ("province", "approve"), ("province", "submit")],
)
def test_the_wrong_role_gets_403_and_nothing_changes(client, clerk, official, city, who, step):
    from tests.factories import UserFactory

    if step == "approve":
        post(client, clerk, "submit")
    users = {
        "official": official,
        "clerk": clerk,
        "province": UserFactory(username="prov", role="official", region=city.parent),
    }
    before = Approval.objects.filter(county__code="371302", year=2024).values_list("state", flat=True).first()
    response = post(client, users[who], step)
    assert response.status_code == 403
    after = Approval.objects.filter(county__code="371302", year=2024).values_list("state", flat=True).first()
    assert after == before


def test_a_clerk_cannot_unapprove_an_approval(client, clerk, official):
    post(client, clerk, "submit")
    post(client, official, "approve")
    assert post(client, clerk, "unapprove", {"reason": "想改"}).status_code == 403


def test_a_step_the_state_does_not_allow_answers_400_with_the_reason(client, clerk, official):
    refused = post(client, official, "approve")
    assert refused.status_code == 400
    assert "只有已提交的数据可以审核" in refused.json()["detail"]
    post(client, clerk, "submit")
    twice = post(client, clerk, "submit")
    assert twice.status_code == 400 and "只有填报中的数据可以提交" in twice.json()["detail"]
    no_reason = post(client, official, "unapprove", {"reason": ""})
    assert no_reason.status_code == 400 and "退回理由" in no_reason.json()["detail"]


def test_acceptance_is_refused_unless_the_rule_set_asks_for_it(client, clerk, official, province_official):
    post(client, clerk, "submit")
    post(client, official, "approve")
    refused = post(client, province_official, "accept")
    assert refused.status_code == 400 and "未启用省级验收" in refused.json()["detail"]


def test_with_province_acceptance_on_the_province_accepts_and_only_it_can_send_back(
    client, clerk, official, province_official
):
    from indicators.engine.registry import QUALITY_2017
    from indicators.inputs import current_rule_set
    from indicators.services import rule_set_revise

    rule_set = current_rule_set(QUALITY_2017)
    rule_set_revise(rule_set, {**rule_set.params, "province_acceptance": True})
    post(client, clerk, "submit")
    post(client, official, "approve")
    assert post(client, official, "accept").status_code == 403
    accepted = post(client, province_official, "accept")
    assert accepted.status_code == 200 and accepted.json()["state"] == "accepted"
    assert post(client, official, "unapprove", {"reason": "x"}).status_code == 403
    assert post(client, province_official, "unapprove", {"reason": "复核"}).json()["state"] == "draft"


def test_submission_lists_the_open_validation_violations(client, clerk):
    def provider(county_id, year):
        return [
            {
                "rule": "寄宿生≤在校生",
                "severity": "error",
                "message": "兰山第一小学 寄宿生多于在校生",
                "url": None,
            }
        ]

    hooks.on_open_violations(provider)
    try:
        response = post(client, clerk, "submit")
    finally:
        hooks._violation_providers.remove(provider)
    assert response.status_code == 200
    assert [v["rule"] for v in response.json()["violations"]] == ["寄宿生≤在校生"]
    assert response.json()["history"][0]["open_violations"] == 1


@pytest.mark.parametrize("step", ["", "submit/", "approve/", "accept/", "unapprove/"])
def test_the_outsider_gets_404_on_every_approval_endpoint(client, other_clerk, clerk, step):
    client.force_login(other_clerk)
    if step:
        response = client.post(f"{BASE}{step}", {"reason": "x"}, content_type="application/json")
    else:
        response = client.get(BASE)
    assert response.status_code == 404
    assert not Approval.objects.exists()


def test_an_anonymous_caller_is_refused(client):
    assert client.get(BASE).status_code in (401, 403)


def test_the_approval_routes_are_in_the_openapi_schema(client, clerk):
    client.force_login(clerk)
    schema = client.get("/api/v1/schema/?format=json").json()
    paths = schema["paths"]
    base = "/api/v1/counties/{code}/years/{year}/approval/"
    for suffix in ("", "submit/", "approve/", "accept/", "unapprove/"):
        assert base + suffix in paths
    assert "ReasonRequest" in str(paths[base + "unapprove/"]["post"]["requestBody"])
    assert "reason" in schema["components"]["schemas"]["ReasonRequest"]["required"]
    assert "409" not in paths[base]["get"]["responses"]


def test_every_step_is_announced_to_the_audit_trail_with_the_county_and_the_reason(
    client, clerk, official, county
):
    heard = []

    def listener(kind, *, user=None, region_id=None, detail=None):
        if kind.startswith("approval."):  # logins are announced too (the audit trail records them)
            heard.append((kind, user.username, region_id, detail["year"], detail["reason"]))

    hooks.on_audit_event(listener)
    try:
        post(client, clerk, "submit")
        post(client, official, "approve")
        post(client, official, "unapprove", {"reason": "复核"})
        post(client, clerk, "approve")  # refused (403): not announced
    finally:
        hooks._audit_listeners.remove(listener)
    assert heard == [
        ("approval.submit", "clerk", county.pk, 2024, ""),
        ("approval.approve", "official", county.pk, 2024, ""),
        ("approval.unapprove", "official", county.pk, 2024, "复核"),
    ]
