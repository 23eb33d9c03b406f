"""Password guessing on the login form and the token endpoint locks that username on that address for the
cool-off, never the office: other users behind the same address, and the same user elsewhere, still sign in."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from rest_framework.test import APIClient

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-123"
OFFICE = "10.1.2.3"
HOME = "10.9.9.9"


def login(username, password, ip=OFFICE):
    return Client(REMOTE_ADDR=ip).post("/accounts/login/", {"username": username, "password": password})


def token(username, password, ip=OFFICE):
    return APIClient(REMOTE_ADDR=ip).post(
        "/api/v1/auth/token/", {"username": username, "password": password}, format="json"
    )


def guess(times, username="clerk", ip=OFFICE, via=login):
    return [via(username, f"wrong-{n}", ip).status_code for n in range(times)]


def cool_off_passes():
    """Move every recorded failure back past the cool-off, as if that much time had gone by."""
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.first().attempt_time
        - settings.AXES_COOLOFF_TIME
        - timedelta(minutes=1)
    )


def test_thirty_wrong_passwords_lock_the_username_on_that_address_even_for_the_right_password(clerk):
    statuses = guess(30)
    limit = settings.AXES_FAILURE_LIMIT
    assert statuses[: limit - 1] == [200] * (limit - 1)  # the form again, "用户名或密码不正确"
    assert set(statuses[limit - 1 :]) == {429}
    response = login("clerk", PASSWORD)
    assert response.status_code == 429
    assert "/" != response.get("Location")


def test_the_lockout_page_is_chinese_in_the_portals_look_and_names_nobody(clerk):
    guess(settings.AXES_FAILURE_LIMIT)
    response = login("clerk", PASSWORD)
    body = response.content.decode()
    assert response.status_code == 429
    assert "登录已暂时锁定" in body
    assert f"{int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)} 分钟" in body
    assert "/static/css/junheng.css" in body
    assert "clerk" not in body and OFFICE not in body
    assert int(response["Retry-After"]) == settings.AXES_COOLOFF_TIME.total_seconds()


def test_the_lockout_page_is_english_for_a_user_who_chose_english(clerk):
    guess(settings.AXES_FAILURE_LIMIT)
    browser = Client(REMOTE_ADDR=OFFICE)
    browser.cookies["django_language"] = "en"
    body = browser.post("/accounts/login/", {"username": "clerk", "password": PASSWORD}).content.decode()
    assert "Sign-in temporarily locked" in body and "登录已暂时锁定" not in body


def test_a_colleague_in_the_same_office_still_signs_in(clerk, other_clerk):
    guess(30, username="clerk")
    response = login("outsider", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"


def test_the_same_user_from_another_address_still_signs_in(clerk):
    guess(30, username="clerk")
    assert login("clerk", PASSWORD, ip=HOME).status_code == 302


def test_the_lock_ends_by_itself_after_the_cool_off(clerk):
    guess(30)
    assert login("clerk", PASSWORD).status_code == 429
    cool_off_passes()
    assert login("clerk", PASSWORD).status_code == 302


def test_guessing_on_during_the_lock_does_not_prolong_it(clerk):
    guess(settings.AXES_FAILURE_LIMIT)
    cool_off_passes()
    # the cool-off has run out for the failures that caused the lock; more guesses had been refused uncounted
    assert login("clerk", PASSWORD).status_code == 302


def test_a_successful_sign_in_forgets_earlier_typos(clerk):
    guess(settings.AXES_FAILURE_LIMIT - 1)
    assert login("clerk", PASSWORD).status_code == 302
    assert guess(settings.AXES_FAILURE_LIMIT - 1) == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert login("clerk", PASSWORD).status_code == 302


def test_the_token_endpoint_counts_failures_and_locks_the_same_way(clerk, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "auth_token": "1000/min",
        },
    }
    statuses = guess(30, via=token)
    limit = settings.AXES_FAILURE_LIMIT
    assert statuses[: limit - 1] == [400] * (limit - 1)
    assert set(statuses[limit - 1 :]) == {429}
    locked = token("clerk", PASSWORD)
    assert locked.status_code == 429
    assert "已暂时锁定" in locked.json()["detail"]
    assert "token" not in locked.json()
    # the login form is locked too for that pair (one count, whichever door was used)
    assert login("clerk", PASSWORD).status_code == 429
    # and a colleague on the same address gets a token
    UserFactory(username="colleague", role="clerk", region=clerk.region)
    assert token("colleague", PASSWORD).status_code == 200


def test_failures_on_the_form_and_the_token_endpoint_add_up(clerk):
    half = settings.AXES_FAILURE_LIMIT // 2
    guess(half, via=login)
    guess(settings.AXES_FAILURE_LIMIT - half, via=token)
    assert login("clerk", PASSWORD).status_code == 429


def test_the_admin_login_is_locked_too(admin_user):
    for n in range(settings.AXES_FAILURE_LIMIT):
        Client(REMOTE_ADDR=OFFICE).post("/admin/login/", {"username": "admin", "password": f"x{n}"})
    response = Client(REMOTE_ADDR=OFFICE).post("/admin/login/", {"username": "admin", "password": PASSWORD})
    assert response.status_code == 429


def test_the_token_endpoint_is_throttled_per_address(db, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "auth_token": "5/min",
        },
    }
    statuses = [token(f"nobody{n}", "x").status_code for n in range(8)]
    assert statuses[:5] == [400] * 5
    assert statuses[5:] == [429] * 3
    assert token("nobody", "x", ip=HOME).status_code == 400
