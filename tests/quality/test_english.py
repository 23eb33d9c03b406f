"""English is complete on the data-quality pages: rule names (the seeded defaults), severities, sentences and the
page furniture; what stays Chinese is data (school and class names, the county's name)."""

import re

import pytest
from django.conf import settings
from django.test import Client

from quality import services
from tests.quality.scene import YEAR, build

pytestmark = pytest.mark.django_db
HAN = re.compile(r"[\u3400-\u9fff]")


def _text(html: str) -> list[str]:
    body = html.split('id="main"')[-1]
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", body, flags=re.S)
    return [line.strip() for line in re.sub(r"<[^>]+>", "\n", body).splitlines() if line.strip()]


@pytest.fixture
def english(clerk) -> Client:
    client = Client()
    client.force_login(clerk)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_county_page_in_english_leaves_only_names_in_chinese(english, county, other_county):
    services.rules_seed_defaults()
    scene = build(county, other_county)
    services.check_county_year(county.pk, YEAR)
    html = english.get(f"/quality/counties/{county.code}/?year={YEAR}").content.decode()
    names = {
        county.name,
        *(s.name for s in scene.schools.values()),
        *(c.name for c in scene.classes.values()),
    }
    leftover = [line for line in _text(html) if HAN.search(line) and not any(n in line for n in names)]
    assert leftover == [], leftover[:5]
    assert "700 boarders, more than the 600 pupils enrolled" in html
    assert "Large class (56–65 pupils)" in html and "Error" in html


def test_the_rules_page_in_english_names_every_default_rule_in_english(english):
    services.rules_seed_defaults()
    html = english.get("/quality/validation-rules/").content.decode()
    leftover = [line for line in _text(html) if HAN.search(line)]
    assert leftover == [], leftover[:5]
    assert "Boarders do not exceed enrolment" in html
