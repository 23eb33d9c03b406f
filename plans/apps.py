from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core import hooks


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _("规划与目标")

    def ready(self) -> None:
        # The engine announces rewritten results through core.hooks (it never imports plans); targets are judged
        # again once that transaction commits, by a Celery task.
        from . import evidence, services

        hooks.on_results_changed(services.judge_targets_later)
        hooks.on_evidence_check(evidence.check, evidence.EvidenceRefused)  # the registry's declarations too
