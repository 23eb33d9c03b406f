"""The planner's settings, registered in the engine's parameter table as settings of the 2017 rule set.

They live beside the standard's own settings so an administrator edits them on the existing rule-set pages, each
edit is a new version with its note, and a planner run records the version it used. The engine itself never reads
them. A rule set saved before they existed reads them as these defaults (`effective_params`) until it is revised.

- `remedy_costs`: the unit costs of the cheapest-pass planner (defaults: `costs.DEFAULT_COSTS`);
- `rotation_*`: the rotation rules beyond the two shares the standard already sets (`rotation_share` ≥ 10 % of
  eligible teachers, `rotation_backbone_share` ≥ 20 % backbone among them), which the planner reads as well.

Pure (no Django): registered by `remedies.apps` when Django starts, and by tests that need it without Django.
"""

from __future__ import annotations

from typing import Any

from indicators.engine.registry import QUALITY_2017, TABLE, Param

from .costs import DEFAULT_COSTS
from .rotation import RotationRules

SECTION = "remedies"

REMEDY_COSTS = Param("remedy_costs", {QUALITY_2017: DEFAULT_COSTS}, "table", section=SECTION)
# who may rotate: the roster's 是否符合交流条件 ("flag") or every full-time teacher ("all")
ROTATION_ELIGIBILITY = Param(
    "rotation_eligibility", {QUALITY_2017: "flag"}, "word", words=frozenset({"flag", "all"}), section=SECTION
)
# "same subject and stage": every school gets back as many teachers per stage and subject ("subject") or per stage
ROTATION_BALANCE = Param(
    "rotation_balance",
    {QUALITY_2017: "subject"},
    "word",
    words=frozenset({"subject", "stage"}),
    section=SECTION,
)
# What rotation must do to Q1–Q3 of every school besides bringing the urban–rural ratio to its target. "keep" by
# default: rotation moves teachers but cannot add any, and under the same-subject rule it cannot change a school's
# PE/art teachers at all (Q3), so "reach" (every school at its minimums) is infeasible for most failing counties —
# the hires that closes are the cheapest-pass planner's. "keep": no school falls below min(today, minimum), no
# Q1–Q3 CV grows beyond max(today, limit).
ROTATION_SCHOOL_TARGETS = Param(
    "rotation_school_targets",
    {QUALITY_2017: "keep"},
    "word",
    words=frozenset({"reach", "keep"}),
    section=SECTION,
)
ROTATION_OBJECTIVE = Param(
    "rotation_objective",
    {QUALITY_2017: "moves"},
    "word",
    words=frozenset({"moves", "distance"}),
    section=SECTION,
)
# km between two schools a transfer may span; null = no limit. Distances come with the request (the portal
# keeps no school locations).
ROTATION_MAX_DISTANCE = Param(
    "rotation_max_distance_km", {QUALITY_2017: None}, "number", nullable=True, section=SECTION
)

PARAMS = (
    REMEDY_COSTS,
    ROTATION_ELIGIBILITY,
    ROTATION_BALANCE,
    ROTATION_SCHOOL_TARGETS,
    ROTATION_OBJECTIVE,
    ROTATION_MAX_DISTANCE,
)


def register() -> None:
    """Add the planner's settings to the engine's table (idempotent)."""
    TABLE.share(*PARAMS)


def costs_of(quality: dict[str, Any]) -> dict[str, Any]:
    """The unit costs a planner run uses: the rule set's, completed with the defaults."""
    return dict(quality.get("remedy_costs") or DEFAULT_COSTS)


def rotation_rules_of(
    quality: dict[str, Any],
    *,
    school_targets: str | None = None,
    distances: dict[tuple[str, str], float] | None = None,
    max_distance: float | None = None,
) -> RotationRules:
    """The rotation rules of a rule set's params; a request may choose the school targets and bring distances."""
    limit = max_distance if max_distance is not None else quality.get("rotation_max_distance_km")
    objective = quality.get("rotation_objective", "moves")
    if objective == "distance" and not distances:
        objective = "moves"  # the least distance needs distances; without them the fewest moves is asked
    return RotationRules(
        min_share=float(quality.get("rotation_share", 0.10)),
        backbone_share=float(quality.get("rotation_backbone_share", 0.20)),
        eligibility=quality.get("rotation_eligibility", "flag"),
        balance=quality.get("rotation_balance", "subject"),
        school_targets=school_targets or quality.get("rotation_school_targets", "keep"),
        distances=distances or None,
        max_distance=float(limit) if limit is not None and distances else None,
        objective=objective,
    )
