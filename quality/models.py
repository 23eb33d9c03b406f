"""Validation rules as data, and what they found per county-year.

A `ValidationRule` is a row an administrator edits in the portal: a kind (what the rule checks, code in
`quality/kinds.py`), a Chinese name, a severity, parameters (thresholds) and an enabled flag. A `CheckRun` holds
the latest check of one county-year; its `Violation` rows are the records that broke an enabled rule then (they
are the county-year's "open" violations until the next run replaces them).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.choices import RegionLevel
from core.models import Audited, Region


class Severity(models.TextChoices):
    WARNING = "warning", pgettext_lazy("severity", "警告")
    ERROR = "error", pgettext_lazy("severity", "错误")


class ValidationRule(Audited):
    code = models.SlugField(_("规则代码"), max_length=50, unique=True)
    name = models.CharField(_("规则名称"), max_length=100)
    kind = models.CharField(_("检查类型"), max_length=40)
    severity = models.CharField(
        _("严重程度"), max_length=10, choices=Severity.choices, default=Severity.WARNING
    )
    params = models.JSONField(_("参数"), default=dict, blank=True)
    enabled = models.BooleanField(_("启用"), default=True)
    description = models.TextField(_("说明"), blank=True)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("校验规则")
        verbose_name_plural = _("校验规则")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name


class CheckRun(models.Model):
    """The latest check of one county-year (replaced, never appended: the check is idempotent)."""

    class Status(models.TextChoices):
        RUNNING = "running", _("检查中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    county = models.ForeignKey(
        Region,
        verbose_name=_("区县"),
        on_delete=models.CASCADE,
        related_name="quality_runs",
        limit_choices_to={"level": RegionLevel.COUNTY},
    )
    year = models.PositiveSmallIntegerField(_("学年"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.RUNNING)
    trigger = models.CharField(_("触发方式"), max_length=20, blank=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    errors = models.PositiveIntegerField(_("错误数"), default=0)
    warnings = models.PositiveIntegerField(_("警告数"), default=0)
    # Rules that could not run (their code and the reason), so a bad parameter never hides the other rules.
    failures = models.JSONField(_("未能执行的规则"), default=list, blank=True)

    class Meta:
        verbose_name = _("数据质量检查")
        verbose_name_plural = _("数据质量检查")
        ordering = ["county__code", "-year"]
        constraints = [models.UniqueConstraint(fields=["county", "year"], name="quality_checkrun_unique")]

    def __str__(self) -> str:
        return f"{self.county_id} {self.year}"


class Violation(models.Model):
    """One record that broke one rule. The sentence is written when shown (in the reader's language) from `kind`
    and `values`; `label` names the record (a school's name and code, a class's name; never a teacher's name)."""

    run = models.ForeignKey(CheckRun, on_delete=models.CASCADE, related_name="violations")
    rule = models.ForeignKey(ValidationRule, on_delete=models.CASCADE, related_name="violations")
    severity = models.CharField(_("严重程度"), max_length=10, choices=Severity.choices)
    school = models.ForeignKey(
        "schools.School", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    model = models.CharField(_("记录类型"), max_length=20)
    object_id = models.BigIntegerField(_("记录"), null=True, blank=True)
    field = models.CharField(_("字段"), max_length=40, blank=True)
    label = models.CharField(_("记录"), max_length=250)
    values = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("规则违反")
        verbose_name_plural = _("规则违反")
        ordering = ["run", "rule__position", "label"]
        indexes = [models.Index(fields=["run", "rule"])]

    def __str__(self) -> str:
        return f"{self.rule_id}: {self.label}"
