"""manage.py generate_scale builds a whole synthetic province that the portal's own rules accept."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from core.models import Region
from schools.models import Achievement, CountyYear, School, SchoolClass, SchoolYear
from teachers.models import Teacher
from workbook.scale import ScaleSpec, generate

SMALL = [
    "--counties",
    "3",
    "--schools-per-county",
    "4",
    "--teachers-per-school",
    "10",
    "--counties-per-city",
    "2",
]


def run(*args: str) -> str:
    out = StringIO()
    call_command("generate_scale", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_province_has_cities_counties_and_the_requested_number_of_schools():
    run(*SMALL)

    province = Region.objects.get(code="980000")
    assert province.level == "province"
    assert list(Region.objects.filter(parent=province).values_list("code", flat=True)) == ["980100", "980200"]
    counties = Region.objects.filter(parent__parent=province, level="county")
    assert sorted(counties.values_list("code", flat=True)) == ["980101", "980102", "980201"]
    per_county = School.objects.values("county__code").annotate(n=Count("id"))
    assert {row["county__code"]: row["n"] for row in per_county} == {"980101": 4, "980102": 4, "980201": 4}
    assert SchoolYear.objects.filter(year=2024).count() == 12
    assert CountyYear.objects.filter(year=2024).count() == 3


@pytest.mark.django_db
def test_every_school_has_classes_and_teachers_within_the_workbook_rules():
    run(*SMALL)

    assert not School.objects.filter(classes__isnull=True).exists()
    assert not School.objects.filter(teachers__isnull=True).exists()
    assert Teacher.objects.count() == Teacher.objects.values("year", "teacher_id").distinct().count()
    for teacher in Teacher.objects.all()[:50]:
        teacher.full_clean()
    for school_class in SchoolClass.objects.all()[:50]:
        school_class.full_clean()
    for achievement in Achievement.objects.all()[:20]:
        achievement.full_clean()
    # Enrolment in the school facts is what the classes add up to.
    school = School.objects.filter(kind="primary").first()
    classes = SchoolClass.objects.filter(school=school, stage="primary")
    assert school.years.get(year=2024).primary_students == sum(c.students for c in classes)


@pytest.mark.django_db
def test_same_seed_gives_the_same_province_and_replace_rebuilds_it():
    run(*SMALL, "--seed", "7")
    first = list(Teacher.objects.order_by("teacher_id").values_list("teacher_id", "degree", "subject"))

    with pytest.raises(CommandError, match="already exists"):
        run(*SMALL, "--seed", "7")

    output = run(*SMALL, "--seed", "7", "--replace")
    assert "removed the previous province 980000 (12 schools)" in output
    assert (
        list(Teacher.objects.order_by("teacher_id").values_list("teacher_id", "degree", "subject")) == first
    )
    assert School.objects.count() == 12


@pytest.mark.django_db
def test_two_provinces_live_side_by_side_under_different_codes():
    generate(ScaleSpec(counties=1, schools_per_county=2, province_code="970000"))
    generate(ScaleSpec(counties=1, schools_per_county=2, province_code="960000"))

    assert School.objects.count() == 4
    assert Region.objects.filter(level="county").count() == 2


def test_impossible_sizes_are_refused_with_the_reason():
    with pytest.raises(CommandError, match="province_code"):
        run("--counties", "1", "--province-code", "371302")
    with pytest.raises(CommandError, match="counties"):
        run("--counties", "0")
