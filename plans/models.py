"""Policy plans (规划 / 实施方案): numbered tasks, their projects or measures, programme boxes and quantified targets.

A plan belongs to a region by its code (the built-in plans name regions that may not be loaded in a given
installation). Blank always means "the source does not say" and is shown as 待补充; nothing is invented.
"""

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import Audited, region_code_validator


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("草拟")
    IN_FORCE = "in_force", _("实施中")
    FINISHED = "finished", _("已结束")


class ProjectStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("未启动")
    IN_PROGRESS = "in_progress", _("推进中")
    DONE = "done", _("已完成")


class Comparator(models.TextChoices):
    LTE = "lte", "≤"
    LT = "lt", "<"
    GTE = "gte", "≥"
    GT = "gt", ">"


class TargetStatus(models.TextChoices):
    MET = "met", _("已达成")
    ON_TRACK = "on_track", _("按期推进")
    OFF_TRACK = "off_track", _("偏离目标")
    NO_DATA = "no_data", _("暂无数据")


class Plan(Audited):
    slug = models.SlugField(_("标识"), max_length=60, unique=True)
    title = models.CharField(_("标题"), max_length=200)
    issuer = models.CharField(_("印发机关"), max_length=200, blank=True)
    document_number = models.CharField(_("文号"), max_length=100, blank=True)
    region_code = models.CharField(_("所属行政区代码"), max_length=6, validators=[region_code_validator])
    region_name = models.CharField(_("所属行政区"), max_length=100)
    year = models.PositiveSmallIntegerField(_("印发年份"), null=True, blank=True)
    period = models.CharField(_("规划期"), max_length=40, blank=True)
    source_seed = models.CharField(_("来源文件"), max_length=100, blank=True)
    summary = models.TextField(_("概要"), blank=True)
    structure_note = models.TextField(_("结构说明"), blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.IN_FORCE
    )
    built_in = models.BooleanField(_("内置"), default=False)

    class Meta:
        verbose_name = _("规划")
        verbose_name_plural = _("规划")
        ordering = ["region_code", "-year", "title"]

    def __str__(self) -> str:
        return self.title


class Task(models.Model):
    plan = models.ForeignKey(Plan, verbose_name=_("规划"), on_delete=models.CASCADE, related_name="tasks")
    number = models.PositiveSmallIntegerField(_("序号"))
    title = models.CharField(_("任务"), max_length=200, blank=True)
    description = models.TextField(_("内容"), blank=True)

    class Meta:
        verbose_name = _("任务")
        verbose_name_plural = _("任务")
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="plans_task_unique_number")]

    def __str__(self) -> str:
        return f"{self.number}. {self.title or '待补充'}"


class ProgrammeBox(models.Model):
    """专栏: a boxed programme of a plan, optionally with a declared budget total (万元) over its projects."""

    plan = models.ForeignKey(Plan, verbose_name=_("规划"), on_delete=models.CASCADE, related_name="boxes")
    task = models.ForeignKey(
        Task,
        verbose_name=_("所属任务"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="boxes",
    )
    number = models.PositiveSmallIntegerField(_("专栏号"))
    title = models.CharField(_("专栏"), max_length=200)
    content = models.TextField(_("内容"), blank=True)
    declared_total = models.DecimalField(
        _("申报总额（万元）"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )

    class Meta:
        verbose_name = _("专栏")
        verbose_name_plural = _("专栏")
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="plans_box_unique_number")]

    def __str__(self) -> str:
        return f"专栏{self.number} {self.title}"


