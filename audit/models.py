"""The audit trail: a history table per audited model (django-simple-history, registered from here so the
registry apps stay unaware of it) and the events that are not row changes (logins, role changes, approvals,
recompute starts).

Each history row carries, besides simple-history's who/when/type: the channel (web form, API, import, admin,
command), the import batch it belongs to, and the county the record belonged to at that moment, so a history is
scoped like the data (core.scoping) even after the record is deleted or the school moved.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history import register
from simple_history.models import HistoricalRecords

from core.models import Region
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

from . import context
from .context import Channel


class HistoryBase(models.Model):
    history_channel = models.CharField(
        _("渠道"), max_length=10, choices=Channel.choices, default=Channel.COMMAND
    )
    # The workbook's ImportBatch id (a plain number: the batches live in an app above this one).
    history_batch_id = models.PositiveIntegerField(_("导入批次"), null=True, blank=True, db_index=True)
    history_county_id = models.PositiveIntegerField(_("区县"), null=True, blank=True, db_index=True)

    class Meta:
        abstract = True


def history_user(request=None, instance=None, **kwargs):
    """The person behind a per-row change: the import's user, else the signed-in user of the request, else
    nobody (a command). Never the record's `updated_by`, which names the previous editor of a row a command
    changes."""
    state = context.current()
    if state.user_id is not None:
        return get_user_model_instance(state.user_id)
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user
    return None


def get_user_model_instance(user_id: int):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(pk=user_id).first()


# Entered data, in the order pages list them. The timestamps and `updated_by` are left out of the history: who
# and when are the history's own columns.
AUDITED = (
    School,
    SchoolYear,
    SchoolClass,
    Funding,
    Achievement,
    Teacher,
    CountyYear,
    Monitoring,
    Declaration,
)
EXCLUDED = ["created_at", "updated_at", "updated_by"]

for _model in AUDITED:
    register(
        _model,
        app="audit",
        bases=[HistoryBase],
        records_class=HistoricalRecords,
        excluded_fields=EXCLUDED,
        get_user=history_user,
        user_related_name="+",
        # No foreign-key constraint on the history's user: a history row outlives its user (Django still sets the
        # id to NULL when a user is deleted through it), and an import of 150 000 rows would otherwise run 150 000
        # referential checks of the same user at commit (docs/benchmarks.md, issue 11 round 3).
        user_db_constraint=False,
    )


class AuditEvent(models.Model):
    """Something that happened that is not a row change: a login, a failed login, a role or region change, an
    approval step, a recompute start, an import."""

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("事件"), max_length=40, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept when the user is deleted, and for a failed login the name that was tried.
    username = models.CharField(_("用户名"), max_length=150, blank=True)
    region = models.ForeignKey(
        Region, verbose_name=_("行政区"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices, default=Channel.COMMAND)
    detail = models.JSONField(_("详情"), default=dict, blank=True)

    class Meta:
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.username} {self.at:%Y-%m-%d %H:%M}"
