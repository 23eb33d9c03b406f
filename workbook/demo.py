"""Deterministic demo data: a realistic city (临沂市) of three counties, about 120 schools, two school years.

Everything is drawn from one `random.Random(seed)`, in a fixed order, so the same seed always builds the same rows
(natural keys and values; primary keys and timestamps aside). Rows are inserted through the workbook importer's
writer (workbook/writers.py: COPY on PostgreSQL, `bulk_create` elsewhere) so a full build takes a few seconds. The counties differ on purpose so that the portal shows both red and green:

- 兰山区 has crowded urban schools (大班额, one 超大班额 grade), weak village schools (few backbone and PE/art
  teachers, a poor degree mix) and under-funded small schools;
- 罗庄区 is middling, pays its teachers less than its civil servants and lags on rotation and monitoring;
- 河东区 is the balanced one: a rural degree mix close to the urban one and no large classes.

Demo data is written directly (not through the services, which validate and recompute row by row); the caller runs
the indicator recompute once at the end.
"""

import math
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from core.choices import RegionLevel
from core.models import Region
from schools.choices import SchoolKind
from schools.models import (
    Achievement,
    CountyYear,
    Declaration,
    Funding,
    Monitoring,
    School,
    SchoolClass,
    SchoolYear,
)
from teachers.models import Teacher

from . import writers

DEFAULT_SEED = 2024
YEARS = (2023, 2024)
CURRENT_YEAR = YEARS[-1]
DEMO_PASSWORD = "demo12345"
PROVINCE = ("370000", "山东省")
CITY = ("371300", "临沂市")


@dataclass(frozen=True)
class CountyProfile:
    code: str
    name: str
    towns: tuple[str, ...]
    roads: tuple[str, ...]
    crowded: bool  # urban schools with 大班额 (and, in the first county, one 超大班额 grade)
    rural_degree: tuple[
        float, ...
    ]  # primary degree shares in town and village schools (pg, ba, assoc, sec, below)
    rural_junior_degree: tuple[float, ...]
    rural_backbone: float
    rural_arts: float  # share of PE, music and art teachers in town and village schools
    certified: float
    training_short: float  # share of teachers below 360 training hours
    rotation: float  # share of eligible teachers rotated this year
    weak_schools: int
    underfunded_small: bool
    county_inputs: dict
    balanced: bool = False  # every school meets the resource minima, every school has its music and art rooms


COUNTIES = (
    CountyProfile(
        code="371302",
        name="兰山区",
        towns=("枣园镇", "半程镇", "李官镇", "方城镇", "汪沟镇", "马厂湖镇", "白沙埠镇", "义堂镇"),
        roads=(
            "沂蒙路",
            "解放路",
            "金雀山路",
            "银雀山路",
            "通达路",
            "涑河",
            "北城",
            "孝河",
            "红旗路",
            "八一路",
        ),
        crowded=True,
        rural_degree=(0.0, 0.42, 0.48, 0.09, 0.01),
        rural_junior_degree=(0.01, 0.70, 0.29, 0.0, 0.0),
        rural_backbone=0.06,
        rural_arts=0.095,
        certified=0.985,
        training_short=0.08,
        rotation=0.12,
        weak_schools=3,
        underfunded_small=True,
        county_inputs={
            "teacher_pay": 98600,
            "civil_servant_pay": 96200,
            "junior_retention": 97.8,
            "disabled_enrolment": 96.5,
            "urban_nearby": 100,
            "town_nearby": 96.2,
            "quota_allocation": 52.0,
            "migrant_public": 91.5,
            "recognition": 88.6,
        },
    ),
    CountyProfile(
        code="371311",
        name="罗庄区",
        towns=("黄山镇", "褚墩镇", "沂堂镇", "册山街道", "高都街道", "盛庄街道"),
        roads=("罗庄", "傅庄", "双月湖", "湖西路", "龙潭路", "华夏路", "沂河路", "罗西"),
        crowded=True,
        rural_degree=(0.01, 0.55, 0.40, 0.04, 0.0),
        rural_junior_degree=(0.02, 0.78, 0.20, 0.0, 0.0),
        rural_backbone=0.10,
        rural_arts=0.12,
        certified=0.97,
        training_short=0.05,
        rotation=0.07,
        weak_schools=2,
        underfunded_small=False,
        county_inputs={
            "teacher_pay": 86300,
            "civil_servant_pay": 88900,
            "junior_retention": 96.4,
            "disabled_enrolment": 94.1,
            "urban_nearby": 100,
            "town_nearby": 95.4,
            "quota_allocation": 50.5,
            "migrant_public": 87.2,
            "recognition": 86.3,
        },
    ),
    CountyProfile(
        code="371312",
        name="河东区",
        towns=("汤河镇", "郑旺镇", "八湖镇", "汤头街道", "太平街道", "相公街道", "凤凰岭街道"),
        roads=("九曲", "芝麻墩", "东兴路", "人民大街", "凤仪街", "温泉路", "沂州路"),
        crowded=False,
        rural_degree=(0.04, 0.85, 0.11, 0.0, 0.0),
        rural_junior_degree=(0.05, 0.88, 0.07, 0.0, 0.0),
        rural_backbone=0.16,
        rural_arts=0.16,
        certified=1.0,
        training_short=0.0,
        rotation=0.15,
        weak_schools=0,
        balanced=True,
        underfunded_small=False,
        county_inputs={
            "teacher_pay": 99800,
            "civil_servant_pay": 97400,
            "junior_retention": 98.6,
            "disabled_enrolment": 97.3,
            "urban_nearby": 100,
            "town_nearby": 97.8,
            "quota_allocation": 58.0,
            "migrant_public": 94.6,
            "recognition": 92.4,
        },
    ),
)

