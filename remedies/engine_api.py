"""The one place where the remedy planner touches the indicator engine.

The engine is being reorganised while this package is written; everything the planner needs from it is imported
here and nowhere else, so a move of `CountyData`, `compute_report` or the default rule-set params is a one-line
change in this file. No Django: the engine's formulas and rule defaults are plain Python.
"""

from __future__ import annotations

from copy import deepcopy
from typing import Any

from indicators.formulas import CountyData, compute_report
from indicators.rules import BASIC_2012, DEFAULTS, QUALITY_2017

__all__ = [
    "ASSOCIATE_PLUS",
    "BACHELOR_PLUS",
    "DEGREES",
    "PE_ART_SUBJECTS",
    "STAGES",
    "CountyData",
    "compute_report",
    "default_params",
    "report",
]

STAGES = ("primary", "junior")
# The roster's vocabulary, as `indicators.selectors` counts it (that module reads the database, so it cannot be
# imported here; tests/remedies/test_engine_api.py checks that the two lists agree).
DEGREES = ("postgraduate", "bachelor", "associate", "secondary", "below_secondary")
ASSOCIATE_PLUS = ("postgraduate", "bachelor", "associate")
BACHELOR_PLUS = ("postgraduate", "bachelor")
PE_ART_SUBJECTS = ("体育", "音乐", "美术", "艺术")


def default_params() -> tuple[dict[str, Any], dict[str, Any]]:
    """Fresh copies of the default params of the 2017 and the 2012 rule sets."""
    return deepcopy(DEFAULTS[QUALITY_2017]), deepcopy(DEFAULTS[BASIC_2012])


def report(
    data: CountyData, quality: dict[str, Any] | None = None, basic: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The engine's full report of these inputs (default params where none are given)."""
    default_quality, default_basic = default_params()
    return compute_report(data, quality or default_quality, basic or default_basic)
