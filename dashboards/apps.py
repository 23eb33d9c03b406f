from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    """The pages that read everything: each user's home, the officials' overviews, a county's report and a
    school's results. A top layer: it reads the registry, the engine's stored results and the plans; it writes
    nothing (every button posts to the app that owns the write)."""

    name = "dashboards"
    verbose_name = _("看板")