# (kind, urban-rural codes in order, how many of them are private): about 40 schools per county.
SCHOOL_PLAN = (
    (SchoolKind.PRIMARY, ("111", "111", "111", "111", "111", "112", "112"), 1),
    (SchoolKind.PRIMARY, ("121", "121", "121", "121", "122", "122"), 0),
    (SchoolKind.PRIMARY, ("210", "210", "210", "220", "220", "220", "220"), 0),
    (SchoolKind.JUNIOR, ("111", "111", "112"), 1),
    (SchoolKind.JUNIOR, ("121", "121"), 0),
    (SchoolKind.JUNIOR, ("210", "210"), 0),
    (SchoolKind.NINE_YEAR, ("111",), 1),
    (SchoolKind.NINE_YEAR, ("121", "210", "210"), 0),
    (SchoolKind.TWELVE_YEAR, ("112",), 1),
    (SchoolKind.COMPLETE_SECONDARY, ("121",), 0),
    (SchoolKind.TEACHING_POINT, ("220", "220", "220", "220", "220", "220"), 0),
    (SchoolKind.SPECIAL, ("111",), 0),
)
KIND_BLOCK = {
    SchoolKind.PRIMARY: 10,
    SchoolKind.JUNIOR: 20,
    SchoolKind.NINE_YEAR: 30,
    SchoolKind.TWELVE_YEAR: 40,
    SchoolKind.COMPLETE_SECONDARY: 50,
    SchoolKind.TEACHING_POINT: 60,
    SchoolKind.SPECIAL: 70,
}
STAGE_GRADES = {"primary": range(1, 7), "junior": range(7, 10)}
CN_DIGITS = "零一二三四五六七八九"
VILLAGES = "王庄 李家庄 后河 东岭 西岭 南坡 北洼 前湖 孙家屯 高庄 石桥 柳沟 杏园 双山 白塔 桃园 大官庄 刘家湖 新村 徐家庄"
VILLAGES = tuple(VILLAGES.split())
SURNAMES = tuple(
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
)
GIVEN = tuple(
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红梅建国志文海燕晓东雪峰丹宁欣怡佳琪浩然子涵"
)

# Minimum values of the 2017 resource indicators (spec §2): Q4 area, Q5 sports, Q6 equipment, Q7 rooms per 100.
MINIMA = {
    "primary": {"area": 4.5, "sports": 7.5, "equipment": 2000, "rooms": 2.3, "books": 30},
    "junior": {"area": 5.8, "sports": 10.2, "equipment": 2500, "rooms": 2.4, "books": 45},
    "senior": {"area": 6.5, "sports": 11.5, "equipment": 3000, "rooms": 2.5, "books": 50},
}
FUNDING_RATE = {"primary": 650, "junior": 850}  # 元 per pupil, east China (国发〔2015〕67号)
SPECIAL_RATE = 6000

PRIMARY_SUBJECTS = (
    ("语文", 0.30),
    ("数学", 0.24),
    ("英语", 0.09),
    ("科学", 0.05),
    ("道德与法治", 0.04),
    ("信息科技", 0.03),
    ("劳动", 0.01),
    ("其他", 0.02),
)
JUNIOR_SUBJECTS = (
    ("语文", 0.15),
    ("数学", 0.15),
    ("英语", 0.14),
    ("物理", 0.08),
    ("化学", 0.06),
    ("生物", 0.06),
    ("道德与法治", 0.06),
    ("历史", 0.06),
    ("地理", 0.05),
    ("信息科技", 0.03),
    ("劳动", 0.02),
)
ARTS_SPLIT = (("体育", 0.45), ("音乐", 0.3), ("美术", 0.25))
ACHIEVEMENT_SUBJECTS = {"primary": ("语文", "数学", "英语", "科学"), "junior": ("语文", "数学", "英语")}
MONITORING_SUBJECTS = {2023: ("语文", "科学", "道德与法治"), 2024: ("数学", "体育", "艺术")}


def location_of(urban_rural_code: str) -> str:
    return {"1": "urban" if urban_rural_code.startswith("11") else "town", "2": "rural"}[urban_rural_code[0]]


