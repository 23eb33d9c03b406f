"""What the remedy planner keeps: what-if scenarios (only their changes, never a copy of the data) and the planner
runs (the cheapest way to pass, teacher rotation) with their progress and result.

Neither touches the county's real data or its stored results: a scenario's report is computed on request from
the real inputs with its changes laid over them (`selectors.scenario_outcome`); a run reads the inputs and keeps
its plan here until someone applies it as a scenario.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import Audited


class Scenario(Audited):
    """A named what-if over one county-year, shared by everyone who sees the county. `changes` holds the
    `remedies.changes` kinds as their JSON dicts, in the order they apply."""

    county = models.ForeignKey(
        "core.Region",
        verbose_name=_("区县"),
        on_delete=models.CASCADE,
        related_name="scenarios",
        limit_choices_to={"level": "county"},
    )
    year = models.PositiveSmallIntegerField(_("学年"))
    name = models.CharField(_("方案名称"), max_length=100)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    changes = models.JSONField(_("修改"), default=list, blank=True)
    source_run = models.ForeignKey(
        "remedies.RemedyRun",
        verbose_name=_("来源测算"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="scenarios",
    )

    class Meta:
        verbose_name = _("模拟方案")
        verbose_name_plural = _("模拟方案")
        ordering = ["-updated_at", "-pk"]
        indexes = [models.Index(fields=["county", "year"])]

    def __str__(self) -> str:
        return self.name


class RemedyRun(models.Model):
    """One request to a planner: queued on commit, run by a Celery task (which takes only this row's id),
    progress and the best plan so far written as it goes, the verified result at the end."""

    class Kind(models.TextChoices):
        CHEAPEST = "cheapest", _("达标最低成本测算")
        ROTATION = "rotation", _("教师交流轮岗方案")

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("计算中")
        DONE = "done", _("已完成")
        INFEASIBLE = "infeasible", _("无可行方案")
        FAILED = "failed", _("失败")

    FINISHED = (Status.DONE, Status.INFEASIBLE, Status.FAILED)

    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    county = models.ForeignKey(
        "core.Region", verbose_name=_("区县"), on_delete=models.CASCADE, related_name="remedy_runs"
    )
    year = models.PositiveSmallIntegerField(_("学年"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    time_limit_s = models.PositiveSmallIntegerField(_("时限（秒）"), default=60)
    # what was asked beyond the rule set: a cost cap, the school targets of a rotation, distances between schools
    options = models.JSONField(_("测算选项"), default=dict, blank=True)
    rule_set = models.ForeignKey(
        "indicators.RuleSet",
        verbose_name=_("规则版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    progress = models.FloatField(_("进度"), default=0.0)
    message = models.CharField(_("当前步骤"), max_length=300, blank=True)
    best = models.JSONField(_("目前最优方案"), default=dict, blank=True)
    result = models.JSONField(_("结果"), default=dict, blank=True)
    report = models.JSONField(_("方案实施后的报告"), null=True, blank=True)
    report_before = models.JSONField(_("测算时的报告"), null=True, blank=True)
    reason = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("补短板测算")
        verbose_name_plural = _("补短板测算")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["county", "-created_at"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()}"

    @property
    def finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def verified(self) -> bool:
        return bool(self.result.get("verified"))
