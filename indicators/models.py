"""Rule sets (versioned settings) and the stored results of the last recompute of each county and year.

Results are written only by `storage.store` (delete + insert in one transaction) and read only by
`selectors`; nothing here is recomputed on read.
"""

from django.conf import settings
from django.db import models
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, NullIf
from django.utils.translation import gettext_lazy as _

from .jsonenc import FastJSONEncoder


def _from_report(path: str, output_field: models.Field) -> models.GeneratedField:
    """A typed copy of one value of the stored report, kept by the database itself (a stored generated column):
    it is filled on every write of the row, by the engine or anyone else, and can never disagree with the report.
    Null when the report has no such value or null (SQLite gives a JSON null as the text 'null')."""
    return models.GeneratedField(
        expression=Cast(NullIf(KT(f"report__{path}"), models.Value("null")), output_field),
        output_field=output_field,
        db_persist=True,
    )


def _flag_from_report(path: str, verbose_name) -> models.GeneratedField:
    """A typed copy of one true/false of the stored report, matched rather than cast (a JSON true reads 'true' in
    PostgreSQL and 1 in SQLite). Null when missing or null."""
    return models.GeneratedField(
        expression=models.Case(
            models.When(models.Q(**{f"report__{path}": True}), then=models.Value(True)),
            models.When(models.Q(**{f"report__{path}": False}), then=models.Value(False)),
            default=models.Value(None),
            output_field=models.BooleanField(null=True),
        ),
        output_field=models.BooleanField(verbose_name, null=True),
        db_persist=True,
    )


