"""The units the planners work on, read from the engine's own report, and the share rule for whole-school assets.

Which schools count (§0 inclusion), their enrolment, current values and the thresholds all come from
`compute_report`, so the planners never re-decide what the engine decides. Only the linear effect of an action on
a unit's value is written here (spec §1–§2): per-hundred teacher counts and the weighted split of whole-school
assets between stages; the engine re-checks every plan.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .engine_api import STAGES

Q_CODES = ("Q1", "Q2", "Q3", "Q4", "Q5", "Q6", "Q7")
TEACHER_CODES = ("Q1", "Q2", "Q3")
STUDENTS = {"primary": "primary_students", "junior": "junior_students", "senior": "senior_students"}
LABELS = {
    "Q1": "每百名学生拥有高于规定学历教师数",
    "Q2": "每百名学生拥有县级以上骨干教师数",
    "Q3": "每百名学生拥有体育、艺术专任教师数",
    "Q4": "生均教学及辅助用房面积",
    "Q5": "生均体育运动场馆面积",
    "Q6": "生均教学仪器设备值",
    "Q7": "每百名学生拥有网络多媒体教室数",
}


@dataclass(frozen=True)
class Unit:
    school: str
    stage: str
    students: int
    values: dict[str, float | None]

    @property
    def key(self) -> tuple[str, str]:
        return (self.school, self.stage)


def units_of(report: Mapping[str, Any]) -> list[Unit]:
    """The included school-stage units of the 2017 resource part, in the report's order."""
    out = []
    for stage in STAGES:
        for s in report["quality_2017"][stage]["schools"]:
            out.append(Unit(s["code"], stage, int(s["students"]), dict(s["values"])))
    return out


def thresholds_of(report: Mapping[str, Any]) -> dict[str, dict[str, float]]:
    return {
        stage: {k: ind["threshold"] for k, ind in report["quality_2017"][stage]["indicators"].items()}
        for stage in STAGES
    }


def cv_limits_of(report: Mapping[str, Any]) -> dict[str, float]:
    return {stage: report["quality_2017"][stage]["cv_limit"] for stage in STAGES}


def stage_share(school: Mapping[str, Any], stage: str, weights: Mapping[str, float] | str) -> float:
    """§1: the share of a whole-school asset that belongs to `stage` (weights "enrolment" = plain shares)."""

    def weight(s: str) -> float:
        return 1.0 if weights == "enrolment" else float(weights[s])

    total = sum(weight(s) * float(school.get(f) or 0) for s, f in STUDENTS.items())
    return 0.0 if total <= 0 else weight(stage) * float(school.get(STUDENTS[stage]) or 0) / total


def resource_problems(report: Mapping[str, Any], codes: tuple[str, ...] = Q_CODES) -> list[str]:
    """What keeps the 2017 resource part from passing in this report, in Chinese; [] when nothing does.

    A school passes by the 2017 rule; each indicator's CV must be within its limit. A CV the engine cannot
    compute because the stage has fewer than two units is not a failure a plan could fix, and is not listed."""
    problems = []
    stage_names = {"primary": "小学", "junior": "初中"}
    for stage in STAGES:
        q = report["quality_2017"][stage]
        if not q["units"]:
            continue
        for s in q["schools"]:
            if s["pass"] is not True:
                problems.append(f"{stage_names[stage]}学校 {s['code']} 未达到“至少6项达标、其余不低于85%”")
        for k in codes:
            ind = q["indicators"][k]
            if ind["cv"] is None:
                if ind["detail"]["units_with_value"] >= 2:
                    problems.append(f"{stage_names[stage]} {k} 差异系数无法计算")
            elif ind["cv_pass"] is not True:
                problems.append(
                    f"{stage_names[stage]} {k} 差异系数 {ind['cv']:.3f} 超过 {ind['cv_limit']:.2f}"
                )
    return problems
