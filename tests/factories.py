"""Factories for every app's models, in one place so tests build scenes with one import."""

import factory

from accounts.models import User
from core.models import Region
from schools.models import Achievement, CountyYear, Funding, School, SchoolClass, SchoolYear
from teachers.models import Teacher


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{110000 + n * 100:06d}")
    name = factory.Sequence(lambda n: f"地区{n}")
    level = "city"


class CountyFactory(RegionFactory):
    level = "county"
    code = factory.Sequence(lambda n: f"{371300 + n % 99 + 1:06d}")
    name = factory.Sequence(lambda n: f"区县{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = "clerk"
    password = factory.PostGenerationMethodCall("set_password", "pw-for-tests-123")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    code = factory.Sequence(lambda n: f"{3713000000 + n:010d}")
    name = factory.Sequence(lambda n: f"第{n}小学")
    county = factory.SubFactory(CountyFactory)
    kind = "primary"
    urban_rural_code = "111"


class SchoolYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchoolYear

    school = factory.SubFactory(SchoolFactory)
    year = 2024
    primary_students = 600


class SchoolClassFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchoolClass

    school = factory.SubFactory(SchoolFactory)
    year = 2024
    stage = "primary"
    grade = 1
    name = factory.Sequence(lambda n: f"一年级{n}班")
    students = 40


class FundingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Funding

    school = factory.SubFactory(SchoolFactory)
    year = 2024


class AchievementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Achievement

    school = factory.SubFactory(SchoolFactory)
    year = 2024
    stage = "primary"
    subject = "数学"
    tested = 100
    mean_score = 80


class CountyYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CountyYear

    county = factory.SubFactory(CountyFactory)
    year = 2024


class TeacherFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Teacher

    school = factory.SubFactory(SchoolFactory)
    year = 2024
    teacher_id = factory.Sequence(lambda n: f"T{n:07d}")
    stage = "primary"
    degree = "bachelor"
    subject = "语文"
