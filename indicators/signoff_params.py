"""The sign-off setting of the 2017 rule set: whether a county-year, once approved by its city, must also be
accepted by the province (`province_acceptance`, default no). Registered in the engine's parameter table (so an
administrator edits it on the rule-set pages, each edit a new version) and offered to the sign-off app, a layer
below, as its acceptance provider (signoff.policy). The engine itself never reads it."""

from __future__ import annotations

from .engine.registry import QUALITY_2017, TABLE, Param

PROVINCE_ACCEPTANCE = Param("province_acceptance", {QUALITY_2017: False}, "bool", section="other")


def register() -> None:
    TABLE.share(PROVINCE_ACCEPTANCE)


def acceptance_required(county_id: int, year: int) -> bool:
    from .inputs import current_rule_set

    return bool(current_rule_set(QUALITY_2017).params.get(PROVINCE_ACCEPTANCE.key, False))
