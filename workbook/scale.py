"""A synthetic province at any scale, for benchmarks and load tests (`manage.py generate_scale`).

Writes regions, schools, one year of school facts, funding, achievement, county inputs, classes and teachers.
Values are drawn around what the standard expects (most schools pass, some do not) so the indicator engine does
real work. Regions and schools go through `bulk_create` (their ids are needed); the large tables go through the
workbook importer's writer (workbook/writers.py: COPY on PostgreSQL, `bulk_create` in batches elsewhere).
Everything is deterministic for a given seed.

Synthetic data only: teacher names are made up, and codes live under a province code that no real province uses
(default 980000), so a generated province never collides with imported data.
"""

import math
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction

from core.choices import RegionLevel
from core.models import Region
from schools.models import Achievement, CountyYear, Funding, School, SchoolClass, SchoolYear
from teachers.models import Teacher

from . import writers

KINDS = [  # (kind, share of schools)
    ("primary", 0.55),
    ("junior", 0.20),
    ("nine_year", 0.12),
    ("teaching_point", 0.10),
    ("twelve_year", 0.01),
    ("complete_secondary", 0.01),
    ("special", 0.01),
]
URBAN_RURAL = [
    ("111", 0.2),
    ("112", 0.1),
    ("121", 0.2),
    ("122", 0.1),
    ("123", 0.02),
    ("210", 0.18),
    ("220", 0.2),
]
DEGREES = [
    ("postgraduate", 0.05),
    ("bachelor", 0.6),
    ("associate", 0.3),
    ("secondary", 0.04),
    ("below_secondary", 0.01),
]
TITLES = [
    ("senior_professor", 0.005),
    ("senior", 0.15),
    ("first", 0.35),
    ("second", 0.3),
    ("third", 0.05),
    ("none", 0.145),
]
BACKBONE = [("none", 0.8), ("county", 0.12), ("city", 0.06), ("province", 0.015), ("national", 0.005)]
SUBJECTS = [
    ("语文", 0.25),
    ("数学", 0.22),
    ("英语", 0.12),
    ("科学", 0.06),
    ("道德与法治", 0.06),
    ("体育", 0.08),
    ("音乐", 0.05),
    ("美术", 0.05),
    ("信息科技", 0.04),
    ("劳动", 0.02),
    ("其他", 0.05),
]
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红梅建国志鹏辉宇浩然欣怡子轩晨曦雨婷"
STAGES_OF_KIND = {
    "primary": ("primary",),
    "teaching_point": ("primary",),
    "special": ("primary", "junior"),
    "junior": ("junior",),
    "complete_secondary": ("junior", "senior"),
    "nine_year": ("primary", "junior"),
    "twelve_year": ("primary", "junior", "senior"),
}
GRADES = {"primary": range(1, 7), "junior": range(7, 10), "senior": range(10, 13)}
# Teaching points get a fifth of a school's classes and teachers; the others get a little more, so the means
# asked for hold over all schools.
TEACHING_POINT_SHARE = dict(KINDS)["teaching_point"]
FULL_SCHOOL_BOOST = 1 / (1 - TEACHING_POINT_SHARE * (1 - 1 / 5))


@dataclass(frozen=True)
class ScaleSpec:
    counties: int
    schools_per_county: int = 125
    teachers_per_school: int = 40
    classes_per_school: int = 20
    year: int = 2024
    seed: int = 1
    province_code: str = "980000"
    counties_per_city: int = 10

    def __post_init__(self):
        if not (
            len(self.province_code) == 6
            and self.province_code.isdigit()
            and self.province_code.endswith("0000")
        ):
            raise ValueError("province_code must be six digits ending in 0000")
        if not 1 <= self.counties <= 99 * 99:
            raise ValueError("counties must be between 1 and 9801")
        if not 1 <= self.counties_per_city <= 99:
            raise ValueError("counties_per_city must be between 1 and 99")
        if not 1 <= self.schools_per_county <= 9999:
            raise ValueError("schools_per_county must be between 1 and 9999")
        if self.teachers_per_school < 1 or self.classes_per_school < 1:
            raise ValueError("teachers_per_school and classes_per_school must be positive")


def pick(rng: random.Random, table: Sequence[tuple[str, float]]) -> str:
    return rng.choices([value for value, _ in table], [weight for _, weight in table])[0]


