"""The golden county's report page and report workbook in words a reader knows: no engine key anywhere, English
complete when English is chosen, values beside their limits never rounded onto the wrong side, and every shown
figure carrying the id its "how computed" explanation is found by."""

import io
import re

import openpyxl
import pytest
from django.conf import settings
from django.urls import reverse

from core.models import Region
from indicators import presenter, runs, selectors
from tests.indicators.golden import GOLDEN_XLSX
from tests.indicators.test_presenter import HAN, INTERNAL
from workbook.exporters import write_report_workbook
from workbook.importer import import_workbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def golden_county():
    assert import_workbook(GOLDEN_XLSX).ok
    county = Region.objects.get(code="371399")
    runs.recompute_county(county.pk, 2024)
    return county


def _text(html: str) -> str:
    """What a reader sees of the report: the main content without tags, scripts or attributes, up to the plans'
    alerts below it (the plans' own words)."""
    html = html[html.index("<main") :] if "<main" in html else html
    html = html.split('<section class="alerts">')[0]
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", "\n", html)


def test_the_report_page_shows_no_engine_key(client, admin_user, golden_county):
    client.force_login(admin_user)
    text = _text(client.get(reverse("dashboards:county_report", args=["371399"])).content.decode())

    for key in INTERNAL:
        assert key not in text, key
    assert "G5 班额：115个班超过标准班额" in text


def test_in_english_the_report_page_leaves_only_names_in_chinese(client, admin_user, golden_county):
    client.force_login(admin_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("dashboards:county_report", args=["371399"])).content.decode()
    report = selectors.report(golden_county.pk, 2024)
    names = {*selectors.school_names(golden_county.pk).values(), golden_county.name}
    # subjects and class names are data, as the bureau's workbook spells them
    names |= {subject for subjects in report.achievement.values() for subject in subjects}
    names |= {c.name for block in report.class_size.values() for c in block.offending}

    leftover = [
        line.strip()
        for line in _text(html).splitlines()
        if HAN.search(line) and not any(name in line for name in names)
    ]
    assert leftover == [], leftover[:5]
    assert "Resource allocation" in html and "Coefficient of variation" in html


def test_every_figure_on_the_page_has_an_explanation(client, admin_user, golden_county):
    client.force_login(admin_user)
    html = client.get(reverse("dashboards:county_report", args=["371399"])).content.decode()
    report = selectors.report(golden_county.pk, 2024)
    ids = set(re.findall(r'data-figure="([^"]+)"', html))

    assert len(ids) > 500
    for figure_id in ids:
        assert presenter.explain(report, figure_id) is not None, figure_id


def test_the_report_workbook_shows_no_engine_key(golden_county):
    buffer = io.BytesIO()
    write_report_workbook(buffer, selectors.report(golden_county.pk, 2024))
    buffer.seek(0)
    cells = [
        str(value)
        for sheet in openpyxl.load_workbook(buffer).worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if isinstance(value, str)
    ]

    for key in INTERNAL:
        assert not any(key in cell for cell in cells), key
