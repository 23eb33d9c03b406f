from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("系统管理员")
    CLERK = "clerk", _("区县数据填报员")
    OFFICIAL = "official", _("教育行政官员")


class User(AbstractUser):
    """A portal user: one role, one region. Scoping (core.scoping) derives every visible row from these two."""

    role = models.CharField(_("角色"), max_length=10, choices=Role.choices, default=Role.OFFICIAL)
    region = models.ForeignKey(
        "core.Region",
        verbose_name=_("所属行政区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    @property
    def is_admin(self) -> bool:
        return self.is_superuser or self.role == Role.ADMIN

    @property
    def is_clerk(self) -> bool:
        return self.role == Role.CLERK and not self.is_superuser

    @property
    def region_code(self) -> str | None:
        return self.region.code if self.region_id else None
