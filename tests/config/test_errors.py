"""Error pages speak Chinese (English when chosen), point home and say nothing about the object asked for."""

import pytest
from django.core.exceptions import SuspiciousOperation
from django.test import Client, override_settings
from django.urls import path

import config.urls
from tests.factories import SchoolFactory


def boom(request):
    raise RuntimeError("the database is down")


def suspicious(request):
    raise SuspiciousOperation("tampered")


# This module is also the URLconf of the tests below that need a view that fails.
urlpatterns = [path("boom/", boom), path("suspicious/", suspicious), *config.urls.urlpatterns]
handler500 = getattr(config.urls, "handler500", "django.views.defaults.server_error")
handler400 = getattr(config.urls, "handler400", "django.views.defaults.bad_request")

failing_views = override_settings(ROOT_URLCONF=__name__)


def page(response) -> str:
    return response.content.decode()


def test_an_unknown_url_gets_a_chinese_404_with_a_link_home(client, clerk):
    client.force_login(clerk)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    body = page(response)
    assert "页面不存在" in body
    assert 'href="/"' in body
    assert "no-such-page" not in body


def test_another_countys_school_gets_a_404_that_says_nothing_about_it(client, clerk, other_clerk):
    hidden = SchoolFactory(county=other_clerk.region, name="罗庄区隐秘小学", code="3713119999")
    client.force_login(clerk)
    for url in (f"/schools/{hidden.code}/", f"/schools/{hidden.code}/edit/"):
        response = client.get(url)
        assert response.status_code == 404
        body = page(response)
        assert "页面不存在" in body
        assert hidden.code not in body
        assert hidden.name not in body
        assert other_clerk.region.name not in body


def test_the_outsider_sees_the_same_404_for_a_school_that_does_not_exist(client, clerk, other_clerk):
    """A 404 for a hidden school reads exactly like one for a missing school, so it confirms nothing."""
    hidden = SchoolFactory(county=clerk.region, code="3713029999")
    client.force_login(other_clerk)
    hidden_page = client.get(f"/schools/{hidden.code}/")
    missing_page = client.get("/schools/3713020000/")
    assert hidden_page.status_code == missing_page.status_code == 404
    assert page(hidden_page) == page(missing_page)


def test_an_official_posting_a_form_gets_a_chinese_403(client, official, clerk):
    school = SchoolFactory(county=clerk.region)
    client.force_login(official)
    response = client.post(f"/schools/{school.code}/edit/", {"name": "改名"})
    assert response.status_code == 403
    body = page(response)
    assert "无权操作" in body
    assert "只有本区县的填报员可以填报和修改本区县的数据" in body
    assert 'href="/"' in body
    school.refresh_from_db()
    assert school.name != "改名"


def test_the_403_page_is_english_for_a_user_who_chose_english(client, official, clerk):
    school = SchoolFactory(county=clerk.region)
    client.force_login(official)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.post(f"/schools/{school.code}/edit/", {"name": "改名"})
    assert response.status_code == 403
    assert "Not allowed" in page(response)
    assert "无权操作" not in page(response)


def test_a_form_posted_without_its_csrf_token_gets_a_chinese_page_asking_to_resubmit(clerk):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(clerk)
    response = browser.post("/teachers/new/", {"teacher_id": "T1"})
    assert response.status_code == 403
    body = page(response)
    assert "页面已过期，请重新提交" in body
    assert "CSRF" not in body


@failing_views
def test_a_server_error_renders_a_chinese_500_without_touching_the_database():
    """No `db` fixture: pytest-django fails any query, so the page must not need the user, session or DB."""
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    body = page(response)
    assert "服务器出错" in body
    assert 'href="/"' in body
    assert "/static/css/junheng.css" in body
    assert "database is down" not in body


@failing_views
def test_the_500_page_is_english_when_english_was_chosen():
    browser = Client(raise_request_exception=False)
    browser.cookies["django_language"] = "en"
    response = browser.get("/boom/")
    assert response.status_code == 500
    assert "Server error" in page(response)
    assert "服务器出错" not in page(response)


@failing_views
def test_a_suspicious_request_gets_a_chinese_400():
    response = Client().get("/suspicious/")
    assert response.status_code == 400
    assert "请求有误" in page(response)
    assert "tampered" not in page(response)


@pytest.mark.parametrize("template", ["400.html", "403.html", "404.html", "500.html", "403_csrf.html"])
def test_every_error_page_renders_without_a_request(template):
    """Django renders 500.html and 403_csrf.html with no request; the others must not depend on one either."""
    from django.template.loader import render_to_string

    html = render_to_string(template)
    assert "返回首页" in html
    assert "错误 " in html