def stages_of(kind: str) -> tuple[str, ...]:
    return {
        SchoolKind.PRIMARY: ("primary",),
        SchoolKind.TEACHING_POINT: ("primary",),
        SchoolKind.JUNIOR: ("junior",),
        SchoolKind.NINE_YEAR: ("primary", "junior"),
        SchoolKind.TWELVE_YEAR: ("primary", "junior", "senior"),
        SchoolKind.COMPLETE_SECONDARY: ("junior", "senior"),
        SchoolKind.SPECIAL: ("primary", "junior"),
    }[kind]


def money(value: float) -> Decimal:
    return Decimal(round(value))


def area(value: float) -> Decimal:
    return Decimal(f"{value:.2f}")


def allocate(rng: random.Random, n: int, shares) -> list:
    """n labels in the given shares (largest remainder), shuffled: quotas, not coin flips, so small schools too
    get the intended mix."""
    shares = list(shares)
    labels = [label for label, _ in shares]
    total = sum(share for _, share in shares)
    exact = [n * share / total for _, share in shares]
    counts = [math.floor(x) for x in exact]
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - counts[i]), i))
    for i in order[: n - sum(counts)]:
        counts[i] += 1
    result = [label for label, count in zip(labels, counts, strict=True) for _ in range(count)]
    rng.shuffle(result)
    return result


@dataclass
class PlannedSchool:
    county: CountyProfile
    code: str
    name: str
    kind: str
    urban_rural_code: str
    ownership: str
    boarding: bool
    urban_quality_reference: bool = False
    quality: float = 1.0
    class_target: dict = field(default_factory=dict)  # stage -> (target size, rounding: "ceil" | "floor")
    crowded_grades: dict = field(default_factory=dict)  # grade -> class size of 56 or more
    super_large_grade: int | None = None
    enrolment: dict = field(default_factory=dict)  # year -> stage -> pupils

    @property
    def location(self) -> str:
        return location_of(self.urban_rural_code)

    @property
    def stages(self) -> tuple[str, ...]:
        return stages_of(self.kind)


@dataclass
class DemoSummary:
    counts: dict
    accounts: list


