from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkbookConfig(AppConfig):
    """The standard data workbook in and out (import, export, templates, the admin's import-export), and the demo
    and scale data written through the same importer. A top layer: it reads and writes every registry app."""

    name = "workbook"
    verbose_name = _("数据工作簿")
