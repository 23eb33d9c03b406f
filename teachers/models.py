"""The yearly teacher roster (教师). A teacher's name is personal data: it never leaves the database in logs,
URLs or error pages, so `__str__` shows the teacher number only."""

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import Audited
from schools.choices import BackboneLevel, Degree, Gender, Stage, Title
from schools.models import School


class Teacher(Audited):
    school = models.ForeignKey(
        School, verbose_name=_("学校"), on_delete=models.CASCADE, related_name="teachers"
    )
    year = models.PositiveSmallIntegerField(
        _("学年"), validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    teacher_id = models.CharField(_("教师编号"), max_length=40)
    name = models.CharField(_("姓名"), max_length=50, blank=True)
    gender = models.CharField(_("性别"), max_length=10, choices=Gender.choices, blank=True)
    birth_month = models.CharField(
        _("出生年月"),
        max_length=7,
        blank=True,
        validators=[
            RegexValidator(r"^(19|20)\d{2}-(0[1-9]|1[0-2])$", _("出生年月应写作 YYYY-MM，例如 1985-09"))
        ],
    )
    stage = models.CharField(_("任教学段"), max_length=10, choices=Stage.choices)
    full_time = models.BooleanField(_("是否专任教师"), default=True)
    degree = models.CharField(_("最高学历"), max_length=20, choices=Degree.choices)
    subject = models.CharField(_("任教学科"), max_length=20, blank=True)
    backbone_level = models.CharField(
        _("骨干教师级别"), max_length=10, choices=BackboneLevel.choices, default=BackboneLevel.NONE
    )
    title = models.CharField(_("专业技术职务"), max_length=20, choices=Title.choices, blank=True)
    certified = models.BooleanField(_("是否持有教师资格证"), null=True, blank=True)
    training_hours = models.PositiveIntegerField(_("五年累计培训学时"), null=True, blank=True)
    rotation_eligible = models.BooleanField(_("是否符合交流条件"), null=True, blank=True)
    rotated = models.BooleanField(_("本学年是否交流轮岗"), null=True, blank=True)

    # One teacher's reported attributes, in workbook order: writers and serializers of the roster use this list.
    ROSTER_FIELDS = (
        "teacher_id",
        "name",
        "gender",
        "birth_month",
        "stage",
        "full_time",
        "degree",
        "subject",
        "backbone_level",
        "title",
        "certified",
        "training_hours",
        "rotation_eligible",
        "rotated",
    )

    class Meta:
        verbose_name = _("教师")
        verbose_name_plural = _("教师")
        ordering = ["school__code", "teacher_id"]
        constraints = [
            # The workbook fixes the teacher number as unique within a year.
            models.UniqueConstraint(fields=["year", "teacher_id"], name="teacher_unique_per_year"),
        ]
        indexes = [models.Index(fields=["year", "school", "stage"])]

    def __str__(self) -> str:
        return self.teacher_id