class Builder:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.schools: list[PlannedSchool] = []
        self.names: set[str] = set()

    # ----- schools -----

    def plan_schools(self) -> None:
        for profile in COUNTIES:
            serial = {}
            roads = list(profile.roads)
            villages = list(VILLAGES)
            self.rng.shuffle(roads)
            self.rng.shuffle(villages)
            for kind, codes, private in SCHOOL_PLAN:
                for index, urc in enumerate(codes):
                    serial[kind] = serial.get(kind, 0) + 1
                    code = f"{profile.code}{KIND_BLOCK[kind]}{serial[kind]:02d}"
                    is_private = index == len(codes) - 1 and private > 0
                    school = PlannedSchool(
                        county=profile,
                        code=code,
                        name="",
                        kind=kind,
                        urban_rural_code=urc,
                        ownership="private" if is_private else "public",
                        boarding=False,
                    )
                    school.name = self.school_name(school, roads, villages)
                    self.schools.append(school)
            self.shape_county(profile)

    def school_name(self, school: PlannedSchool, roads: list, villages: list) -> str:
        county, rng = school.county, self.rng
        suffix = {
            SchoolKind.PRIMARY: "小学",
            SchoolKind.JUNIOR: "中学",
            SchoolKind.NINE_YEAR: "学校",
            SchoolKind.TWELVE_YEAR: "学校",
            SchoolKind.COMPLETE_SECONDARY: "中学",
            SchoolKind.TEACHING_POINT: "教学点",
        }
        for attempt in range(100):
            if school.kind == SchoolKind.SPECIAL:
                name = f"临沂市{county.name}特殊教育学校"
            elif school.ownership == "private":
                brand = rng.choice(("育才", "启明", "博雅", "英才", "华清", "弘德"))
                name = f"{county.name}{brand}{'实验' if rng.random() < 0.5 else ''}{suffix[school.kind]}"
            elif school.location == "urban":
                road = roads[(len(self.names) + attempt) % len(roads)]
                name = f"临沂市{county.name}{road}{suffix[school.kind]}"
                if school.kind == SchoolKind.NINE_YEAR:
                    name = f"临沂市{county.name}{road}实验学校"
            elif school.location == "town":
                town = rng.choice(county.towns)
                center = "中心" if school.kind == SchoolKind.PRIMARY and rng.random() < 0.5 else ""
                name = f"{county.name}{town}{center}{suffix[school.kind]}"
                if school.kind == SchoolKind.COMPLETE_SECONDARY:
                    name = f"{county.name}{town}第一中学"
            else:
                town = rng.choice(county.towns)
                village = villages[rng.randrange(len(villages))]
                name = f"{county.name}{town}{village}{suffix[school.kind]}"
            if name not in self.names:
                self.names.add(name)
                return name
        # Never reached with the lists above; keeps names unique whatever the seed.
        name = f"{county.name}第{len(self.names)}{suffix.get(school.kind, '学校')}"
        self.names.add(name)
        return name

    def shape_county(self, profile: CountyProfile) -> None:
        """Quality, class sizes, boarding and enrolment of one county's schools."""
        rng = self.rng
        schools = [s for s in self.schools if s.county is profile]
        base_quality = {"urban": 1.22, "town": 1.1, "rural": 1.0}
        for school in schools:
            school.quality = base_quality[school.location] * rng.uniform(0.95, 1.08)
            if profile.code == COUNTIES[-1].code and school.location != "urban":
                school.quality = max(school.quality, 1.12)
            school.boarding = (
                school.location == "rural" and school.kind in (SchoolKind.JUNIOR, SchoolKind.NINE_YEAR)
            ) or (school.kind in (SchoolKind.COMPLETE_SECONDARY, SchoolKind.SPECIAL))
        weak_pool = [s for s in schools if s.location == "rural" and s.kind != SchoolKind.TEACHING_POINT]
        for school in rng.sample(weak_pool, profile.weak_schools):
            school.quality = rng.uniform(0.7, 0.8)

        urban_public = [s for s in schools if s.location == "urban" and s.ownership == "public"]
        references = [s for s in urban_public if s.kind == SchoolKind.PRIMARY][:2]
        references += [s for s in urban_public if s.kind == SchoolKind.JUNIOR][:1]
        for school in references:
            school.urban_quality_reference = True
            school.quality = max(school.quality, 1.3)

        for school in schools:
            for stage in ("primary", "junior"):
                school.class_target[stage] = self.class_target(school, stage)
        crowded = []
        if profile.crowded:
            # A few 大班额 grades (56+) in the most sought-after urban schools; in the first county one grade
            # also has two 超大班额 classes (66+).
            crowded = [s for s in urban_public if s.kind == SchoolKind.PRIMARY][:1]
            if profile is COUNTIES[0]:
                crowded += [s for s in urban_public if s.kind == SchoolKind.JUNIOR][:1]
        for school in crowded:
            for stage in school.stages:
                if stage in STAGE_GRADES:
                    grades = rng.sample(list(STAGE_GRADES[stage]), 2 if stage == "primary" else 1)
                    school.crowded_grades.update({grade: rng.randint(56, 59) for grade in sorted(grades)})
        if crowded and profile is COUNTIES[0]:
            crowded[0].super_large_grade = min(crowded[0].crowded_grades)

        for school in schools:
            current = self.enrolment(school, crowded=school in crowded)
            previous = {stage: max(1, round(p * rng.uniform(0.94, 1.03))) for stage, p in current.items()}
            school.enrolment = {CURRENT_YEAR: current, YEARS[0]: previous}

    def class_target(self, school: PlannedSchool, stage: str) -> int:
        rng = self.rng
        if school.kind == SchoolKind.SPECIAL:
            return rng.randint(8, 12)
        top = {"primary": 45, "junior": 50}[stage]
        if school.location == "urban":
            return rng.randint(top - 2, top + 1 if school.county.crowded else top)
        if school.location == "town":
            return rng.randint(top - 5, top)
        return rng.randint(top - 12, top - 4)

    def enrolment(self, school: PlannedSchool, crowded: bool) -> dict:
        r, loc, kind = self.rng.randint, school.location, school.kind
        if kind == SchoolKind.TEACHING_POINT:
            index = int(school.code[-2:])
            return {"primary": r(18, 48) if index % 2 else r(55, 110)}
        if kind == SchoolKind.SPECIAL:
            return {"primary": r(70, 120), "junior": r(30, 60)}
        if kind == SchoolKind.PRIMARY:
            ranges = {"urban": (1300, 2000), "town": (600, 1200), "rural": (160, 520)}
            low, high = (2200, 2700) if crowded else ranges[loc]
            return {"primary": r(low, high)}
        if kind == SchoolKind.JUNIOR:
            ranges = {"urban": (1200, 1900), "town": (700, 1300), "rural": (350, 750)}
            low, high = (1700, 2100) if crowded else ranges[loc]
            return {"junior": r(low, high)}
        if kind == SchoolKind.NINE_YEAR:
            if loc == "rural":
                return {"primary": r(300, 600), "junior": r(200, 450)}
            return {"primary": r(600, 1100), "junior": r(400, 800)}
        if kind == SchoolKind.TWELVE_YEAR:
            return {"primary": r(700, 900), "junior": r(500, 700), "senior": r(600, 900)}
        return {"junior": r(900, 1300), "senior": r(1500, 2100)}  # complete secondary

    # ----- rows -----

    def classes(self, school: PlannedSchool, year: int) -> list[dict]:
        rng, rows = self.rng, []
        for stage in ("primary", "junior"):
            total = school.enrolment[year].get(stage)
            if not total:
                continue
            grades = list(STAGE_GRADES[stage])
            if school.kind == SchoolKind.TEACHING_POINT:
                grades = grades[: 3 if total < 50 else 4]
            weights = [rng.uniform(0.9, 1.1) for _ in grades]
            per_grade = [math.floor(total * w / sum(weights)) for w in weights]
            per_grade[-1] += total - sum(per_grade)
            target = school.class_target[stage]
            for grade, pupils in zip(grades, per_grade, strict=True):
                if school.kind == SchoolKind.TEACHING_POINT:
                    count = 1
                elif grade in school.crowded_grades:
                    count = max(1, pupils // school.crowded_grades[grade])  # rounding down keeps them 56+
                else:
                    count = max(1, math.ceil(pupils / target))  # rounding up keeps them within the target
                base, extra = divmod(pupils, count)
                sizes = [base + (1 if number < extra else 0) for number in range(count)]
                if grade == school.super_large_grade and year == CURRENT_YEAR and count > 3:
                    sizes = super_large(rng, sizes)
                for number, size in enumerate(sizes, start=1):
                    rows.append(
                        {
                            "stage": stage,
                            "grade": grade,
                            "name": f"{CN_DIGITS[grade]}年级{number}班",
                            "students": size,
                        }
                    )
        return rows

    def school_year(self, school: PlannedSchool, year: int, class_count: int, teacher_count: int) -> dict:
        rng, pupils, q = self.rng, school.enrolment[year], school.quality
        total = sum(pupils.values())
        noise = rng.uniform
        balanced = school.county.balanced

        def factor(low: float, high: float, dense: float = 1.0) -> float:
            value = q * noise(low, high) * dense
            return max(value, 1.03) if balanced else value

        dense = 0.8 if school.location == "urban" else 1.0  # city-centre schools are short of sports ground
        teaching = equipment = rooms = books = sports = 0.0
        for stage, p in pupils.items():
            minima = MINIMA[stage]
            teaching += minima["area"] * p * factor(0.88, 1.15)
            sports += minima["sports"] * p * factor(0.85, 1.2, dense)
            equipment += minima["equipment"] * p * factor(0.85, 1.2)
            rooms += minima["rooms"] * p / 100 * factor(0.9, 1.15)
            books += minima["books"] * p * factor(0.85, 1.2)
        indoor = total * (noise(0.3, 0.6) if school.location == "urban" else noise(0.0, 0.25))
        required_rooms = math.ceil(class_count / 12)
        short = q < 0.85 or (school.kind == SchoolKind.TEACHING_POINT and not balanced)
        compulsory = pupils.get("junior", 0) + pupils.get("primary", 0)
        boarders = None
        if school.boarding:
            boarders = round(
                pupils.get("junior", 0) * noise(0.4, 0.7) + pupils.get("primary", 0) * noise(0.05, 0.15)
            )
        return {
            "primary_students": pupils.get("primary"),
            "junior_students": pupils.get("junior"),
            "senior_students": pupils.get("senior"),
            "boarders": boarders,
            "staff": teacher_count + max(1, round(teacher_count * noise(0.05, 0.1))),
            "teaching_area": area(teaching + indoor),
            "indoor_sports_area": area(indoor),
            "sports_ground_area": area(max(0.0, sports - indoor)),
            "equipment_value": money(equipment),
            "multimedia_rooms": max(1, math.ceil(rooms) if balanced else round(rooms)),
            "computers": max(2, round(total * noise(0.1, 0.2) * q)),
            "books": round(books),
            "music_rooms": max(0, required_rooms - 1) if short else required_rooms + (compulsory > 1500),
            "art_rooms": max(0, required_rooms - 1) if short else required_rooms,
        }

    def funding(self, school: PlannedSchool, year: int, boarders: int | None) -> dict:
        rng, pupils = self.rng, school.enrolment[year]
        compulsory = {s: p for s, p in pupils.items() if s in FUNDING_RATE}
        size = sum(compulsory.values())
        if school.kind == SchoolKind.SPECIAL:
            per_pupil = SPECIAL_RATE * (0.92 if school.county is COUNTIES[1] else rng.uniform(1.0, 1.2))
            required = per_pupil * size
        else:
            required = sum(FUNDING_RATE[s] * p for s, p in compulsory.items())
            if size < 100 and not school.county.underfunded_small:
                required *= 100 / size
            required += 200 * (boarders or 0)
        funds = required * rng.uniform(1.0, 1.12)
        budget = funds * rng.uniform(1.05, 1.25)
        training_share = rng.uniform(0.03, 0.045) if school.quality < 0.85 else rng.uniform(0.05, 0.08)
        return {
            "public_funds": money(funds),
            "public_budget": money(budget),
            "training_funds": money(budget * training_share),
        }

    def achievements(self, school: PlannedSchool, classes: list[dict], year: int) -> list[dict]:
        if school.kind in (SchoolKind.TEACHING_POINT, SchoolKind.SPECIAL):
            return []
        rng, rows = self.rng, []
        centre = {"urban": 83.5, "town": 79.0, "rural": 74.0}[school.location]
        if school.county.balanced:
            centre = {"urban": 83.5, "town": 83.0, "rural": 82.0}[school.location]
        if school.urban_quality_reference:
            centre = 88.0
        centre += (school.quality - 1.0) * 12
        for stage, last_grade in (("primary", 6), ("junior", 9)):
            tested = sum(c["students"] for c in classes if c["grade"] == last_grade)
            if not tested:
                continue
            for subject in ACHIEVEMENT_SUBJECTS[stage]:
                score = min(98.0, centre + rng.uniform(-3.5, 3.5))
                rows.append(
                    {
                        "stage": stage,
                        "subject": subject,
                        "tested": max(1, tested - rng.randint(0, 3)),
                        "mean_score": Decimal(f"{score:.1f}"),
                    }
                )
        return rows

    # ----- teachers -----

    def roster(self, school: PlannedSchool, next_id) -> list[dict]:
        """The current year's roster of one school; the previous year is derived from it (see previous_roster)."""
        rng, loc = self.rng, school.location
        teachers = []
        for stage, pupils in school.enrolment[CURRENT_YEAR].items():
            if school.kind == SchoolKind.TEACHING_POINT:
                count = max(2, math.ceil(pupils / 11))
            elif school.kind == SchoolKind.SPECIAL:
                count = math.ceil(pupils / 3.5)
            else:
                ratio = {
                    "primary": {"urban": 17.0, "town": 15.0, "rural": 12.0},
                    "junior": {"urban": 12.0, "town": 11.0, "rural": 10.0},
                    "senior": {"urban": 12.5, "town": 12.5, "rural": 12.5},
                }[stage][loc]
                count = max(3, math.ceil(pupils / (ratio * rng.uniform(0.93, 1.07))))
            teachers += self.stage_roster(school, stage, count, next_id)
        return teachers

    def stage_roster(self, school: PlannedSchool, stage: str, count: int, next_id) -> list[dict]:
        rng, profile, loc = self.rng, school.county, school.location
        rural = loc != "urban"
        if stage == "primary":
            degree_shares = profile.rural_degree if rural else (0.08, 0.80, 0.11, 0.01, 0.0)
        elif stage == "junior":
            degree_shares = profile.rural_junior_degree if rural else (0.12, 0.85, 0.03, 0.0, 0.0)
        else:
            degree_shares = (0.2, 0.8, 0.0, 0.0, 0.0)
        if school.quality < 0.85 and rural:
            degree_shares = (0.0, 0.3, 0.55, 0.13, 0.02)
        degrees = allocate(
            rng,
            count,
            zip(
                ("postgraduate", "bachelor", "associate", "secondary", "below_secondary"),
                degree_shares,
                strict=True,
            ),
        )
        arts_share = profile.rural_arts if rural else 0.18
        if school.quality < 0.85:
            arts_share = 0.06
        other_subjects = PRIMARY_SUBJECTS if stage == "primary" else JUNIOR_SUBJECTS
        subjects = allocate(
            rng,
            count,
            [(s, share * arts_share) for s, share in ARTS_SPLIT]
            + [(s, share * (1 - arts_share)) for s, share in other_subjects],
        )
        backbone_share = {
            "urban": 0.22,
            "town": max(0.17, profile.rural_backbone),
            "rural": profile.rural_backbone,
        }[loc]
        if school.quality < 0.85:
            backbone_share = 0.03
        female_share = 0.72 if stage == "primary" else 0.58

        teachers = []
        for degree, subject in zip(degrees, subjects, strict=True):
            age = rng.randint(23, 59)
            full_time = rng.random() >= 0.05
            teachers.append(
                {
                    "teacher_id": next_id(),
                    "name": rng.choice(SURNAMES)
                    + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2)))),
                    "gender": "female" if rng.random() < female_share else "male",
                    "birth_month": f"{CURRENT_YEAR - age}-{rng.randint(1, 12):02d}",
                    "stage": stage,
                    "full_time": full_time,
                    "degree": degree,
                    "subject": subject if full_time else "",
                    "backbone_level": "none",
                    "title": self.title(age, loc),
                    "certified": rng.random() < profile.certified if full_time else None,
                    "training_hours": (
                        rng.randint(200, 359)
                        if rng.random() < profile.training_short
                        else rng.randint(360, 540)
                    ),
                    "rotation_eligible": age >= 30 and rng.random() < 0.55,
                    "rotated": False,
                    "_age": age,
                }
            )
        experienced = [t for t in teachers if t["_age"] >= 30 and t["full_time"]]
        n_backbone = min(len(experienced), round(count * backbone_share * rng.uniform(0.9, 1.1)))
        levels = allocate(
            rng, n_backbone, (("county", 0.6), ("city", 0.3), ("province", 0.09), ("national", 0.01))
        )
        for teacher, level in zip(rng.sample(experienced, n_backbone), levels, strict=True):
            teacher["backbone_level"] = level
        eligible = [t for t in teachers if t["rotation_eligible"]]
        for teacher in rng.sample(eligible, round(len(eligible) * profile.rotation * rng.uniform(0.8, 1.2))):
            teacher["rotated"] = True
        return teachers

    def title(self, age: int, location: str) -> str:
        roll = self.rng.random()
        if age < 26:
            return "none" if roll < 0.6 else "second"
        if age < 36:
            return "second" if roll < 0.6 else ("first" if roll < 0.95 else "none")
        if age < 46:
            return "first" if roll < 0.6 else ("second" if roll < 0.8 else "senior")
        if location == "urban" and roll < 0.03:
            return "senior_professor"
        return "senior" if roll < 0.5 else ("first" if roll < 0.97 else "second")

    def previous_roster(self, school: PlannedSchool, current: list[dict], next_id) -> list[dict]:
        """Last year's roster: this year's minus the new hires, plus some who have since retired or left."""
        rng, previous = self.rng, []
        for teacher in current:
            if teacher["_age"] <= 24 or rng.random() < 0.03:
                continue  # hired this year
            row = dict(teacher)
            row["training_hours"] = max(0, teacher["training_hours"] - rng.randint(40, 90))
            row["rotated"] = bool(teacher["rotation_eligible"]) and rng.random() < school.county.rotation
            if teacher["title"] == "first" and rng.random() < 0.1:
                row["title"] = "second"
            previous.append(row)
        for stage in school.enrolment[CURRENT_YEAR]:
            leavers = self.stage_roster(school, stage, max(1, len(current) // 30), next_id)
            for row in leavers:
                age = rng.randint(57, 60)
                row["birth_month"] = f"{CURRENT_YEAR - age}-{rng.randint(1, 12):02d}"
                row["rotation_eligible"] = False
                row["rotated"] = False
            previous += leavers
        return previous


def super_large(rng: random.Random, sizes: list[int]) -> list[int]:
    """Make the first two classes 超大班额 (66+) by moving pupils from the others; the grade total stays."""
    sizes = list(sizes)
    for i in (0, 1):
        moved = max(0, rng.randint(66, 68) - sizes[i])
        sizes[i] += moved
        for j in range(moved):
            sizes[2 + j % (len(sizes) - 2)] -= 1
    return sizes


def build(seed: int = DEFAULT_SEED) -> DemoSummary:
    """Write the demo city. Regions are upserted; the caller makes sure the demo counties hold no schools."""
    builder = Builder(seed)
    builder.plan_schools()
    with transaction.atomic():
        counties = write_regions()
        writers.insert_objects(
            [
                School(
                    code=s.code,
                    name=s.name,
                    county=counties[s.county.code],
                    kind=s.kind,
                    urban_rural_code=s.urban_rural_code,
                    ownership=s.ownership,
                    boarding=s.boarding,
                    urban_quality_reference=s.urban_quality_reference,
                )
                for s in builder.schools
            ]
        )
        school_ids = dict(School.objects.filter(county__in=counties.values()).values_list("code", "pk"))
        rows = {model: [] for model in (SchoolYear, SchoolClass, Funding, Achievement, Teacher)}
        sequence = {profile.code: 0 for profile in COUNTIES}

        for school in builder.schools:
            school_id = school_ids[school.code]

            def next_id(county=school.county.code):
                sequence[county] += 1
                return f"{county}{sequence[county]:05d}"

            current = builder.roster(school, next_id)
            rosters = {CURRENT_YEAR: current, YEARS[0]: builder.previous_roster(school, current, next_id)}
            for year in YEARS:
                classes = builder.classes(school, year)
                rows[SchoolClass] += [SchoolClass(school_id=school_id, year=year, **c) for c in classes]
                full_time = sum(1 for t in rosters[year] if t["full_time"])
                school_year = builder.school_year(school, year, len(classes), full_time)
                rows[SchoolYear].append(SchoolYear(school_id=school_id, year=year, **school_year))
                rows[Funding].append(
                    Funding(
                        school_id=school_id,
                        year=year,
                        **builder.funding(school, year, school_year["boarders"]),
                    )
                )
                rows[Achievement] += [
                    Achievement(school_id=school_id, year=year, **a)
                    for a in builder.achievements(school, classes, year)
                ]
                rows[Teacher] += [
                    Teacher(
                        school_id=school_id,
                        year=year,
                        **{k: v for k, v in t.items() if not k.startswith("_")},
                    )
                    for t in rosters[year]
                ]
        for objects in rows.values():
            writers.insert_objects(objects)
        county_rows, monitoring_rows = county_inputs(builder.rng, counties)
        declaration_rows = declarations(counties)
        for objects in (county_rows, monitoring_rows, declaration_rows):
            writers.insert_objects(objects)
        accounts = write_accounts(counties)
    counts = {"School": len(builder.schools), **{m.__name__: len(o) for m, o in rows.items()}}
    counts.update(
        CountyYear=len(county_rows), Monitoring=len(monitoring_rows), Declaration=len(declaration_rows)
    )
    return DemoSummary(counts=counts, accounts=accounts)


DECLARED_ITEMS = ("G1", "G2", "G10", "E3", "E5", "E6", "E7", "E8")


def declarations(counties: dict) -> list:
    """The qualitative items, declared met (without evidence files) except G10 in the middling county."""
    return [
        Declaration(
            county=counties[profile.code],
            year=year,
            item_code=item,
            met=not (profile is COUNTIES[1] and item == "G10"),
            note="演示数据",
        )
        for profile in COUNTIES
        for year in YEARS
        for item in DECLARED_ITEMS
    ]


def county_inputs(rng: random.Random, counties: dict) -> tuple[list, list]:
    county_rows, monitoring_rows = [], []
    for profile in COUNTIES:
        county = counties[profile.code]
        for year in YEARS:
            drift = 0 if year == CURRENT_YEAR else -1
            values = {}
            for key, value in profile.county_inputs.items():
                if key.endswith("_pay"):
                    values[key] = money(value * (1 + drift * 0.04) + rng.randint(-300, 300))
                elif value >= 100:
                    values[key] = Decimal("100.000")
                else:
                    values[key] = Decimal(f"{value + drift * 0.6 + rng.uniform(-0.2, 0.2):.1f}")
            county_rows.append(CountyYear(county=county, year=year, **values))
            for stage in ("primary", "junior"):
                for subject in MONITORING_SUBJECTS[year]:
                    level = 4 if rng.random() < 0.45 else 3
                    rate = rng.uniform(0.06, 0.14)
                    if profile is COUNTIES[1] and stage == "junior" and subject in ("数学", "科学"):
                        level, rate = 2, rng.uniform(0.15, 0.19)
                    monitoring_rows.append(
                        Monitoring(
                            county=county,
                            year=year,
                            stage=stage,
                            subject=subject,
                            level=level,
                            difference_rate=Decimal(f"{rate:.4f}"),
                        )
                    )
    return county_rows, monitoring_rows


def write_regions() -> dict[str, Region]:
    province, _ = Region.objects.update_or_create(
        code=PROVINCE[0], defaults={"name": PROVINCE[1], "level": RegionLevel.PROVINCE, "parent": None}
    )
    city, _ = Region.objects.update_or_create(
        code=CITY[0], defaults={"name": CITY[1], "level": RegionLevel.CITY, "parent": province}
    )
    counties = {}
    for profile in COUNTIES:
        counties[profile.code], _ = Region.objects.update_or_create(
            code=profile.code, defaults={"name": profile.name, "level": RegionLevel.COUNTY, "parent": city}
        )
    return counties


DEMO_ACCOUNTS = (
    # username, role, region code (None = everywhere), superuser and staff
    ("demo-admin", "admin", None, True),
    ("demo-clerk", "clerk", COUNTIES[0].code, False),
    ("demo-clerk2", "clerk", COUNTIES[1].code, False),
    ("demo-official", "official", CITY[0], False),
)


def write_accounts(counties: dict) -> list[dict]:
    User = get_user_model()
    regions = {**counties, CITY[0]: Region.objects.get(code=CITY[0])}
    accounts = []
    for username, role, region_code, superuser in DEMO_ACCOUNTS:
        user = User.objects.filter(username=username).first() or User(username=username)
        user.role = role
        user.region = regions[region_code] if region_code else None
        user.is_superuser = user.is_staff = superuser
        user.is_active = True
        user.set_password(DEMO_PASSWORD)
        user.save()
        accounts.append(
            {
                "username": username,
                "role": role,
                "region": regions[region_code].name if region_code else "全部",
            }
        )
    return accounts


def existing_accounts() -> list[dict]:
    """The demo accounts already in the database, in the same shape write_accounts returns."""
    users = (
        get_user_model().objects.filter(username__in=[a[0] for a in DEMO_ACCOUNTS]).select_related("region")
    )
    found = {u.username: u for u in users}
    return [
        {
            "username": name,
            "role": found[name].role,
            "region": found[name].region.name if found[name].region else "全部",
        }
        for name, *_rest in DEMO_ACCOUNTS
        if name in found
    ]


def demo_counties_have_data() -> bool:
    return School.objects.filter(county__code__in=[p.code for p in COUNTIES]).exists()


def clear() -> None:
    """Remove the demo counties' schools and county inputs (everything load_demo writes except regions/accounts)."""
    codes = [p.code for p in COUNTIES]
    with transaction.atomic():
        for model in (Teacher, SchoolClass, SchoolYear, Funding, Achievement):
            model.objects.filter(school__county__code__in=codes).delete()
        School.objects.filter(county__code__in=codes).delete()
        CountyYear.objects.filter(county__code__in=codes).delete()
        Monitoring.objects.filter(county__code__in=codes).delete()
        Declaration.objects.filter(county__code__in=codes, note="演示数据").delete()
