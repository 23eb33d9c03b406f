"""The demo city: deterministic per seed, realistic in size, with red and green, and four demo accounts."""

from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.http import HttpRequest
from django.test import RequestFactory

from accounts.models import User
from core.models import Region
from schools.models import Achievement, CountyYear, Funding, Monitoring, School, SchoolClass, SchoolYear
from teachers.models import Teacher
from tests.factories import SchoolFactory
from workbook import demo

DEMO_COUNTIES = ("371302", "371311", "371312")


def canonical_dump() -> list[tuple]:
    """Every demo row as (model, natural key and values), without primary keys or timestamps."""
    natural = {"county": "county__code", "school": "school__code", "parent": "parent__code"}
    skip = {"id", "created_at", "updated_at", "updated_by"}
    rows = []
    for model in (
        Region,
        School,
        SchoolYear,
        SchoolClass,
        Funding,
        Achievement,
        Teacher,
        CountyYear,
        Monitoring,
    ):
        names = [natural.get(f.name, f.name) for f in model._meta.concrete_fields if f.name not in skip]
        rows += [(model.__name__, *row) for row in model.objects.values_list(*names)]
    return sorted(rows, key=repr)


def test_same_seed_rebuilds_identical_data_and_another_seed_does_not(db):
    demo.clear()  # independent of whether this module's demo city is built yet
    demo.build(11)
    first = canonical_dump()
    demo.clear()
    demo.build(11)
    second = canonical_dump()
    demo.clear()
    demo.build(12)
    other = canonical_dump()

    assert len(first) > 20000
    assert first == second
    assert other != first


