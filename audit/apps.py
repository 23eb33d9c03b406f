from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("审计")

    def ready(self) -> None:
        from simple_history.signals import pre_create_historical_record

        from core import hooks

        from . import services

        hooks.on_audit_event(services.record_event)
        pre_create_historical_record.connect(
            services.stamp_history_row, dispatch_uid="audit.stamp_history_row"
        )
