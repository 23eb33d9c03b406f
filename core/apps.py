from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The bottom layer: regions and who may see them (scoping), the Audited base, pagination and form helpers,
    and the hook through which writes announce changed data. It imports no other app of the portal."""

    name = "core"
    verbose_name = _("基础")
