"""Token sign-in and whoami over the REST API."""

import pytest
from rest_framework.test import APIClient

PASSWORD = "pw-for-tests-123"


@pytest.fixture
def api():
    return APIClient()


def test_clerk_exchanges_password_for_a_token_that_opens_the_api(api, clerk):
    response = api.post("/api/v1/auth/token/", {"username": "clerk", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]

    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    whoami = api.get("/api/v1/auth/whoami/")
    assert whoami.status_code == 200
    assert whoami.json() == {"username": "clerk", "role": "clerk", "region_code": "371302"}


def test_wrong_password_gets_no_token_and_a_chinese_message(api, clerk):
    response = api.post("/api/v1/auth/token/", {"username": "clerk", "password": "wrong"}, format="json")
    assert response.status_code == 400
    assert "token" not in response.json()
    assert "无法使用提供的认证信息登录" in str(response.json())


def test_made_up_token_is_rejected(api, clerk):
    api.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    response = api.get("/api/v1/auth/whoami/")
    assert response.status_code in (401, 403)
    assert "username" not in response.json()


def test_whoami_tells_each_persona_its_role_and_region(api, clerk, other_clerk, official, admin_user):
    expected = {
        clerk: ("clerk", "371302"),
        other_clerk: ("clerk", "371311"),
        official: ("official", "371300"),
        admin_user: ("admin", None),
    }
    for user, (role, region_code) in expected.items():
        api.force_authenticate(user)
        body = api.get("/api/v1/auth/whoami/").json()
        assert body == {"username": user.username, "role": role, "region_code": region_code}


def test_anonymous_whoami_is_refused(api, db):
    assert api.get("/api/v1/auth/whoami/").status_code in (401, 403)
