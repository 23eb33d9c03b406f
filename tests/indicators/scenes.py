"""Small counties built in the database for service, task and API tests."""

from schools.models import SchoolYear
from tests.factories import SchoolClassFactory, SchoolFactory, SchoolYearFactory, TeacherFactory


def primary_school(county, code, students, *, teaching_area=None, teachers=30, bachelor=20, year=2024):
    """A primary school with its year row (areas scaled to the pupils) and `teachers` full-time teachers."""
    school = SchoolFactory(county=county, code=code, kind="primary", urban_rural_code="111")
    SchoolYearFactory(
        school=school,
        year=year,
        primary_students=students,
        staff=teachers + 3,
        teaching_area=teaching_area if teaching_area is not None else 6 * students,
        indoor_sports_area=0,
        sports_ground_area=10 * students,
        equipment_value=3000 * students,
        multimedia_rooms=round(students * 0.03),
        computers=students // 8,
        books=30 * students,
        music_rooms=2,
        art_rooms=2,
    )
    for i in range(teachers):
        TeacherFactory(
            school=school,
            year=year,
            stage="primary",
            degree="bachelor" if i < bachelor else "associate",
            backbone_level="county" if i % 5 == 0 else "none",
            subject="体育" if i % 6 == 0 else "语文",
        )
    SchoolClassFactory(school=school, year=year, stage="primary", grade=1, students=40)
    return school


def small_county(county, prefix, year=2024):
    """Two primary schools of 400 and 500 pupils."""
    a = primary_school(county, f"{prefix}01", 400, year=year)
    b = primary_school(county, f"{prefix}02", 500, teaching_area=2500, year=year)
    return a, b


def teaching_area(school, year=2024):
    return SchoolYear.objects.get(school=school, year=year).teaching_area
