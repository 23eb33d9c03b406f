"""Sign-off of one county's data for one school year: its state now (`Approval`) and every step taken
(`ApprovalEvent`, never edited or deleted). A (county, year) without an `Approval` row is a draft."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    DRAFT = "draft", _("填报中")
    SUBMITTED = "submitted", _("已提交")
    APPROVED = "approved", _("已审核")
    ACCEPTED = "accepted", _("已验收")


# Data of a county-year in one of these states may not be changed by any channel.
LOCKED_STATES = (State.SUBMITTED, State.APPROVED, State.ACCEPTED)


class Action(models.TextChoices):
    SUBMIT = "submit", _("提交")
    APPROVE = "approve", _("审核通过")
    ACCEPT = "accept", _("验收")
    UNAPPROVE = "unapprove", _("退回")


class Approval(models.Model):
    county = models.ForeignKey(
        "core.Region", verbose_name=_("区县"), on_delete=models.PROTECT, related_name="approvals"
    )
    year = models.PositiveSmallIntegerField(_("学年"))
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.DRAFT)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # the name shown in lock messages, kept even if the account is later deleted
    changed_by_name = models.CharField(_("操作人姓名"), max_length=150, blank=True)
    changed_at = models.DateTimeField(_("操作时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("数据审核状态")
        verbose_name_plural = _("数据审核状态")
        ordering = ["county__code", "-year"]
        constraints = [models.UniqueConstraint(fields=["county", "year"], name="approval_county_year_unique")]

    def __str__(self) -> str:
        return f"{self.county_id}/{self.year}: {self.state}"


class ApprovalEvent(models.Model):
    approval = models.ForeignKey(Approval, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=10, choices=Action.choices)
    from_state = models.CharField(_("原状态"), max_length=10, choices=State.choices)
    to_state = models.CharField(_("新状态"), max_length=10, choices=State.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    user_name = models.CharField(_("操作人姓名"), max_length=150, blank=True)
    at = models.DateTimeField(_("时间"))
    reason = models.TextField(_("理由"), blank=True)
    open_violations = models.PositiveIntegerField(_("提交时未解决的校验问题数"), default=0)

    class Meta:
        verbose_name = _("审核记录")
        verbose_name_plural = _("审核记录")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.approval_id} {self.action} {self.at:%Y-%m-%d %H:%M}"