def around(rng: random.Random, mean: int) -> int:
    """An integer drawn uniformly within ±50 % of mean (so the total stays close to count × mean)."""
    return max(1, rng.randint(mean - mean // 2, mean + mean // 2))


def delete_province(province_code: str) -> int:
    """Remove a generated province and everything under it. Returns the number of schools removed."""
    province = Region.objects.filter(code=province_code, level=RegionLevel.PROVINCE).first()
    if province is None:
        return 0
    counties = Region.objects.filter(parent__parent=province)
    schools = School.objects.filter(county__in=counties)
    # The two big tables first, without loading rows; the ORM then cascades through the small ones.
    Teacher.objects.filter(school__in=schools)._raw_delete(Teacher.objects.db)
    SchoolClass.objects.filter(school__in=schools)._raw_delete(SchoolClass.objects.db)
    removed = schools.count()
    schools.delete()
    counties.delete()
    Region.objects.filter(parent=province).delete()
    province.delete()
    return removed


def generate(spec: ScaleSpec, progress: Callable[[str], None] = lambda message: None) -> dict[str, int]:
    """Build the province. Refuses (ValueError) when its province code already exists."""
    if Region.objects.filter(code=spec.province_code).exists():
        raise ValueError(f"province {spec.province_code} already exists (use --replace)")
    rng = random.Random(spec.seed)
    prefix = spec.province_code[:2]
    counts: dict[str, int] = {}

    with transaction.atomic():
        province = Region.objects.create(
            code=spec.province_code, name=f"模拟省{prefix}", level=RegionLevel.PROVINCE
        )
        n_cities = math.ceil(spec.counties / spec.counties_per_city)
        cities = Region.objects.bulk_create(
            Region(code=f"{prefix}{c:02d}00", name=f"模拟市{c:02d}", level=RegionLevel.CITY, parent=province)
            for c in range(1, n_cities + 1)
        )
        counties = Region.objects.bulk_create(
            Region(
                code=f"{prefix}{i // spec.counties_per_city + 1:02d}{i % spec.counties_per_city + 1:02d}",
                name=f"模拟县{i + 1:04d}",
                level=RegionLevel.COUNTY,
                parent=cities[i // spec.counties_per_city],
            )
            for i in range(spec.counties)
        )
        counts["regions"] = 1 + len(cities) + len(counties)
        progress(f"regions: {counts['regions']}")

        schools = School.objects.bulk_create(
            (
                School(
                    code=f"{prefix}{ci + 1:04d}{s + 1:04d}",
                    name=f"模拟县{ci + 1:04d}第{s + 1}学校",
                    county=county,
                    kind=pick(rng, KINDS),
                    urban_rural_code=pick(rng, URBAN_RURAL),
                    ownership="private" if rng.random() < 0.05 else "public",
                    boarding=rng.random() < 0.15,
                    urban_quality_reference=rng.random() < 0.05,
                )
                for ci, county in enumerate(counties)
                for s in range(spec.schools_per_county)
            ),
            batch_size=2000,
        )
        counts["schools"] = len(schools)
        progress(f"schools: {counts['schools']}")

        # Classes decide enrolment, enrolment decides the facts, so draw classes first.
        class_rows: list[tuple] = []
        enrolment: dict[int, dict[str, int]] = {}
        for school in schools:
            stages = STAGES_OF_KIND[school.kind]
            n_classes = around(rng, round(spec.classes_per_school * FULL_SCHOOL_BOOST))
            if school.kind == "teaching_point":
                n_classes = max(1, n_classes // 5)
            per_stage = {stage: 0 for stage in ("primary", "junior", "senior")}
            for k in range(n_classes):
                stage = stages[k % len(stages)]
                grade = rng.choice(GRADES[stage])
                students = max(5, min(75, int(rng.gauss(42 if stage == "primary" else 48, 7))))
                if school.kind == "teaching_point":
                    students = rng.randint(5, 25)
                per_stage[stage] += students
                if stage != "senior":
                    class_rows.append((school.pk, spec.year, stage, grade, f"{grade}年级{k + 1}班", students))
            enrolment[school.pk] = per_stage
        counts["classes"] = writers.insert(
            SchoolClass, ["school_id", "year", "stage", "grade", "name", "students"], class_rows
        )
        del class_rows
        progress(f"classes: {counts['classes']}")

        counts["school_years"] = writers.insert(
            SchoolYear,
            [
                "school_id",
                "year",
                *SchoolYear.FACT_FIELDS,
            ],
            _school_year_rows(rng, spec, schools, enrolment),
        )
        counts["funding"] = writers.insert(
            Funding,
            [
                "school_id",
                "year",
                "public_funds",
                "public_budget",
                "training_funds",
            ],
            _funding_rows(rng, spec, schools, enrolment),
        )
        counts["achievements"] = writers.insert(
            Achievement,
            ["school_id", "year", "stage", "subject", "tested", "mean_score"],
            _achievement_rows(rng, spec, schools, enrolment),
        )
        counts["county_years"] = writers.insert(
            CountyYear,
            ["county_id", "year", "teacher_pay", "civil_servant_pay"] + list(CountyYear.PERCENT_FIELDS),
            _county_year_rows(rng, spec, counties),
        )
        progress(f"school facts: {counts['school_years']}, funding, achievement, county inputs")

        counts["teachers"] = writers.insert(
            Teacher,
            [
                "school_id",
                "year",
                *Teacher.ROSTER_FIELDS,
            ],
            _teacher_rows(rng, spec, schools),
        )
        progress(f"teachers: {counts['teachers']}")

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (Region, School, SchoolYear, SchoolClass, Funding, Achievement, CountyYear, Teacher):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    return counts


def _school_year_rows(rng, spec, schools, enrolment) -> Iterator[tuple]:
    for school in schools:
        p = enrolment[school.pk]
        pupils = p["primary"] + p["junior"] + p["senior"]
        factor = rng.uniform(0.7, 1.5)  # rich and poor schools, so the CVs are not trivial
        teaching = round(pupils * 5.5 * factor, 2)
        indoor = round(pupils * 0.6 * factor, 2)
        yield (
            school.pk,
            spec.year,
            p["primary"] if "primary" in STAGES_OF_KIND[school.kind] else None,
            p["junior"] if "junior" in STAGES_OF_KIND[school.kind] else None,
            p["senior"] if "senior" in STAGES_OF_KIND[school.kind] else None,
            int(pupils * 0.3) if school.boarding else 0,
            max(1, round(pupils / 15)),
            Decimal(str(teaching)),
            Decimal(str(indoor)),
            Decimal(str(round(pupils * 9.5 * factor, 2))),
            Decimal(str(round(pupils * 2600 * factor, 2))),
            max(0, round(pupils * 0.026 * factor)),
            max(0, round(pupils * 0.15 * factor)),
            max(0, round(pupils * 30 * factor)),
            max(1, math.ceil(pupils / 40 / 12)),
            max(1, math.ceil(pupils / 40 / 12)),
        )


def _funding_rows(rng, spec, schools, enrolment) -> Iterator[tuple]:
    for school in schools:
        p = enrolment[school.pk]
        required = 650 * max(p["primary"], 0) + 850 * p["junior"]
        funds = round(max(required, 65_000) * rng.uniform(0.95, 1.3), 2)
        budget = round(funds * rng.uniform(1.0, 1.2), 2)
        yield (
            school.pk,
            spec.year,
            Decimal(str(funds)),
            Decimal(str(budget)),
            Decimal(str(round(budget * rng.uniform(0.04, 0.08), 2))),
        )


def _achievement_rows(rng, spec, schools, enrolment) -> Iterator[tuple]:
    for school in schools:
        for stage in ("primary", "junior"):
            tested = enrolment[school.pk][stage]
            if not tested or school.kind == "special":
                continue
            for subject in ("语文", "数学", "英语"):
                score = Decimal(str(round(min(100.0, max(20.0, rng.gauss(75, 8))), 3)))
                yield (school.pk, spec.year, stage, subject, max(1, tested // 6), score)


def _county_year_rows(rng, spec, counties) -> Iterator[tuple]:
    for county in counties:
        civil = round(rng.uniform(80_000, 120_000), 2)
        yield (
            county.pk,
            spec.year,
            Decimal(str(round(civil * rng.uniform(0.97, 1.08), 2))),
            Decimal(str(civil)),
            *(Decimal(str(round(rng.uniform(90, 100), 3))) for _ in CountyYear.PERCENT_FIELDS),
        )


def _teacher_rows(rng, spec, schools) -> Iterator[tuple]:
    random_ = rng.random
    for school in schools:
        stages = STAGES_OF_KIND[school.kind]
        n = around(rng, round(spec.teachers_per_school * FULL_SCHOOL_BOOST))
        if school.kind == "teaching_point":
            n = max(1, n // 5)
        for k in range(n):
            stage = stages[k % len(stages)]
            eligible = random_() < 0.4
            yield (
                school.pk,
                spec.year,
                f"{school.code}{k + 1:04d}",
                rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if random_() < 0.6 else ""),
                "female" if random_() < 0.7 else "male",
                f"{rng.randint(1965, 2001)}-{rng.randint(1, 12):02d}",
                stage,
                random_() < 0.95,
                pick(rng, DEGREES),
                pick(rng, SUBJECTS),
                pick(rng, BACKBONE),
                pick(rng, TITLES),
                random_() < 0.99,
                rng.randint(200, 480),
                eligible,
                eligible and random_() < 0.3,
            )
