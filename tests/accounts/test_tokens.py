"""API tokens expire after settings.API_TOKEN_TTL and die when their user's password changes, by any door."""

from datetime import datetime, timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-123"
NEW_PASSWORD = "Junheng-2025-new"


def get_token(username="clerk", password=PASSWORD) -> str:
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": username, "password": password}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


def whoami(key):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api.get("/api/v1/auth/whoami/")


def age_tokens(by):
    Token.objects.update(created=timezone.now() - by)


def test_the_token_answer_says_when_it_expires(clerk):
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "clerk", "password": PASSWORD}, format="json"
    )
    body = response.json()
    created = Token.objects.get(key=body["token"]).created
    assert datetime.fromisoformat(body["expires"]) == created + settings.API_TOKEN_TTL


def test_a_fresh_token_opens_the_api(clerk):
    assert whoami(get_token()).status_code == 200


def test_an_expired_token_answers_401_with_a_chinese_message(clerk):
    key = get_token()
    age_tokens(settings.API_TOKEN_TTL + timedelta(minutes=1))
    response = whoami(key)
    assert response.status_code == 401
    assert "令牌已过期" in response.json()["detail"]
    assert "username" not in response.json()


def test_a_token_just_inside_its_lifetime_still_works(clerk):
    key = get_token()
    age_tokens(settings.API_TOKEN_TTL - timedelta(minutes=1))
    assert whoami(key).status_code == 200


def test_asking_again_after_expiry_gives_a_new_token_and_the_old_stays_dead(clerk):
    old = get_token()
    age_tokens(settings.API_TOKEN_TTL + timedelta(minutes=1))
    new = get_token()
    assert new != old
    assert whoami(new).status_code == 200
    assert whoami(old).status_code == 401


def test_asking_again_before_expiry_gives_the_same_token(clerk):
    assert get_token() == get_token()


def test_changing_ones_password_kills_the_token(client, clerk):
    key = get_token()
    client.force_login(clerk)
    response = client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert whoami(key).status_code == 401
    assert client.get("/?stay=1").status_code == 200  # the changing user's own session goes on
    assert whoami(get_token(password=NEW_PASSWORD)).status_code == 200


def test_a_refused_password_change_keeps_the_token(client, clerk):
    key = get_token()
    client.force_login(clerk)
    client.post(
        "/accounts/password_change/",
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert whoami(key).status_code == 200


def test_an_administrator_setting_the_password_kills_the_token(client, clerk, admin_user):
    key = get_token()
    client.force_login(admin_user)
    response = client.post(
        f"/admin/accounts/user/{clerk.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    clerk.refresh_from_db()
    assert clerk.check_password(NEW_PASSWORD)
    assert whoami(key).status_code == 401


def test_another_users_password_change_leaves_my_token_alone(client, clerk, other_clerk):
    mine = get_token()
    client.force_login(other_clerk)
    client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert whoami(mine).status_code == 200
