from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core import hooks


class QualityConfig(AppConfig):
    name = "quality"
    verbose_name = _("数据质量")

    def ready(self) -> None:
        # Every write below announces its county-years through core.hooks; the checks follow on commit. Sign-off asks
        # for the open violations, and the data-entry pages for the warnings of one school, through the same hooks.
        # Importing the tasks registers them, so services finds them by name in every process.
        from . import selectors, services, tasks  # noqa: F401

        hooks.on_data_changed(services.data_changed)
        hooks.on_open_violations(selectors.open_violations)
        hooks.on_entry_warnings(selectors.entry_warnings)
