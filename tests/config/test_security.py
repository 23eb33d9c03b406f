"""Security headers, the Content-Security-Policy, private caching, sessions, API throttles and undecodable input,
as a browser, a script or a prober meets them."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, reverse
from rest_framework.test import APIClient

import config.api_urls
from tests.factories import SchoolFactory, TeacherFactory

ROOT = Path(settings.BASE_DIR)
PASSWORD = "pw-for-tests-123"


def csp_directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


# ---------------------------------------------------------------- headers and the Content-Security-Policy


@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/", "/no-such-page/"])
def test_anonymous_pages_carry_the_security_headers(client, db, url):
    response = client.get(url)
    directives = csp_directives(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"]


def test_signed_in_pages_and_the_admin_carry_the_policy(client, admin_user, county):
    SchoolFactory(county=county)
    client.force_login(admin_user)
    for url in (
        "/",
        "/schools/",
        "/teachers/",
        "/admin/",
        "/admin/schools/school/",
        "/admin/schools/school/add/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert csp_directives(response)["script-src"] == ["'self'"], url


def test_a_500_page_carries_the_policy_too():
    from django.test import Client, override_settings

    with override_settings(ROOT_URLCONF="tests.config.test_errors"):
        response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    assert "Content-Security-Policy" in response


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "an inline <script>"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "an inline event handler"),
    (re.compile(r"\sstyle\s*=", re.I), "an inline style attribute"),
    (re.compile(r"<style", re.I), "a <style> block"),
    (re.compile(r"javascript:", re.I), "a javascript: URL"),
]


def test_no_template_needs_inline_script_or_style():
    """The policy allows neither; anything of the kind belongs in static/js/junheng.js or static/css."""
    found = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for pattern, what in INLINE:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(ROOT)}:{line}: {what}")
    assert not found, "\n".join(found)


def test_the_pages_scripts_are_files_of_the_portal(client, clerk):
    client.force_login(clerk)
    html = client.get("/", follow=True).content.decode()  # the home page sends a clerk to the dashboard
    sources = re.findall(r'<script[^>]*src="([^"]+)"', html)
    assert sources and all(src.startswith(settings.STATIC_URL) for src in sources)


def test_the_admins_export_page_binds_select_all_from_a_file(client, admin_user, county):
    client.force_login(admin_user)
    html = client.get("/admin/schools/school/export/").content.decode()
    assert "/static/js/admin_export.js" in html
    assert (ROOT / "static" / "js" / "admin_export.js").exists()


# ---------------------------------------------------------------- caching of pages with personal data


def test_signed_in_pages_are_private_and_not_stored(client, clerk, county):
    TeacherFactory(school=SchoolFactory(county=county), name="王小明")
    client.force_login(clerk)
    for url in ("/", "/teachers/", "/schools/", "/imports/", "/no-such-page/"):
        cache_control = client.get(url)["Cache-Control"]
        assert "private" in cache_control and "no-store" in cache_control, url


def test_api_answers_are_private_and_not_stored_with_a_token_too(clerk, county):
    TeacherFactory(school=SchoolFactory(county=county))
    key = APIClient().post("/api/v1/auth/token/", {"username": "clerk", "password": PASSWORD}).json()["token"]
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = api.get("/api/v1/teachers/")
    assert response.status_code == 200
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]


def test_an_export_download_is_not_stored(client, clerk, county):
    client.force_login(clerk)
    response = client.get(reverse("imports:template"))
    assert "no-store" in response["Cache-Control"]


def test_an_anonymous_page_is_not_marked_private(client, db):
    assert "private" not in client.get("/no-such-page/").get("Cache-Control", "")


# ---------------------------------------------------------------- sessions


def test_the_session_lasts_a_working_day_at_most_and_ends_with_the_browser(client, clerk):
    response = client.post("/accounts/login/", {"username": "clerk", "password": PASSWORD})
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"]
    assert not cookie["expires"] and not cookie["max-age"]  # a browser-session cookie
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE == 8 * 60 * 60


def test_the_csrf_cookie_is_hidden_from_scripts(client, db):
    response = client.get("/accounts/login/")
    assert response.cookies[settings.CSRF_COOKIE_NAME]["httponly"]


# ---------------------------------------------------------------- API throttles


def test_two_hundred_calls_in_a_burst_are_not_all_served_and_a_colleague_is_unaffected(clerk, other_clerk):
    api = APIClient()
    api.force_authenticate(clerk)
    statuses = [api.get("/api/v1/auth/whoami/").status_code for _ in range(200)]
    served = statuses.count(200)
    assert 0 < served < 200
    assert set(statuses) == {200, 429}
    assert statuses[served:] == [429] * (200 - served)  # served until the limit, refused after it
    throttled = api.get("/api/v1/auth/whoami/")
    assert int(throttled["Retry-After"]) > 0
    colleague = APIClient()
    colleague.force_authenticate(other_clerk)
    assert colleague.get("/api/v1/auth/whoami/").status_code == 200


def test_the_burst_rate_is_a_setting(clerk, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "user_burst": "3/min",
        },
    }
    api = APIClient()
    api.force_authenticate(clerk)
    assert [api.get("/api/v1/auth/whoami/").status_code for _ in range(5)] == [200, 200, 200, 429, 429]


def test_an_unreachable_throttle_cache_lets_requests_through(clerk, monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    def down(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(SimpleRateThrottle.cache, "get", down)
    api = APIClient()
    api.force_authenticate(clerk)
    assert api.get("/api/v1/auth/whoami/").status_code == 200


# ---------------------------------------------------------------- NUL bytes and other undecodable input


def api_list_routes() -> list[str]:
    """Every list route of /api/v1/, read from the URL patterns (a new viewset is covered automatically)."""
    names = []

    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns)
            elif isinstance(pattern, URLPattern) and pattern.name and pattern.name.endswith("-list"):
                names.append(pattern.name)

    walk(config.api_urls.urlpatterns)
    return sorted(set(names))


@pytest.fixture
def data(county, other_county):
    school = SchoolFactory(county=county, code="3713020001")
    TeacherFactory(school=school)
    return school


def test_the_route_list_finds_the_routes_the_issue_named():
    routes = {reverse(name) for name in api_list_routes()}
    assert {"/api/v1/schools/", "/api/v1/teachers/", "/api/v1/regions/"} <= routes
    assert len(routes) >= 10


@pytest.mark.parametrize("user_fixture", ["clerk", "official", "admin_user", "other_clerk"])
def test_a_nul_byte_in_any_api_filter_answers_400_never_500(request, data, user_fixture):
    api = APIClient()
    api.force_authenticate(request.getfixturevalue(user_fixture))
    for name in api_list_routes():
        url = reverse(name)
        for query in ("county=%00", "school=37%0013", "year=%00", "x%00=1", "county=%ED%A0%80"):
            response = api.get(f"{url}?{query}")
            assert response.status_code in (200, 400), (url, query, response.status_code)
            if "%00" in query:
                assert response.status_code == 400, (url, query)
                body = response.json()
                named = query.split("=")[0] if "%00" not in query.split("=")[0] else "detail"
                message = body[named] if named == "detail" else body[named][0]
                assert "无法处理的字符" in message, (url, query, body)


def test_a_nul_byte_in_the_report_route_answers_400(client, clerk, data):
    client.force_login(clerk)
    for url in ("/api/v1/counties/371302/report/?year=%00", "/api/v1/counties/%00/report/"):
        response = client.get(url)
        assert response.status_code == 400, url
        assert response["Content-Type"].startswith("application/json")


def test_a_nul_byte_in_a_page_address_or_filter_gets_the_chinese_400_page(client, clerk, data):
    client.force_login(clerk)
    for url in ("/schools/?county=%00", "/teachers/?q=%00", "/schools/%00/", "/indicators/?county=%00"):
        response = client.get(url)
        assert response.status_code == 400, url
        assert "请求有误" in response.content.decode()


def test_a_nul_byte_in_a_form_field_gets_400_and_saves_nothing(client, clerk, data):
    client.force_login(clerk)
    response = client.post(
        f"/schools/{data.code}/edit/",
        {"code": data.code, "name": "改\x00名", "county": data.county_id, "kind": "primary"},
    )
    assert response.status_code == 400
    data.refresh_from_db()
    assert "改" not in data.name


@pytest.mark.parametrize(
    "body",
    [
        b'{"name": "\\u0000"}',
        b'{"name": "a\\ud800b"}',
        b'{"name\\u0000": "x"}',
        b'{"name": "\x00"}',
    ],
)
def test_a_json_body_with_nul_or_a_lone_surrogate_answers_400(clerk, data, body):
    api = APIClient()
    api.force_authenticate(clerk)
    response = api.patch(f"/api/v1/schools/{data.code}/", body, content_type="application/json")
    assert response.status_code == 400
    assert "无法处理的字符" in response.json()["detail"]
    data.refresh_from_db()
    assert data.name and "\x00" not in data.name


def test_an_ordinary_json_body_with_escapes_still_works(clerk, data):
    api = APIClient()
    api.force_authenticate(clerk)
    body = json.dumps({"name": "兰山\u00b7实验小学"}, ensure_ascii=True).encode()
    response = api.patch(f"/api/v1/schools/{data.code}/", body, content_type="application/json")
    assert response.status_code == 200, response.content
    data.refresh_from_db()
    assert data.name == "兰山\u00b7实验小学"


def test_an_outsider_probing_with_nul_learns_nothing_either(client, other_clerk, data):
    api = APIClient()
    api.force_authenticate(other_clerk)
    assert api.get(f"/api/v1/schools/{data.code}/?x=%00").status_code == 400
    assert api.get("/api/v1/schools/3713029998/?x=%00").status_code == 400


# ---------------------------------------------------------------- the `make run` server


LOCAL_SMOKE = """
import django
django.setup()
from django.conf import settings
from django.test import Client
c = Client()
css = c.get("/static/css/junheng.css")
missing = c.get("/no-such-page/")
import json
print(json.dumps({
    "debug": settings.DEBUG,
    "css_status": css.status_code,
    "css": b"".join(css.streaming_content).decode() if css.status_code == 200 else "",
    "css_cache": css.get("Cache-Control", ""),
    "status": missing.status_code,
    "page": missing.content.decode(),
}))
"""


def test_the_make_run_server_shows_the_portals_404_and_still_serves_css(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "JUNHENG_VAR_DIR": str(tmp_path),
    }
    env.pop("DEBUG", None)
    result = subprocess.run(
        [sys.executable, "-c", LOCAL_SMOKE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["debug"] is False
    assert seen["css_status"] == 200
    assert seen["css"] == (ROOT / "static" / "css" / "junheng.css").read_text(encoding="utf-8")
    assert "no-store" not in seen["css_cache"]
    assert seen["status"] == 404
    assert "页面不存在" in seen["page"]
    assert "URLconf" not in seen["page"] and "admin/" not in seen["page"]
