from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core import hooks


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = _("均衡指标")

    def ready(self) -> None:
        # Writes below this layer announce changed inputs through core.hooks; the engine answers with a recompute.
        # (services imports models, which Django allows only once the registry is ready: hence here.)
        # Importing the tasks registers them, so runs.dispatch_pending finds them by name in every process.
        from . import runs, tasks  # noqa: F401

        hooks.on_data_changed(runs.data_changed)
        # sign-off's optional province acceptance is a setting of the 2017 rule set (indicators/signoff_params.py)
        from signoff import policy

        from . import signoff_params

        signoff_params.register()
        policy.on_acceptance_required(signoff_params.acceptance_required)
