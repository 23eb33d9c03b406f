"""The standard data workbook (标准数据模板) as data: sheets, columns and kinds.

One source of truth for the importer, the exporter and the empty template; it mirrors spec/workbook.md. Each
sheet's natural key is its model's (`natural_key_fields()`, declared once as the model's unique constraint), in
column keys.
"""

from dataclasses import dataclass, field

from core.choices import RegionLevel
from core.models import Region
from schools.choices import (
    BackboneLevel,
    ClassStage,
    Degree,
    Gender,
    Ownership,
    SchoolKind,
    Stage,
    Title,
    UrbanRuralCode,
)
from schools.models import Achievement, CountyYear, Funding, Monitoring, School, SchoolClass, SchoolYear
from teachers.models import Teacher

# The column that names a related row by its code, per foreign key of a model's natural key.
REFERENCE_COLUMNS = {"school": "school_code", "county": "county_code", "parent": "parent_code"}


def natural_key_of(model) -> tuple[str, ...]:
    """A sheet's natural key, in column keys: the model's (core.models.Audited.natural_key_fields)."""
    return tuple(REFERENCE_COLUMNS.get(name, name) for name in model.natural_key_fields())


def _labels(choices) -> dict[str, str]:
    """Chinese label → stored value (labels of UrbanRuralCode carry a description after the code)."""
    return {str(label): value for value, label in choices.choices}


URBAN_RURAL = {value: value for value in UrbanRuralCode.values}
REGION_LEVELS = {"省": RegionLevel.PROVINCE, "市": RegionLevel.CITY, "县": RegionLevel.COUNTY}
REGION_LEVELS.update({"区": RegionLevel.COUNTY, "区县": RegionLevel.COUNTY, "县区": RegionLevel.COUNTY})
MONITORING_LEVELS = {
    "Ⅰ": 1,
    "Ⅱ": 2,
    "Ⅲ": 3,
    "Ⅳ": 4,
    "I": 1,
    "II": 2,
    "III": 3,
    "IV": 4,
    "1": 1,
    "2": 2,
    "3": 3,
    "4": 4,
}


@dataclass(frozen=True)
class Column:
    zh: str
    key: str
    kind: str  # text, code10, code6, year, count, amount, percent, decimal, bool, enum, month, level, grade
    required: bool = False
    choices: dict | None = None  # Chinese label → stored value (enum kinds)
    default: object = None  # value stored when the cell is blank
    max_length: int | None = None
    display: dict | None = (
        None  # stored value → Chinese label for export (defaults to the reverse of choices)
    )

    @property
    def labels(self) -> dict:
        if self.display is not None:
            return self.display
        reverse: dict = {}
        for label, value in (self.choices or {}).items():
            reverse.setdefault(value, label)
        return reverse


@dataclass(frozen=True)
class Sheet:
    key: str
    zh: str
    columns: tuple[Column, ...]
    natural_key: tuple[str, ...]
    # Sheets with several rows per school (or county) and year: a later file replaces that year's rows.
    replaces: bool = False
    notes: str = ""
    by_key: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self):
        self.by_key.update({c.key: c for c in self.columns})

    def column(self, key: str) -> Column:
        return self.by_key[key]


YEAR = Column("学年", "year", "year", required=True)
SCHOOL_CODE = Column("学校标识码", "school_code", "code10", required=True)
COUNTY_CODE = Column("区县代码", "county_code", "code6", required=True)
CLASS_STAGE = Column("学段", "stage", "enum", required=True, choices=_labels(ClassStage))
BOOL = {"是": True, "否": False}

