"""Small counties built in the database for the planner's app tests, each with what the right answer is and why,
worked out from the spec's numbers (the rule set's defaults), not from the solvers."""

import math

from indicators.rules import QUALITY_2017, default_params
from remedies.costs import DEFAULT_COSTS
from schools.models import SchoolYear
from tests.factories import SchoolClassFactory, SchoolFactory, SchoolYearFactory, TeacherFactory
from tests.indicators.scenes import primary_school

YEAR = 2024
PUPILS = 500
ROOMS_SHORT = 4  # the third school's multimedia rooms


def rooms_short_county(county, prefix="37130200"):
    """Three primary schools of 500 pupils that meet every 2017 minimum, except that the third has only four
    multimedia rooms (Q7 = 0.8 per hundred, below 85 % of 2.3)."""
    schools = [primary_school(county, f"{prefix}0{i}", PUPILS) for i in (1, 2, 3)]
    SchoolYear.objects.filter(school=schools[2], year=YEAR).update(multimedia_rooms=ROOMS_SHORT)
    return schools


def rooms_short_least_cost() -> float:
    """Every other indicator of the third school is met, so the school rule lets Q7 sit anywhere from 85 % of its
    minimum: it needs ⌈0.85 × 2.3 × 500 ⁄ 100⌉ rooms, and rooms are the only thing that raises Q7. The other two
    schools pass, and three units of equal enrolment at 3.0, 3.0 and 2.0 rooms per hundred are far within the CV
    limit, so the least cost is the missing rooms at the room's unit cost."""
    params = default_params(QUALITY_2017)
    needed = math.ceil(params["school_floor"] * params["thresholds"]["primary"]["Q7"] * PUPILS / 100 - 1e-9)
    return (needed - ROOMS_SHORT) * DEFAULT_COSTS["multimedia_room"]


# ---------------------------------------------------------------- rotation

ROTATION_PUPILS = 100


def _school(county, code, urban_rural_code):
    school = SchoolFactory(county=county, code=code, kind="primary", urban_rural_code=urban_rural_code)
    SchoolYearFactory(
        school=school,
        year=YEAR,
        primary_students=ROTATION_PUPILS,
        teaching_area=6 * ROTATION_PUPILS,
        indoor_sports_area=0,
        sports_ground_area=10 * ROTATION_PUPILS,
        equipment_value=3000 * ROTATION_PUPILS,
        multimedia_rooms=3,
        music_rooms=1,
        art_rooms=1,
    )
    SchoolClassFactory(school=school, year=YEAR, stage="primary", grade=1, students=40)
    return school


def rotation_county(county, prefix="37130200", *, eligible=True):
    """An urban school whose seven teachers all hold 本科 and a rural school where only its PE teacher does: the
    urban–rural ratio is (7/7) ÷ (1/7) = 7. Each school has three 语文 and three 数学 teachers who may rotate (one
    语文 teacher of each is a backbone teacher) and a PE teacher who may not. Returns (urban, rural)."""
    urban, rural = _school(county, f"{prefix}01", "111"), _school(county, f"{prefix}02", "220")
    for school, degree, tag in ((urban, "bachelor", "U"), (rural, "associate", "R")):
        for i, subject in enumerate(["语文"] * 3 + ["数学"] * 3):
            TeacherFactory(
                school=school,
                year=YEAR,
                teacher_id=f"{tag}{prefix}{i}",
                name=f"{tag}老师{i}",
                degree=degree,
                subject=subject,
                backbone_level="county" if i == 0 else "none",
                rotation_eligible=eligible,
            )
        TeacherFactory(
            school=school,
            year=YEAR,
            teacher_id=f"{tag}{prefix}pe",
            name=f"{tag}体育老师",
            degree="bachelor",
            subject="体育",
            rotation_eligible=False,
        )
    return urban, rural


def rotation_fewest_moves(target: float = 1.05) -> int:
    """With every school keeping its headcount per subject, a teacher only moves in a swap with one of the same
    subject from the other school; a useful swap sends an urban 本科 teacher to the rural school and a rural 专科
    teacher back: after k swaps the ratio is ((7 − k)/7) ÷ ((1 + k)/7). The fewest transfers are 2 × the least k
    bringing it to the target; the share rules (10 % of 12 eligible, 20 % backbone among the moved) hold with the
    two backbone 语文 teachers swapped as one of those swaps."""
    k = next(k for k in range(7) if (7 - k) / (1 + k) <= target + 1e-12)
    return 2 * k


def snapshot(county) -> str:
    """Every row of the county's data and of its stored results, and the recompute runs: equal before and after
    means nothing of the real data or results was written."""
    import hashlib

    from indicators.models import CountyResult, IndicatorResult, RecomputeRun, UnitResult
    from schools.models import Achievement, CountyYear, Funding, School, SchoolClass
    from teachers.models import Teacher

    parts = [
        School.objects.filter(county=county),
        SchoolYear.objects.filter(school__county=county),
        SchoolClass.objects.filter(school__county=county),
        Teacher.objects.filter(school__county=county),
        Funding.objects.filter(school__county=county),
        Achievement.objects.filter(school__county=county),
        CountyYear.objects.filter(county=county),
        CountyResult.objects.filter(county=county),
        IndicatorResult.objects.filter(result__county=county),
        UnitResult.objects.filter(result__county=county),
        RecomputeRun.objects.all(),
    ]
    text = repr([list(q.order_by("pk").values()) for q in parts])
    return hashlib.sha256(text.encode()).hexdigest()
