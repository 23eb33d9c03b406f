"""Each default rule finds its planted offender and no clean school (tests/quality/scene.py derives them)."""

import pytest

from quality import services
from quality.models import CheckRun, Violation
from tests.quality.scene import YEAR, build

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(county, other_county):
    services.rules_seed_defaults()
    return build(county, other_county)


def found(county) -> dict[str, set]:
    run = CheckRun.objects.get(county=county, year=YEAR)
    result: dict[str, set] = {}
    for v in Violation.objects.filter(run=run).select_related("rule"):
        result.setdefault(v.rule.code, set()).add((v.model, v.object_id, v.field))
    return result


def test_every_default_rule_finds_its_planted_offender_and_nothing_else(scene, county):
    services.check_county_year(county.pk, YEAR)
    s = scene.schools

    def year_row(letter):
        return s[letter].years.get(year=YEAR).pk

    assert found(county) == {
        "large_class": {("school_class", scene.classes["B58"].pk, "students")},
        "super_large_class": {("school_class", scene.classes["B70"].pk, "students")},
        "boarders_within_enrolment": {("school_year", year_row("C"), "boarders")},
        "classes_match_enrolment": {("school_year", year_row("D"), "primary_students")},
        "teachers_within_staff": {("school_year", year_row("E"), "staff")},
        "school_code_prefix": {("school", s["F"].pk, "code")},
        "change_from_last_year": {("school_year", year_row("G"), "primary_students")},
        "county_zscore": {("school_year", year_row("H"), "teaching_area")},
    }


def test_a_check_run_twice_stores_the_same_violations_once(scene, county):
    services.check_county_year(county.pk, YEAR)
    first = found(county)
    run = services.check_county_year(county.pk, YEAR)
    assert found(county) == first
    assert CheckRun.objects.filter(county=county, year=YEAR).count() == 1
    assert (run.errors, run.warnings) == (2, 6)
