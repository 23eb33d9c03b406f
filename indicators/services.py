"""Writes of the indicator engine's settings: rule-set revisions. (Recomputes: `runs`; stored results:
`storage`; city and province roll-ups: `rollups`.)"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from . import rules
from .models import RuleSet

logger = logging.getLogger(__name__)


# ---------------------------------------------------------------- rule sets


def rule_set_revise(rule_set: RuleSet, params: dict[str, Any], user=None, note: str = "") -> RuleSet:
    """Save changed settings as a NEW version of the rule set; older versions and the results naming them stay.

    Results change only at the next recompute.
    """
    if not isinstance(params, dict):
        raise ValidationError({"params": "参数必须是 JSON 对象"})
    if rule_set.code in rules.DEFAULTS:
        # a setting the revised version has may not be dropped; one added to the table after it was saved (it
        # reads as its default) may still be left out
        missing = [key for key in rules.validate_params(rule_set.code, params) if key in rule_set.params]
        if missing:
            raise ValidationError({"params": f"缺少参数：{'、'.join(missing)}"})
    with transaction.atomic():
        # serialise concurrent revisions of one code
        list(RuleSet.objects.select_for_update().filter(code=rule_set.code).values_list("pk", flat=True))
        latest = RuleSet.objects.filter(code=rule_set.code).aggregate(v=Max("version"))["v"] or 0
        return RuleSet.objects.create(
            code=rule_set.code,
            version=latest + 1,
            name=rule_set.name,
            params=params,
            note=note,
            created_by=user if getattr(user, "is_authenticated", False) else None,
        )
