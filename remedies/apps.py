from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemediesConfig(AppConfig):
    name = "remedies"
    verbose_name = _("补短板测算")

    def ready(self) -> None:
        # The planner's unit costs and rotation rules are settings of the 2017 rule set (edited on the rule-set
        # pages): they join the engine's parameter table when Django starts.
        from . import rule_params

        rule_params.register()