@pytest.fixture(scope="module")
def demo_output(django_db_setup, django_db_blocker):
    """Build the city once for this module, inside a transaction rolled back at the end of the module, so no
    other test module ever sees it. Each test then runs in its own savepoint (the `db` fixture)."""
    with django_db_blocker.unblock(), transaction.atomic():
        out = StringIO()
        call_command("load_demo", seed=2024, skip_recompute=True, stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def demo_city(demo_output, db):
    return demo_output


def test_load_demo_creates_four_accounts_that_sign_in_with_their_roles(demo_city):
    expected = {
        "demo-admin": ("admin", None, True),
        "demo-clerk": ("clerk", "371302", False),
        "demo-clerk2": ("clerk", "371311", False),
        "demo-official": ("official", "371300", False),
    }
    for username, (role, region_code, superuser) in expected.items():
        # django-axes needs the request of a sign-in (it locks by username and address).
        user = authenticate(
            RequestFactory().post("/accounts/login/"), username=username, password="demo12345"
        )
        assert user is not None, username
        assert (user.role, user.region_code, user.is_superuser, user.is_staff) == (
            role,
            region_code,
            superuser,
            superuser,
        )
        assert username in demo_city
    assert "http://127.0.0.1:8000/" in demo_city
    assert set(User.objects.values_list("username", flat=True)) == set(expected)


def test_demo_accounts_see_what_their_role_allows(demo_city, client):
    client.login(request=HttpRequest(), username="demo-clerk2", password="demo12345")
    counties = {row["county_code"] for row in client.get("/api/v1/schools/?page_size=1000").json()["results"]}
    assert counties == {"371311"}
    client.login(request=HttpRequest(), username="demo-official", password="demo12345")
    body = client.get("/api/v1/schools/?page_size=1000").json()
    assert {row["county_code"] for row in body["results"]} == set(DEMO_COUNTIES)
    assert body["count"] == School.objects.count()


def test_load_demo_if_empty_leaves_an_existing_database_alone(demo_city):
    before = Teacher.objects.count()
    out = StringIO()
    call_command(
        "load_demo", seed=99, if_empty=True, skip_recompute=True, url="http://127.0.0.1:8123/", stdout=out
    )
    assert Teacher.objects.count() == before
    # the second `make run` still tells the user where to go and how to log in
    assert "http://127.0.0.1:8123/" in out.getvalue() and "demo-clerk2" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("load_demo", seed=99, skip_recompute=True)


def test_if_empty_skips_when_any_school_exists(db, county):
    demo.clear()  # independent of whether this module's demo city is built yet
    SchoolFactory(county=county, code="3713029999")
    call_command("load_demo", if_empty=True, skip_recompute=True, stdout=StringIO())
    assert list(School.objects.values_list("code", flat=True)) == ["3713029999"]
    assert not Teacher.objects.exists()


def test_demo_city_has_the_expected_shape(demo_city):
    city = Region.objects.get(code="371300")
    assert (city.name, city.parent.code) == ("临沂市", "370000")
    assert set(Region.objects.filter(level="county").values_list("code", flat=True)) == set(DEMO_COUNTIES)

    assert 100 <= School.objects.count() <= 140
    kinds = dict(School.objects.values_list("kind").annotate(n=Count("id")))
    assert set(kinds) == {
        "primary",
        "junior",
        "nine_year",
        "twelve_year",
        "complete_secondary",
        "teaching_point",
        "special",
    }
    for code in DEMO_COUNTIES:
        assert School.objects.filter(county__code=code, kind="special").count() == 1
    assert School.objects.filter(ownership="private").exists()
    assert School.objects.filter(urban_quality_reference=True, urban_rural_code__in=["111", "112"]).exists()
    assert SchoolYear.objects.filter(
        year=2024, school__kind="teaching_point", primary_students__lt=50
    ).exists()

    for year in (2023, 2024):
        assert SchoolYear.objects.filter(year=year).count() == School.objects.count()
        assert Funding.objects.filter(year=year).count() == School.objects.count()
        assert 3000 <= Teacher.objects.filter(year=year).count() <= 15000
        assert CountyYear.objects.filter(year=year).count() == 3
        assert Monitoring.objects.filter(year=year).count() >= 6
        assert Achievement.objects.filter(year=year).exists()
    primary_grades = set(SchoolClass.objects.filter(stage="primary").values_list("grade", flat=True))
    junior_grades = set(SchoolClass.objects.filter(stage="junior").values_list("grade", flat=True))
    assert (primary_grades, junior_grades) == ({1, 2, 3, 4, 5, 6}, {7, 8, 9})


def test_class_rolls_add_up_to_the_reported_enrolment(demo_city):
    per_stage = SchoolClass.objects.values("school_id", "year", "stage").annotate(n=Sum("students"))
    reported = {
        (row["school_id"], row["year"]): row
        for row in SchoolYear.objects.values("school_id", "year", "primary_students", "junior_students")
    }
    for row in per_stage:
        assert reported[(row["school_id"], row["year"])][f"{row['stage']}_students"] == row["n"]


def test_demo_shows_large_classes_and_schools_that_fail(demo_city):
    classes = SchoolClass.objects.filter(year=2024)
    assert 1 <= classes.filter(students__gte=56).count() <= 0.05 * classes.count()
    assert 1 <= classes.filter(students__gte=66).count() <= 5

    # Backbone teachers per 100 pupils (Q2, minimum 1.0) in primary schools: some schools below, some above.
    per_school = (
        School.objects.filter(kind="primary", years__year=2024)
        .annotate(
            pupils=F("years__primary_students"),
            backbone=Count(
                "teachers",
                filter=Q(teachers__year=2024, teachers__full_time=True) & ~Q(teachers__backbone_level="none"),
            ),
        )
        .values_list("pupils", "backbone")
    )
    rates = [100 * backbone / pupils for pupils, backbone in per_school]
    assert any(rate < 1.0 for rate in rates)
    assert any(rate >= 1.0 for rate in rates)

    # Teacher pay below civil-servant pay in one county (G8), not in another.
    pay = CountyYear.objects.filter(year=2024)
    assert pay.filter(teacher_pay__lt=F("civil_servant_pay")).exists()
    assert pay.filter(teacher_pay__gte=F("civil_servant_pay")).exists()
    # A monitored subject below level Ⅲ or with a difference rate of 0.15 or more (E9).
    assert Monitoring.objects.filter(Q(level__lt=3) | Q(difference_rate__gte=Decimal("0.15"))).exists()


def test_rural_teachers_have_a_poorer_degree_mix_than_urban_ones(demo_city):
    teachers = Teacher.objects.filter(year=2024, full_time=True, stage__in=["primary", "junior"])

    def bachelor_share(queryset):
        return queryset.filter(degree__in=["postgraduate", "bachelor"]).count() / queryset.count()

    urban = teachers.filter(school__urban_rural_code__in=["111", "112"])
    rural = teachers.filter(school__urban_rural_code__in=["210", "220"])
    assert bachelor_share(urban) > bachelor_share(rural)
    for text_field in ("title", "subject", "birth_month", "gender"):
        assert teachers.exclude(**{text_field: ""}).exists(), text_field
    for optional_field in ("training_hours", "certified", "rotation_eligible"):
        assert teachers.filter(**{f"{optional_field}__isnull": False}).exists(), optional_field
    assert teachers.filter(subject__in=["体育", "音乐", "美术"]).exists()
    assert teachers.exclude(backbone_level="none").exists()
    assert teachers.filter(rotated=True).exists()
