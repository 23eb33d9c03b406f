from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SignoffConfig(AppConfig):
    name = "signoff"
    verbose_name = _("数据审核")
