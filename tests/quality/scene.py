"""A county-year with one planted offender per default rule and clean schools around them.

Expected offenders, worked out by hand from the numbers below (defaults: 大班额 56–65, 超大班额 66+, boarders ≤
enrolment, class pupils within max(3, 2 %) of enrolment, roster ≤ 教职工, code prefix not another county's, change
from last year ≤ 50 % for last-year values ≥ 20, |z| ≤ 3 over ≥ 10 schools):

- B: classes of 58 (大班额) and 70 (超大班额); its enrolment 128 = 58 + 70.
- C: 700 boarders, 600 pupils.
- D: classes 14 × 40 = 560 pupils against 600 enrolled: 40 apart > max(3, 0.02 × 600 = 12).
- E: 8 teachers on the roster, 教职工 5.
- F: code 3713110001 begins with 371311, the other county's code.
- G: 600 pupils, 300 last year: +100 %.
- H: 30 000 m² for 600 pupils = 50 m² a pupil; the 12 other schools 5 m² a pupil: mean (12·5 + 50)/13 = 8.46,
  population sd = 45·√12/13 = 11.99, z(H) = (50 − 8.46)/11.99 = 3.46 > 3; every other school z = −0.29.
- A (the clean school): 600 pupils in 15 classes of 40, 100 boarders, 40 staff and 3 teachers, 590 pupils and the
  same area and staff last year (−1.7 %). Fillers 1–5: 600 pupils, 5 m² a pupil, nothing else.
"""

from dataclasses import dataclass

from tests.factories import SchoolClassFactory, SchoolFactory, SchoolYearFactory, TeacherFactory

YEAR = 2024


@dataclass
class Scene:
    schools: dict  # letter → School
    classes: dict  # "B58", "B70" → SchoolClass


def _school(county, code, name, *, primary=600, area=None, **facts):
    school = SchoolFactory(code=code, name=name, county=county)
    SchoolYearFactory(
        school=school, year=YEAR, primary_students=primary, teaching_area=area or 5 * primary, **facts
    )
    return school


def build(county, other_county) -> Scene:
    assert other_county.code == "371311"
    s = {}
    s["A"] = _school(county, "3713020001", "甲校", boarders=100, staff=40)
    SchoolYearFactory(school=s["A"], year=YEAR - 1, primary_students=590, teaching_area=3000, staff=40)
    for n in range(15):
        SchoolClassFactory(school=s["A"], year=YEAR, name=f"甲{n}班", students=40)
    for _n in range(3):
        TeacherFactory(school=s["A"], year=YEAR)
    s["B"] = _school(county, "3713020002", "乙校", primary=128)
    classes = {
        "B58": SchoolClassFactory(school=s["B"], year=YEAR, name="乙1班", students=58),
        "B70": SchoolClassFactory(school=s["B"], year=YEAR, name="乙2班", students=70),
    }
    s["C"] = _school(county, "3713020003", "丙校", boarders=700)
    s["D"] = _school(county, "3713020004", "丁校")
    for n in range(14):
        SchoolClassFactory(school=s["D"], year=YEAR, name=f"丁{n}班", students=40)
    s["E"] = _school(county, "3713020005", "戊校", staff=5)
    for _n in range(8):
        TeacherFactory(school=s["E"], year=YEAR)
    s["F"] = _school(county, "3713110001", "己校")
    s["G"] = _school(county, "3713020007", "庚校")
    SchoolYearFactory(school=s["G"], year=YEAR - 1, primary_students=300, teaching_area=3000)
    s["H"] = _school(county, "3713020008", "辛校", area=30000)
    for n in range(5):
        s[f"filler{n}"] = _school(county, f"37130201{n:02d}", f"填充{n}校")
    return Scene(s, classes)
