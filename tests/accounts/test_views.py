"""Login, logout, password change and the language switch, as a user meets them."""

import pytest

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-123"


def test_login_with_the_right_password_lands_on_home(client, clerk):
    response = client.post("/accounts/login/", {"username": "clerk", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert "兰山区" in client.get("/", follow=True).content.decode()  # its county's dashboard


def test_wrong_password_is_explained_in_chinese_and_the_username_stays(client, clerk):
    response = client.post("/accounts/login/", {"username": "clerk", "password": "wrong"})
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()
    assert 'value="clerk"' in response.content.decode()


def test_login_returns_to_the_page_asked_for(client, clerk):
    response = client.post(
        "/accounts/login/?next=/schools/", {"username": "clerk", "password": PASSWORD, "next": "/schools/"}
    )
    assert response["Location"] == "/schools/"


def test_logout_ends_the_session(client, clerk):
    client.force_login(clerk)
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/").status_code == 302


def test_password_change_needs_login(client):
    response = client.get("/accounts/password_change/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_password_change_with_a_mismatch_is_refused(client, clerk):
    client.force_login(clerk)
    response = client.post(
        "/accounts/password_change/",
        {
            "old_password": PASSWORD,
            "new_password1": "Junheng-2025-new",
            "new_password2": "Junheng-2025-other",
        },
    )
    assert response.status_code == 200
    clerk.refresh_from_db()
    assert clerk.check_password(PASSWORD)


def test_password_change_works(client, clerk):
    client.force_login(clerk)
    response = client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": "Junheng-2025-new", "new_password2": "Junheng-2025-new"},
    )
    assert response.status_code == 302
    assert "密码已修改" in client.get(response["Location"]).content.decode()
    clerk.refresh_from_db()
    assert clerk.check_password("Junheng-2025-new")


def test_pages_are_chinese_by_default_and_english_on_request(client, clerk, other_clerk):
    client.force_login(clerk)
    assert "常用功能" in client.get("/?stay=1").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get("/?stay=1").content.decode()
    assert "Quick links" in english and "常用功能" not in english
    assert "School code" in client.get("/schools/").content.decode()


def test_an_english_browser_still_gets_chinese_until_the_user_switches(client, clerk):
    client.force_login(clerk)
    page = client.get("/?stay=1", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "常用功能" in page and "Quick links" not in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Quick links" in client.get("/?stay=1", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
