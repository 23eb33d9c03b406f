"""What the workbook import remembers of each upload: who, which file, what it did."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import Region


class ImportBatch(models.Model):
    """One workbook import: who, what file, what it did. The original file is kept."""

    class Status(models.TextChoices):
        PENDING = "pending", _("等待中")
        VALIDATING = "validating", _("校验中")
        PREVIEW = "preview", _("待确认")
        RUNNING = "running", _("导入中")
        DONE = "done", _("已完成")
        REJECTED = "rejected", _("已拒绝")
        FAILED = "failed", _("失败")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    file = models.FileField(_("文件"), upload_to="imports/%Y/%m/")
    file_name = models.CharField(_("文件名"), max_length=255)
    sha256 = models.CharField(_("文件哈希"), max_length=64)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.PENDING)
    counts = models.JSONField(_("各表行数"), default=dict, blank=True)
    errors = models.JSONField(_("错误"), default=list, blank=True)
    # the preview's old → new of the first updated rows per sheet (workbook/preview.py)
    changes = models.JSONField(_("预览的更改"), default=list, blank=True)
    error_report = models.FileField(_("错误报告"), upload_to="imports/errors/%Y/%m/", blank=True)
    counties = models.ManyToManyField(Region, verbose_name=_("涉及区县"), blank=True, related_name="+")
    rows_total = models.PositiveIntegerField(_("总行数"), default=0)
    rows_done = models.PositiveIntegerField(_("已处理行数"), default=0)
    current_sheet = models.CharField(_("当前工作表"), max_length=50, blank=True)
    message = models.TextField(_("信息"), blank=True)

    class Meta:
        verbose_name = _("导入批次")
        verbose_name_plural = _("导入批次")
        ordering = ["-created_at"]
        # Created when the importer lived in the schools app; renaming the table would buy nothing.
        db_table = "schools_importbatch"

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        if not self.rows_total:
            return 0
        return min(100, round(100 * self.rows_done / self.rows_total))
