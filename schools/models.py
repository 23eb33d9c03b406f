"""Regions, schools and every per-school and per-county input of the standard workbook.

Blank (NULL) always means "not reported"; zero is a reported zero. Natural keys are unique in the database and
every count, area and amount is non-negative by a database constraint, so bad data cannot enter by any path.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.choices import RegionLevel
from core.models import Audited, Region

from .choices import (
    ClassStage,
    MonitoringLevel,
    Ownership,
    ReviewState,
    SchoolKind,
    UrbanRuralCode,
)

school_code_validator = RegexValidator(r"^\d{10}$", _("学校标识码应为10位数字"))


def non_negative(model_name: str, *fields: str) -> list[models.CheckConstraint]:
    return [
        models.CheckConstraint(
            condition=Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": 0}),
            name=f"{model_name}_{field}_non_negative",
        )
        for field in fields
    ]


def percentage(model_name: str, *fields: str) -> list[models.CheckConstraint]:
    return [
        models.CheckConstraint(
            condition=Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": 0, f"{field}__lte": 100}),
            name=f"{model_name}_{field}_percentage",
        )
        for field in fields
    ]


def count_field(label):
    return models.PositiveIntegerField(label, null=True, blank=True)


def amount_field(label, digits=16):
    return models.DecimalField(
        label, max_digits=digits, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )


def percent_field(label):
    return models.DecimalField(
        label,
        max_digits=7,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("百分比，0–100"),
    )


class School(Audited):
    code = models.CharField(_("学校标识码"), max_length=10, unique=True, validators=[school_code_validator])
    name = models.CharField(_("学校名称"), max_length=200)
    county = models.ForeignKey(
        Region,
        verbose_name=_("区县"),
        on_delete=models.PROTECT,
        related_name="schools",
        limit_choices_to={"level": RegionLevel.COUNTY},
    )
    kind = models.CharField(_("办学类型"), max_length=20, choices=SchoolKind.choices)
    urban_rural_code = models.CharField(_("城乡分类代码"), max_length=3, choices=UrbanRuralCode.choices)
    ownership = models.CharField(
        _("办学性质"), max_length=10, choices=Ownership.choices, default=Ownership.PUBLIC
    )
    boarding = models.BooleanField(_("是否寄宿制"), default=False)
    urban_quality_reference = models.BooleanField(_("是否城区优质学校"), default=False)

    class Meta:
        verbose_name = _("学校")
        verbose_name_plural = _("学校")
        ordering = ["code"]
        indexes = [models.Index(fields=["county", "kind"])]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class SchoolYear(Audited):
    """One school's facts for one school year (学校学年数据)."""

    school = models.ForeignKey(School, verbose_name=_("学校"), on_delete=models.CASCADE, related_name="years")
    year = models.PositiveSmallIntegerField(
        _("学年"), validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    primary_students = count_field(_("小学在校生数"))
    junior_students = count_field(_("初中在校生数"))
    senior_students = count_field(_("高中在校生数"))
    boarders = count_field(_("寄宿生数"))
    staff = count_field(_("教职工数"))
    teaching_area = amount_field(_("教学及辅助用房面积（m²）"), 12)
    indoor_sports_area = amount_field(_("室内体育用房面积（m²）"), 12)
    sports_ground_area = amount_field(_("运动场地面积（m²）"), 12)
    equipment_value = amount_field(_("教学仪器设备值（元）"))
    multimedia_rooms = count_field(_("网络多媒体教室数"))
    computers = count_field(_("计算机台数"))
    books = count_field(_("图书册数"))
    music_rooms = count_field(_("音乐专用教室数"))
    art_rooms = count_field(_("美术专用教室数"))

    # The reported facts, in workbook order: every reader and writer of a school year uses this list.
    FACT_FIELDS = (
        "primary_students",
        "junior_students",
        "senior_students",
        "boarders",
        "staff",
        "teaching_area",
        "indoor_sports_area",
        "sports_ground_area",
        "equipment_value",
        "multimedia_rooms",
        "computers",
        "books",
        "music_rooms",
        "art_rooms",
    )

    class Meta:
        verbose_name = _("学校学年数据")
        verbose_name_plural = _("学校学年数据")
        ordering = ["school__code", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["school", "year"], name="school_year_unique"),
            *non_negative(
                "schoolyear", "teaching_area", "indoor_sports_area", "sports_ground_area", "equipment_value"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school.code} {self.year}"


class SchoolClass(Audited):
    school = models.ForeignKey(
        School, verbose_name=_("学校"), on_delete=models.CASCADE, related_name="classes"
    )
    year = models.PositiveSmallIntegerField(
        _("学年"), validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    stage = models.CharField(_("学段"), max_length=10, choices=ClassStage.choices)
    grade = models.PositiveSmallIntegerField(
        _("年级"), validators=[MinValueValidator(1), MaxValueValidator(9)]
    )
    name = models.CharField(_("班级名称"), max_length=50)
    students = models.PositiveIntegerField(_("学生数"))

    class Meta:
        verbose_name = _("班级")
        verbose_name_plural = _("班级")
        ordering = ["school__code", "year", "grade", "name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "year", "name"], name="class_unique_name"),
            models.CheckConstraint(condition=Q(grade__gte=1, grade__lte=9), name="class_grade_1_9"),
        ]
        indexes = [models.Index(fields=["year", "school"])]

    def __str__(self) -> str:
        return f"{self.school.code} {self.year} {self.name}"


class Funding(Audited):
    school = models.ForeignKey(
        School, verbose_name=_("学校"), on_delete=models.CASCADE, related_name="funding"
    )
    year = models.PositiveSmallIntegerField(
        _("学年"), validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    public_funds = amount_field(_("公用经费拨款（元）"))
    public_budget = amount_field(_("公用经费预算总额（元）"))
    training_funds = amount_field(_("教师培训经费（元）"))

    class Meta:
        verbose_name = _("经费")
        verbose_name_plural = _("经费")
        ordering = ["school__code", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["school", "year"], name="funding_unique"),
            *non_negative("funding", "public_funds", "public_budget", "training_funds"),
        ]

    def __str__(self) -> str:
        return f"{self.school.code} {self.year}"


class Achievement(Audited):
    """Per-school mean score of one subject (学业质量)."""

    school = models.ForeignKey(
        School, verbose_name=_("学校"), on_delete=models.CASCADE, related_name="achievements"
    )
    year = models.PositiveSmallIntegerField(
        _("学年"), validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    stage = models.CharField(_("学段"), max_length=10, choices=ClassStage.choices)
    subject = models.CharField(_("学科"), max_length=20)
    tested = models.PositiveIntegerField(_("参测学生数"))
    mean_score = models.DecimalField(
        _("平均分"), max_digits=7, decimal_places=3, validators=[MinValueValidator(0)]
    )

    class Meta:
        verbose_name = _("学业质量")
        verbose_name_plural = _("学业质量")
        ordering = ["school__code", "-year", "stage", "subject"]
        constraints = [
            models.UniqueConstraint(fields=["school", "year", "stage", "subject"], name="achievement_unique"),
            *non_negative("achievement", "mean_score"),
        ]

    def __str__(self) -> str:
        return f"{self.school.code} {self.year} {self.subject}"


class CountyYear(Audited):
    """County-level inputs for one year (区县学年数据). Percentages are stored as 0–100."""

    county = models.ForeignKey(
        Region,
        verbose_name=_("区县"),
        on_delete=models.CASCADE,
        related_name="county_years",
        limit_choices_to={"level": RegionLevel.COUNTY},
    )
    year = models.PositiveSmallIntegerField(
        _("学年"), validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    teacher_pay = amount_field(_("教师年平均工资（元）"))
    civil_servant_pay = amount_field(_("公务员年平均工资（元）"))
    junior_retention = percent_field(_("初中三年巩固率（%）"))
    disabled_enrolment = percent_field(_("残疾儿童少年入学率（%）"))
    urban_nearby = percent_field(_("城区就近入学比例（%）"))
    town_nearby = percent_field(_("镇区就近入学比例（%）"))
    quota_allocation = percent_field(_("优质高中名额分配比例（%）"))
    migrant_public = percent_field(_("随迁子女公办就读比例（%）"))
    recognition = percent_field(_("社会认可度（%）"))

    PERCENT_FIELDS = (
        "junior_retention",
        "disabled_enrolment",
        "urban_nearby",
        "town_nearby",
        "quota_allocation",
        "migrant_public",
        "recognition",
    )

    class Meta:
        verbose_name = _("区县学年数据")
        verbose_name_plural = _("区县学年数据")
        ordering = ["county__code", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["county", "year"], name="county_year_unique"),
            *non_negative("countyyear", "teacher_pay", "civil_servant_pay"),
            *percentage(
                "countyyear",
                "junior_retention",
                "disabled_enrolment",
                "urban_nearby",
                "town_nearby",
                "quota_allocation",
                "migrant_public",
                "recognition",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.county.code} {self.year}"


class Monitoring(Audited):
    """National quality monitoring result for a county, stage and subject (质量监测)."""

    county = models.ForeignKey(
        Region,
        verbose_name=_("区县"),
        on_delete=models.CASCADE,
        related_name="monitoring",
        limit_choices_to={"level": RegionLevel.COUNTY},
    )
    year = models.PositiveSmallIntegerField(
        _("学年"), validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    stage = models.CharField(_("学段"), max_length=10, choices=ClassStage.choices)
    subject = models.CharField(_("学科"), max_length=20)
    level = models.PositiveSmallIntegerField(_("等级"), choices=MonitoringLevel.choices)
    difference_rate = models.DecimalField(
        _("校际差异率"), max_digits=6, decimal_places=4, validators=[MinValueValidator(0)]
    )

    class Meta:
        verbose_name = _("质量监测结果")
        verbose_name_plural = _("质量监测结果")
        ordering = ["county__code", "-year", "stage", "subject"]
        constraints = [
            models.UniqueConstraint(fields=["county", "year", "stage", "subject"], name="monitoring_unique"),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=4), name="monitoring_level_1_4"),
            *non_negative("monitoring", "difference_rate"),
        ]

    def __str__(self) -> str:
        return f"{self.county.code} {self.year} {self.subject}"


class Declaration(Audited):
    """A qualitative item (G1, G2, G10, E3, E5–E8) declared by the county with evidence (佐证材料)."""

    county = models.ForeignKey(
        Region,
        verbose_name=_("区县"),
        on_delete=models.CASCADE,
        related_name="declarations",
        limit_choices_to={"level": RegionLevel.COUNTY},
    )
    year = models.PositiveSmallIntegerField(
        _("学年"), validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    item_code = models.CharField(_("指标代码"), max_length=10)
    met = models.BooleanField(_("已达到"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)
    evidence = models.FileField(_("佐证材料"), upload_to="evidence/%Y/", blank=True)
    # the city official's review (blank: not reviewed since the last declaration)
    review_state = models.CharField(_("审核结果"), max_length=20, choices=ReviewState.choices, blank=True)
    review_comment = models.TextField(_("审核意见"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("定性指标申报")
        verbose_name_plural = _("定性指标申报")
        ordering = ["county__code", "-year", "item_code"]
        constraints = [
            models.UniqueConstraint(fields=["county", "year", "item_code"], name="declaration_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.county.code} {self.year} {self.item_code}"
