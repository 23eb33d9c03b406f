"""Real-browser tests: pytest-playwright driving the Debian chromium against pytest-django's live server.

- The browser is /usr/bin/chromium from apt (`.ci/run` installs it when it is missing); Playwright's own browser
  download (`playwright install`) is never used. Without /usr/bin/chromium every test marked `browser` is skipped
  with the reason.
- Playwright's sync API keeps an asyncio event loop running in the main thread from its start to the end of the
  session, and Django refuses ORM calls from a thread with a running loop (SynchronousOnlyOperation) — here, the
  fixtures that create users and the live server's database flush between tests. Django's documented way out is
  the DJANGO_ALLOW_ASYNC_UNSAFE environment variable (docs: "Asynchronous support", async safety), also what the
  Playwright maintainers point to (microsoft/playwright-pytest#29, #46). So that it covers nothing but these tests,
  it is set only when the first browser test starts, and browser tests are moved to the end of the run: no other
  test runs beside the loop or with the check off.
- Static files: pytest-django's live_server serves /static/ through django.contrib.staticfiles' handler (the
  finders, so no collectstatic), i.e. the same vendored ECharts and CSS the portal serves with whitenoise.
- Screenshots go to var/screenshots/<test>[-<step>].png (`screenshot` fixture); a failed test leaves
  `<test>-failed.png`.
"""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings

# Debian's chromium; CHROMIUM_PATH points elsewhere on a developer's machine (any Chromium or Chrome binary).
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "browser-tests-pw-123"
SCREENSHOTS = Path(settings.VAR_DIR) / "screenshots"


# trylast: pytest's own fixture manager reorders items by their session-scoped parameters (Playwright's
# browser_name) after the plain hooks; moving the browser tests must come after that, or a transactional browser
# test (its flush empties the tables the migrations seeded) can land in the middle of the run.
@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    browser = [item for item in items if item.get_closest_marker("browser")]
    if not browser:
        return
    if not CHROMIUM.exists():
        reason = (
            f"needs {CHROMIUM}: apt-get install -y chromium fonts-noto-cjk (CI's services step does), "
            "or CHROMIUM_PATH=<a chromium binary>"
        )
        for item in browser:
            item.add_marker(pytest.mark.skip(reason=reason))
    others = [item for item in items if not item.get_closest_marker("browser")]
    items[:] = others + browser


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.browser_test_failed = report.failed
    return report


@pytest.fixture(scope="session", autouse=True)
def _django_orm_beside_playwright():
    """See the module docstring: set for the browser tests only, which run last."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "headless": browser_type_launch_args.get("headless", True),
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def base_url(live_server):
    """Pages open by path (page.goto("/")). Also shadows pytest-playwright's own base_url fixture, which pytest 9
    warns about (a session fixture defined as a method)."""
    return live_server.url


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "locale": "zh-CN",
        "viewport": {"width": 1280, "height": 900},
    }


@pytest.fixture
def console_errors(context):
    """Every console error and uncaught page error of the test's browser context; any one fails the test."""
    errors = []
    context.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    context.on("weberror", lambda error: errors.append(f"uncaught: {error.error}"))
    yield errors
    assert not errors, "the browser console reported errors:\n" + "\n".join(errors)


def _file_name(node_name: str) -> str:
    return re.sub(r"[^\w.-]+", "_", node_name).strip("_")


@pytest.fixture
def screenshot(request):
    """screenshot(page, step="") saves var/screenshots/<test>[-<step>].png (full page) and returns the path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    base = _file_name(request.node.name)

    def take(page, step: str = "", **options) -> Path:
        path = SCREENSHOTS / f"{base}{'-' + _file_name(step) if step else ''}.png"
        page.screenshot(path=str(path), full_page=options.pop("full_page", True), **options)
        return path

    return take


@pytest.fixture
def page(page, console_errors, request):
    """pytest-playwright's page, with console errors collected and a screenshot when the test failed."""
    yield page
    if getattr(request.node, "browser_test_failed", False) and not page.is_closed():
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{_file_name(request.node.name)}-failed.png"), full_page=True)


def log_in(page, user):
    """Log in through the real login form, as a person would; returns the page on the landing page."""
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("form[action$='/accounts/login/'] button[type=submit]").click()
    assert "/accounts/login/" not in page.url, "the login form did not accept the persona"
    return page


@pytest.fixture
def clerk_page(page, clerk):
    return log_in(page, clerk)


@pytest.fixture
def other_clerk_page(page, other_clerk):
    """The outsider: another county's clerk, for "another county's page is 404" in the browser."""
    return log_in(page, other_clerk)


@pytest.fixture
def official_page(page, official):
    return log_in(page, official)


@pytest.fixture
def admin_page(page, admin_user):
    return log_in(page, admin_user)
