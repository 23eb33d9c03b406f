"""The bottom of the data model: regions (province → city → county) and the Audited base every entered record
uses. Every other app's rows hang off a county Region."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import RegionLevel

region_code_validator = RegexValidator(r"^\d{6}$", _("行政区划代码应为6位数字"))


class Audited(models.Model):
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("最后修改人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        abstract = True

    @classmethod
    def natural_key_fields(cls) -> tuple[str, ...]:
        """The field names that identify a row to people (and to the workbook, the API, the admin's import):
        declared once, as the model's first UniqueConstraint, or its one unique field (a code). Serializers,
        forms, import-export resources and the workbook importer all read it from here."""
        for constraint in cls._meta.constraints:
            if isinstance(constraint, models.UniqueConstraint) and constraint.fields:
                return tuple(constraint.fields)
        unique = [f.name for f in cls._meta.concrete_fields if f.unique and not f.primary_key]
        if len(unique) != 1:
            raise TypeError(f"{cls.__name__} declares no natural key")
        return (unique[0],)


class Region(Audited):
    code = models.CharField(_("行政区划代码"), max_length=6, unique=True, validators=[region_code_validator])
    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("层级"), max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = _("行政区")
        verbose_name_plural = _("行政区")
        ordering = ["code"]
        # The table was created when regions lived in the schools app; renaming it would buy nothing.
        db_table = "schools_region"

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"