class RuleSet(models.Model):
    """One version of a standard's settings. Versions are never edited in place: a revision adds a row."""

    code = models.CharField(_("规则代码"), max_length=30)
    version = models.PositiveIntegerField(_("版本"))
    name = models.CharField(_("名称"), max_length=100, blank=True)
    params = models.JSONField(_("参数"), default=dict)
    note = models.TextField(_("修订说明"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = _("评估规则")
        verbose_name_plural = _("评估规则")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="ruleset_code_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"


class RecomputeRun(models.Model):
    class Trigger(models.TextChoices):
        USER = "user", _("用户")
        EDIT = "edit", _("数据修改")
        IMPORT = "import", _("导入")
        BEAT = "beat", _("定时任务")
        COMMAND = "command", _("命令")

    class Status(models.TextChoices):
        QUEUED = "queued", _("等待中")
        RUNNING = "running", _("进行中")
        DONE = "done", _("已完成")
        PARTIAL = "partial", _("部分失败")
        FAILED = "failed", _("失败")

    trigger = models.CharField(_("触发方式"), max_length=10, choices=Trigger.choices, default=Trigger.EDIT)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField(_("学年"), null=True, blank=True)
    started_at = models.DateTimeField(_("开始时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.RUNNING)
    counties = models.JSONField(_("各区县状态"), default=dict, blank=True)
    error = models.TextField(_("错误"), blank=True)
    # The lifecycle (indicators.runs): queued → handed to the broker (dispatched_at; None while the broker is
    # unreachable, so the sweeper sends it later) → running (heartbeat_at: the last sign of a worker's life) →
    # done / partial / failed. A running run whose heartbeat is stale is resumed (resumes counts it) or failed.
    dispatched_at = models.DateTimeField(_("派发时间"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("最近进展"), null=True, blank=True)
    resumes = models.PositiveSmallIntegerField(_("续算次数"), default=0)

    class Meta:
        verbose_name = _("重算记录")
        verbose_name_plural = _("重算记录")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_trigger_display()} {self.get_status_display()}"


class CountyResult(models.Model):
    """The full report of one county and year, with its verdict in typed columns for listing and ranking."""

    class Verdict(models.TextChoices):
        PASS = "pass", _("达标")
        FAIL = "fail", _("未达标")
        INCOMPLETE = "incomplete", _("数据不全")

    county = models.ForeignKey(
        "core.Region", verbose_name=_("区县"), on_delete=models.CASCADE, related_name="indicator_results"
    )
    year = models.PositiveSmallIntegerField(_("学年"))
    rule_set = models.ForeignKey(
        RuleSet, verbose_name=_("优质均衡规则"), on_delete=models.PROTECT, related_name="+"
    )
    basic_rule_set = models.ForeignKey(
        RuleSet, verbose_name=_("基本均衡规则"), on_delete=models.PROTECT, related_name="+"
    )
    run = models.ForeignKey(
        RecomputeRun,
        verbose_name=_("重算记录"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    computed_at = models.DateTimeField(_("计算时间"))
    report = models.JSONField(_("报告"), encoder=FastJSONEncoder)
    resource = models.CharField(_("资源配置"), max_length=10, choices=Verdict.choices)
    government = models.CharField(_("政府保障程度"), max_length=10, choices=Verdict.choices)
    quality = models.CharField(_("教育质量"), max_length=10, choices=Verdict.choices)
    recognition = models.CharField(_("社会认可度"), max_length=10, choices=Verdict.choices)
    pass_2017 = models.BooleanField(_("优质均衡达标"), null=True)
    pass_2012 = models.BooleanField(_("基本均衡达标"), null=True)
    composite_cv_primary = models.FloatField(_("小学综合差异系数"), null=True)
    composite_cv_junior = models.FloatField(_("初中综合差异系数"), null=True)
    basic_composite_cv_primary = models.FloatField(_("小学综合差异系数（2012）"), null=True)
    basic_composite_cv_junior = models.FloatField(_("初中综合差异系数（2012）"), null=True)
    degree_ratio = models.FloatField(_("城乡本科学历比"), null=True)
    large_classes = models.PositiveIntegerField(_("大班额数"), default=0)
    super_large_classes = models.PositiveIntegerField(_("超大班额数"), default=0)
    large_classes_primary = _from_report(
        "class_size__primary__large", models.IntegerField(_("小学大班额数"), null=True)
    )
    large_classes_junior = _from_report(
        "class_size__junior__large", models.IntegerField(_("初中大班额数"), null=True)
    )
    super_large_classes_primary = _from_report(
        "class_size__primary__super_large", models.IntegerField(_("小学超大班额数"), null=True)
    )
    super_large_classes_junior = _from_report(
        "class_size__junior__super_large", models.IntegerField(_("初中超大班额数"), null=True)
    )
    # the S1 figure; `recognition` above is the verdict of the social-recognition part
    recognition_s1 = _from_report(
        "quality_2017__recognition__S1__value", models.FloatField(_("社会认可度（S1）"), null=True)
    )
    # what overviews and the home page read for many counties at once: typed here so the database never has to
    # unpack the whole report (250 kB of JSON) for each value
    classes_primary = _from_report(
        "class_size__primary__classes", models.IntegerField(_("小学班级数"), null=True)
    )
    classes_junior = _from_report(
        "class_size__junior__classes", models.IntegerField(_("初中班级数"), null=True)
    )
    students_primary = _from_report(
        "class_size__primary__students", models.IntegerField(_("小学学生数"), null=True)
    )
    students_junior = _from_report(
        "class_size__junior__students", models.IntegerField(_("初中学生数"), null=True)
    )
    teachers_primary = _from_report(
        "staffing__primary__full_time_teachers", models.IntegerField(_("小学专任教师数"), null=True)
    )
    teachers_junior = _from_report(
        "staffing__junior__full_time_teachers", models.IntegerField(_("初中专任教师数"), null=True)
    )
    degree_ratio_target = _from_report(
        "urban_rural_degree_ratio__target", models.FloatField(_("城乡本科学历比目标"), null=True)
    )
    degree_ratio_pass = _flag_from_report("urban_rural_degree_ratio__pass", _("城乡本科学历比达标"))
    basic_limit_primary = _from_report(
        "basic_2012__primary__limit", models.FloatField(_("小学综合差异系数上限（2012）"), null=True)
    )
    basic_limit_junior = _from_report(
        "basic_2012__junior__limit", models.FloatField(_("初中综合差异系数上限（2012）"), null=True)
    )
    basic_pass_primary = _flag_from_report("basic_2012__primary__pass", _("小学基本均衡达标（2012）"))
    basic_pass_junior = _flag_from_report("basic_2012__junior__pass", _("初中基本均衡达标（2012）"))

    class Meta:
        verbose_name = _("区县评估结果")
        verbose_name_plural = _("区县评估结果")
        ordering = ["county__code", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["county", "year"], name="countyresult_county_year_unique")
        ]

    def __str__(self) -> str:
        return f"{self.county_id} {self.year}"


class IndicatorResult(models.Model):
    """County mean and CV of one indicator, stage and standard."""

    # no index of its own: the unique constraint below starts with result
    result = models.ForeignKey(
        CountyResult, on_delete=models.CASCADE, related_name="indicators", db_index=False
    )
    standard = models.CharField(_("标准"), max_length=20)
    stage = models.CharField(_("学段"), max_length=10)
    code = models.CharField(_("指标"), max_length=5)
    units = models.PositiveIntegerField(_("计算单位数"))
    mean = models.FloatField(_("均值"), null=True)
    cv = models.FloatField(_("差异系数"), null=True)
    threshold = models.FloatField(_("标准值"), null=True)
    cv_limit = models.FloatField(_("差异系数上限"), null=True)
    cv_pass = models.BooleanField(_("差异系数达标"), null=True)

    class Meta:
        verbose_name = _("指标结果")
        verbose_name_plural = _("指标结果")
        ordering = ["result", "standard", "stage", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["result", "standard", "stage", "code"], name="indicatorresult_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.standard} {self.stage} {self.code}"


class UnitResult(models.Model):
    """One school-stage unit's values of one standard, with the school verdict (2017) and shortfalls."""

    # no index of its own: the unique constraint below starts with result
    result = models.ForeignKey(CountyResult, on_delete=models.CASCADE, related_name="units", db_index=False)
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    standard = models.CharField(_("标准"), max_length=20)
    stage = models.CharField(_("学段"), max_length=10)
    students = models.PositiveIntegerField(_("在校生数"))
    values = models.JSONField(_("指标值"), encoder=FastJSONEncoder)
    met = models.PositiveSmallIntegerField(_("达标项数"), null=True)
    passed = models.BooleanField(_("学校达标"), null=True)
    shortfalls = models.JSONField(_("差距"), default=dict, encoder=FastJSONEncoder)

    class Meta:
        verbose_name = _("学校指标结果")
        verbose_name_plural = _("学校指标结果")
        ordering = ["result", "standard", "stage", "school"]
        constraints = [
            models.UniqueConstraint(
                fields=["result", "school", "standard", "stage"], name="unitresult_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.standard} {self.stage} {self.school_id}"


class RegionRollup(models.Model):
    """City / province roll-up of the latest county results of a year: share passing 2017, rankings."""

    region = models.ForeignKey("core.Region", on_delete=models.CASCADE, related_name="indicator_rollups")
    year = models.PositiveSmallIntegerField(_("学年"))
    computed_at = models.DateTimeField(_("计算时间"))
    counties = models.PositiveIntegerField(_("区县数"))
    counties_with_results = models.PositiveIntegerField(_("有结果的区县数"))
    counties_passing = models.PositiveIntegerField(_("优质均衡达标区县数"))
    share_passing = models.FloatField(_("达标比例"), null=True)
    ranking = models.JSONField(_("排名"), default=list)

    class Meta:
        verbose_name = _("区域汇总")
        verbose_name_plural = _("区域汇总")
        ordering = ["region__code", "-year"]
        constraints = [models.UniqueConstraint(fields=["region", "year"], name="regionrollup_unique")]

    def __str__(self) -> str:
        return f"{self.region_id} {self.year}"