class Project(Audited):
    """重点项目 / 举措. A project may name a county (then only that county's clerks change it and only users who see
    that county see it) and may be linked to an indicator result with its shortfall."""

    plan = models.ForeignKey(Plan, verbose_name=_("规划"), on_delete=models.CASCADE, related_name="projects")
    task = models.ForeignKey(
        Task,
        verbose_name=_("所属任务"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
    )
    box = models.ForeignKey(
        ProgrammeBox,
        verbose_name=_("所属专栏"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
    )
    number = models.PositiveSmallIntegerField(_("序号"), null=True, blank=True)
    title = models.CharField(_("项目/举措名称"), max_length=200)
    content_standard = models.TextField(_("内容标准"), blank=True)
    deadline = models.DateField(_("目标时限"), null=True, blank=True)
    deadline_note = models.CharField(_("时限说明"), max_length=100, blank=True)
    responsible_departments = models.CharField(_("责任部门"), max_length=300, blank=True)
    budget = models.DecimalField(
        _("预算（万元）"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    status = models.CharField(
        _("进展状态"), max_length=12, choices=ProjectStatus.choices, default=ProjectStatus.NOT_STARTED
    )
    progress = models.PositiveSmallIntegerField(
        _("完成进度（%）"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    evidence_note = models.TextField(_("佐证材料说明"), blank=True)
    county = models.ForeignKey(
        "core.Region",
        verbose_name=_("实施区县"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plan_projects",
        limit_choices_to={"level": "county"},
    )
    school = models.ForeignKey(
        "schools.School",
        verbose_name=_("学校"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="plan_projects",
    )
    indicator_code = models.CharField(_("关联指标"), max_length=80, blank=True)
    result_year = models.PositiveSmallIntegerField(_("指标学年"), null=True, blank=True)
    shortfall = models.TextField(_("差距（自动填入）"), blank=True)

    class Meta:
        verbose_name = _("重点项目/举措")
        verbose_name_plural = _("重点项目/举措")
        ordering = ["plan", "task__number", "number", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget__isnull=True) | Q(budget__gte=0), name="plans_project_budget_non_negative"
            ),
            models.CheckConstraint(
                condition=Q(progress__isnull=True) | Q(progress__lte=100),
                name="plans_project_progress_max_100",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Target(models.Model):
    """A quantified target bound to an indicator code, evaluated against the latest stored results."""

    plan = models.ForeignKey(Plan, verbose_name=_("规划"), on_delete=models.CASCADE, related_name="targets")
    task = models.ForeignKey(
        Task,
        verbose_name=_("所属任务"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="targets",
    )
    description = models.CharField(_("目标"), max_length=300)
    indicator_code = models.CharField(_("指标代码"), max_length=80, blank=True)
    comparator = models.CharField(_("比较"), max_length=3, choices=Comparator.choices, blank=True)
    value = models.DecimalField(_("目标值"), max_digits=12, decimal_places=4, null=True, blank=True)
    unit = models.CharField(_("单位"), max_length=20, blank=True)
    deadline = models.DateField(_("目标时限"), null=True, blank=True)
    region_code = models.CharField(_("适用行政区代码"), max_length=6, validators=[region_code_validator])
    region_name = models.CharField(_("适用行政区"), max_length=100)
    note = models.TextField(_("说明"), blank=True)
    # The judgement, stored once after every recompute and whenever the target changes (plans.services.targets_judge):
    # every viewer reads these, never a figure of their own.
    status = models.CharField(
        _("状态"), max_length=10, choices=TargetStatus.choices, default=TargetStatus.NO_DATA, editable=False
    )
    judged_value = models.FloatField(_("评估所依据的值"), null=True, blank=True, editable=False)
    judged_year = models.PositiveSmallIntegerField(
        _("评估所依据的学年"), null=True, blank=True, editable=False
    )
    judged_at = models.DateTimeField(_("评估时间"), null=True, blank=True, editable=False)
    rule_version = models.PositiveSmallIntegerField(_("评估规则版本"), default=0, editable=False)
    judgement = models.JSONField(_("评估明细"), default=dict, blank=True, editable=False)

    class Meta:
        verbose_name = _("目标")
        verbose_name_plural = _("目标")
        ordering = ["plan", "deadline", "pk"]

    def __str__(self) -> str:
        return self.description


def evidence_path(instance, filename: str) -> str:
    """Stored names are never the user's: a random name with the extension of the type found in the content."""
    return f"plans/evidence/{uuid.uuid4().hex}.{instance.kind}"


class ProgressReport(models.Model):
    """One report of progress on a project: a date, what was done, the status and percent reached then."""

    project = models.ForeignKey(
        Project, verbose_name=_("重点项目/举措"), on_delete=models.CASCADE, related_name="reports"
    )
    date = models.DateField(_("报告日期"))
    text = models.TextField(_("进展情况"))
    status = models.CharField(_("进展状态"), max_length=12, choices=ProjectStatus.choices)
    progress = models.PositiveSmallIntegerField(_("完成进度（%）"), validators=[MaxValueValidator(100)])
    created_at = models.DateTimeField(_("填报时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("填报人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("进展报告")
        verbose_name_plural = _("进展报告")
        ordering = ["project", "-date", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="plans_report_progress_max_100"),
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.date}"


class Evidence(models.Model):
    """A file attached to a progress report (佐证材料), checked by content, stored under a random name."""

    report = models.ForeignKey(
        ProgressReport, verbose_name=_("进展报告"), on_delete=models.CASCADE, related_name="files"
    )
    file = models.FileField(_("文件"), upload_to=evidence_path, max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=200)
    kind = models.CharField(_("类型"), max_length=10, help_text=_("按文件内容判断的扩展名"))
    size = models.PositiveIntegerField(_("大小（字节）"))

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ["report", "pk"]

    def __str__(self) -> str:
        return self.original_name


class DigestSent(models.Model):
    """The last alert digest mailed to a user: at most one a day, and none when nothing changed since."""

    user = models.OneToOneField(
        "accounts.User", verbose_name=_("用户"), on_delete=models.CASCADE, related_name="plan_digest"
    )
    sent_on = models.DateField(_("发送日期"))
    fingerprint = models.CharField(_("内容摘要"), max_length=64)

    class Meta:
        verbose_name = _("提醒邮件记录")
        verbose_name_plural = _("提醒邮件记录")

    def __str__(self) -> str:
        return f"{self.user_id} {self.sent_on}"
