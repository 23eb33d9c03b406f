"""Default unit costs of the cheapest-pass planner (资源缺口测算).

Placeholders of a plausible order of magnitude for a county in central China, to be replaced by the bureau's own
figures: they are meant to become a rule-set setting that an administrator edits. Every amount is in 元.
"""

from __future__ import annotations

from copy import deepcopy
from typing import Any

DEFAULT_COSTS: dict[str, Any] = {
    # 元 per m² of new 教学及辅助用房 (construction)
    "teaching_area_per_m2": 3500,
    # 元 per m² of new 运动场地 (surfaced ground)
    "sports_ground_per_m2": 400,
    # 元 per 元 of 教学仪器设备值 (equipment is bought at its value)
    "equipment_per_yuan": 1.0,
    # 元 per 网络多媒体教室 fitted out in an existing room
    "multimedia_room": 60000,
    # 元 per full-time teacher per year, by the hire's highest degree; only the degrees listed here are hired
    "teacher_year": {"bachelor": 100000, "associate": 85000},
    # extra 元 per year for a teacher recognised as 县级以上骨干
    "backbone_premium_year": 15000,
    # years of salary a hire is costed at (buildings and equipment are one-off costs)
    "teacher_years": 1,
}

COST_LABELS = {
    "teaching_area_per_m2": "教学及辅助用房（元/m²）",
    "sports_ground_per_m2": "运动场地（元/m²）",
    "equipment_per_yuan": "教学仪器设备（元/元）",
    "multimedia_room": "网络多媒体教室（元/间）",
    "teacher_year": "专任教师（元/人·年，按学历）",
    "backbone_premium_year": "骨干教师加计（元/人·年）",
    "teacher_years": "教师成本计算年数",
}


class CostError(ValueError):
    """Unit costs that cannot be used; the message is Chinese and names the setting."""


def resolve_costs(costs: dict[str, Any] | None) -> dict[str, Any]:
    """The defaults overlaid with the given costs, checked: every amount a non-negative number."""
    merged = deepcopy(DEFAULT_COSTS)
    for key, value in (costs or {}).items():
        if key not in merged:
            raise CostError(f"未知的单位成本设置 {key!r}，可选：{'、'.join(DEFAULT_COSTS)}")
        merged[key] = deepcopy(value)
    for key, value in merged.items():
        label = COST_LABELS[key]
        if key == "teacher_year":
            if not isinstance(value, dict) or not value:
                raise CostError(f"{label}应为按学历给出的金额，例如 {{'bachelor': 100000}}")
            for degree, amount in value.items():
                if degree not in ("postgraduate", "bachelor", "associate", "secondary", "below_secondary"):
                    raise CostError(f"{label}：未知的学历 {degree!r}")
                if not _amount(amount):
                    raise CostError(f"{label}：{degree} 应为不小于 0 的数，收到 {amount!r}")
        elif not _amount(value):
            raise CostError(f"{label}应为不小于 0 的数，收到 {value!r}")
    return merged


def _amount(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0


def cost_of_change(change: dict[str, Any], costs: dict[str, Any]) -> float | None:
    """What one scenario change costs at these unit costs (元), as the cheapest-pass planner counts it: areas,
    ground, equipment and rooms once, a hire for `teacher_years` years. None when the costs do not price it (a
    hire of a degree without a salary; moves of teachers or pupils and split classes have no unit cost here)."""
    kind = change.get("kind")
    if kind == "add_teaching_area":
        return float(change["area"]) * costs["teaching_area_per_m2"]
    if kind == "add_sports_ground":
        return float(change["area"]) * costs["sports_ground_per_m2"]
    if kind == "add_equipment":
        return float(change["value"]) * costs["equipment_per_yuan"]
    if kind == "add_multimedia_rooms":
        return float(change["rooms"]) * costs["multimedia_room"]
    if kind == "hire_teachers":
        per_year = costs["teacher_year"].get(change.get("degree", "bachelor"))
        if per_year is None:
            return None
        premium = costs["backbone_premium_year"] if change.get("backbone") else 0
        return float(change.get("count", 1)) * costs["teacher_years"] * (per_year + premium)
    return None
