"""The two rule sets (spec/indicators.md): their codes and default params. The defaults are the engine table's
(`indicators.engine.TABLE`: each item declares the settings it reads, with defaults, types and bounds); they were
seeded as version 1 by a data migration, and an administrator's edit creates a new version through
`services.rule_set_revise`. Thresholds marked † in the spec are secondary-source figures: they live in the table
as data so they can be corrected without code."""

from __future__ import annotations

from copy import deepcopy
from typing import Any

from .engine import BASIC_2012, QUALITY_2017, TABLE, effective_params

__all__ = [
    "BASIC_2012",
    "DEFAULTS",
    "NAMES",
    "QUALITY_2017",
    "QUALITY_2017_DEFAULTS",
    "BASIC_2012_DEFAULTS",
    "default_params",
    "effective_params",
    "validate_params",
]

QUALITY_2017_DEFAULTS = TABLE.defaults(QUALITY_2017)
BASIC_2012_DEFAULTS = TABLE.defaults(BASIC_2012)
DEFAULTS = {QUALITY_2017: QUALITY_2017_DEFAULTS, BASIC_2012: BASIC_2012_DEFAULTS}
# the names a rule set is created with in the database (shown translated by the presenter's labels)
NAMES = {QUALITY_2017: "县域义务教育优质均衡（2017）", BASIC_2012: "县域义务教育基本均衡（2012）"}


def default_params(code: str) -> dict[str, Any]:
    return deepcopy(TABLE.defaults(code))


def validate_params(code: str, params: dict[str, Any]) -> list[str]:
    """Names of required settings missing from params (an edit may change values, not drop settings)."""
    return sorted(set(TABLE.defaults(code)) - set(params))