SHEETS: tuple[Sheet, ...] = (
    Sheet(
        "regions",
        "区县",
        (
            Column("行政区划代码", "code", "code6", required=True),
            Column("名称", "name", "text", required=True, max_length=100),
            Column("上级代码", "parent_code", "code6"),
            Column(
                "层级",
                "level",
                "enum",
                required=True,
                choices=REGION_LEVELS,
                display={v: k for k, v in list(REGION_LEVELS.items())[:3]},
            ),
        ),
        natural_key_of(Region),
        notes="已有的行政区可不填此表",
    ),
    Sheet(
        "schools",
        "学校",
        (
            Column("学校标识码", "code", "code10", required=True),
            Column("学校名称", "name", "text", required=True, max_length=200),
            COUNTY_CODE,
            Column("办学类型", "kind", "enum", required=True, choices=_labels(SchoolKind)),
            Column("城乡分类代码", "urban_rural_code", "enum", required=True, choices=URBAN_RURAL),
            Column("办学性质", "ownership", "enum", choices=_labels(Ownership), default=Ownership.PUBLIC),
            Column("是否寄宿制", "boarding", "bool", default=False),
            Column("是否城区优质学校", "urban_quality_reference", "bool", default=False),
        ),
        natural_key_of(School),
    ),
    Sheet(
        "school_years",
        "学校学年数据",
        (
            YEAR,
            SCHOOL_CODE,
            Column("小学在校生数", "primary_students", "count"),
            Column("初中在校生数", "junior_students", "count"),
            Column("高中在校生数", "senior_students", "count"),
            Column("寄宿生数", "boarders", "count"),
            Column("教职工数", "staff", "count"),
            Column("教学及辅助用房面积", "teaching_area", "amount"),
            Column("室内体育用房面积", "indoor_sports_area", "amount"),
            Column("运动场地面积", "sports_ground_area", "amount"),
            Column("教学仪器设备值", "equipment_value", "amount"),
            Column("网络多媒体教室数", "multimedia_rooms", "count"),
            Column("计算机台数", "computers", "count"),
            Column("图书册数", "books", "count"),
            Column("音乐专用教室数", "music_rooms", "count"),
            Column("美术专用教室数", "art_rooms", "count"),
        ),
        natural_key_of(SchoolYear),
    ),
    Sheet(
        "classes",
        "班级",
        (
            YEAR,
            SCHOOL_CODE,
            CLASS_STAGE,
            Column("年级", "grade", "grade", required=True),
            Column("班级名称", "name", "text", required=True, max_length=50),
            Column("学生数", "students", "count", required=True),
        ),
        natural_key_of(SchoolClass),
        replaces=True,
    ),
    Sheet(
        "teachers",
        "教师",
        (
            YEAR,
            SCHOOL_CODE,
            Column("教师编号", "teacher_id", "text", required=True, max_length=40),
            Column("姓名", "name", "text", max_length=50, default=""),
            Column("性别", "gender", "enum", choices=_labels(Gender), default=""),
            Column("出生年月", "birth_month", "month", default=""),
            Column("任教学段", "stage", "enum", required=True, choices=_labels(Stage)),
            Column("是否专任教师", "full_time", "bool", default=True),
            Column("最高学历", "degree", "enum", required=True, choices=_labels(Degree)),
            Column("任教学科", "subject", "text", max_length=20, default=""),
            Column(
                "骨干教师级别",
                "backbone_level",
                "enum",
                choices=_labels(BackboneLevel),
                default=BackboneLevel.NONE,
            ),
            Column("专业技术职务", "title", "enum", choices=_labels(Title), default=""),
            Column("是否持有教师资格证", "certified", "bool"),
            Column("五年累计培训学时", "training_hours", "count"),
            Column("是否符合交流条件", "rotation_eligible", "bool"),
            Column("本学年是否交流轮岗", "rotated", "bool"),
        ),
        natural_key_of(Teacher),
        replaces=True,
    ),
    Sheet(
        "funding",
        "经费",
        (
            YEAR,
            SCHOOL_CODE,
            Column("公用经费拨款", "public_funds", "amount"),
            Column("公用经费预算总额", "public_budget", "amount"),
            Column("教师培训经费", "training_funds", "amount"),
        ),
        natural_key_of(Funding),
    ),
    Sheet(
        "achievement",
        "学业质量",
        (
            YEAR,
            SCHOOL_CODE,
            CLASS_STAGE,
            Column("学科", "subject", "text", required=True, max_length=20),
            Column("参测学生数", "tested", "count", required=True),
            Column("平均分", "mean_score", "decimal", required=True),
        ),
        natural_key_of(Achievement),
        replaces=True,
    ),
    Sheet(
        "county_years",
        "区县学年数据",
        (
            YEAR,
            COUNTY_CODE,
            Column("教师年平均工资", "teacher_pay", "amount"),
            Column("公务员年平均工资", "civil_servant_pay", "amount"),
            Column("初中三年巩固率", "junior_retention", "percent"),
            Column("残疾儿童少年入学率", "disabled_enrolment", "percent"),
            Column("城区就近入学比例", "urban_nearby", "percent"),
            Column("镇区就近入学比例", "town_nearby", "percent"),
            Column("优质高中名额分配比例", "quota_allocation", "percent"),
            Column("随迁子女公办就读比例", "migrant_public", "percent"),
            Column("社会认可度", "recognition", "percent"),
        ),
        natural_key_of(CountyYear),
    ),
    Sheet(
        "monitoring",
        "质量监测",
        (
            YEAR,
            COUNTY_CODE,
            CLASS_STAGE,
            Column("学科", "subject", "text", required=True, max_length=20),
            Column(
                "等级",
                "level",
                "level",
                required=True,
                choices=MONITORING_LEVELS,
                display={1: "Ⅰ", 2: "Ⅱ", 3: "Ⅲ", 4: "Ⅳ"},
            ),
            Column("校际差异率", "difference_rate", "decimal", required=True),
        ),
        natural_key_of(Monitoring),
        replaces=True,
    ),
)

SHEETS_BY_KEY = {s.key: s for s in SHEETS}
SHEET_NAMES = {**{s.zh: s for s in SHEETS}, **{s.key: s for s in SHEETS}}
# Sheets the importer ignores in a workbook (the template's instructions).
IGNORED_SHEETS = {"填表说明", "说明", "instructions"}
# Decimal places of decimal kinds (as in the model fields).
DECIMAL_PLACES = {"amount": 2, "percent": 3, "decimal": 3}
