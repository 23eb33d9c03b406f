"""The cheapest way to pass (资源缺口测算): the least-cost additions that make every school pass the 2017 school rule
and every indicator's CV meet its limit, found with HiGHS and verified by the engine. Formulation: docs/remedies.md.

Pure: no Django. `solve_cheapest(data, costs, …)` takes the county's inputs as `CountyData` and returns a
`CheapestResult` whose plan is a list of `changes` (apply them with `changes.apply_changes`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from .changes import (
    STAGE_LABELS,
    AddEquipment,
    AddMultimediaRooms,
    AddSportsGround,
    AddTeachingArea,
    Change,
    HireTeachers,
    apply_changes,
)
from .costs import resolve_costs
from .engine_api import ASSOCIATE_PLUS, BACHELOR_PLUS, STAGES, CountyData, compute_report, default_params
from .milp import FEASIBLE, INFEASIBLE, CvGroup, Milp
from .units import Q_CODES, cv_limits_of, resource_problems, stage_share, thresholds_of, units_of

Progress = Callable[[float, str], None]
SCALE = 1e4  # the model's objective is in 万元: keeps HiGHS's numbers near 1
EQUIPMENT_UNIT = 1000.0  # the equipment column counts thousands of 元
CV_TOLERANCE = 1e-7  # relative excess of a CV over its limit still taken as met by the LP phase
MILP_CV_TOLERANCE = 1e-3  # … and by the MILP phase: the plan's water-filling repair closes the rest
FACT_LABELS = {
    "teaching_area": "教学及辅助用房面积",
    "indoor_sports_area": "室内体育用房面积",
    "sports_ground_area": "运动场地面积",
    "equipment_value": "教学仪器设备值",
    "multimedia_rooms": "网络多媒体教室数",
}


@dataclass
class Action:
    school: str
    stage: str | None  # the stage of a hire; None for a whole-school addition (split between stages)
    what: str  # teaching_area | sports_ground | equipment | multimedia_rooms | hire_teachers
    quantity: float
    unit: str
    cost: float
    indicators: list[str]
    description: str
    change: dict[str, Any]


@dataclass
class CheapestResult:
    status: str  # optimal | feasible | infeasible | failed
    verified: bool = False
    objective: float | None = None  # the plan's total cost (元), after rounding
    bound: float | None = None  # a proven lower bound of the least cost (元)
    gap: float | None = None  # (objective − bound) ÷ objective
    total_cost: float | None = None
    actions: list[Action] = field(default_factory=list)
    cost_by_school: dict[str, float] = field(default_factory=dict)
    cost_by_indicator: dict[str, float] = field(default_factory=dict)
    reason: str = ""
    report: dict[str, Any] | None = None  # the engine's report with the plan applied
    problems: list[str] = field(
        default_factory=list
    )  # what the engine still finds failing (when not verified)
    iterations: int = 0
    cuts: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def changes(self) -> list[dict[str, Any]]:
        return [a.change for a in self.actions]

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "changes": self.changes}


@dataclass(frozen=True)
class _Hire:
    """One kind of hire at one unit: a column of the model."""

    school: str
    stage: str
    degree: str
    backbone: bool
    pe_art: bool
    serves: tuple[str, ...]
    cost: float


class _Model:
    def __init__(self, data: CountyData, costs: Mapping[str, Any], quality: Mapping[str, Any], basic):
        self.data, self.costs, self.quality, self.basic = data, costs, quality, basic
        self.report0 = compute_report(data, quality, basic)
        self.units = units_of(self.report0)
        self.base = {u.key: u.values for u in self.units}
        self.thresholds = thresholds_of(self.report0)
        self.cv_limits = cv_limits_of(self.report0)
        self.min_met = int(quality.get("school_min_met", 6))
        self.floor = float(quality.get("school_floor", 0.85))
        self.schools = {s["code"]: s for s in data.schools}
        self.milp = Milp()
        self.school_cols: dict[str, dict[str, int]] = {}
        self.hires: dict[int, _Hire] = {}
        self.terms: dict[tuple[str, str], dict[str, dict[int, float]]] = {}
        self.z: list[tuple[int, tuple[str, str], str]] = []
        self.groups: list[CvGroup] = []
        self.cost_of = np.zeros(0)

    # ------------------------------------------------------------ data checks

    def missing(self) -> list[str]:
        out = []
        for u in self.units:
            gone = [k for k in Q_CODES if u.values.get(k) is None]
            if gone:
                out.append(f"{STAGE_LABELS[u.stage]}学校 {u.school}（{'、'.join(gone)} 缺数据）")
        return out

    # ------------------------------------------------------------ columns and rows

    def _hire_kinds(self, stage: str) -> list[tuple[str, bool, bool, tuple[str, ...], float]]:
        """Per set of indicators a hire can serve, the cheapest way to hire it (the others are dominated)."""
        years = float(self.costs["teacher_years"])
        best: dict[tuple[str, ...], tuple[str, bool, bool, tuple[str, ...], float]] = {}
        above = ASSOCIATE_PLUS if stage == "primary" else BACHELOR_PLUS
        for degree, per_year in sorted(self.costs["teacher_year"].items()):
            for backbone in (False, True):
                for pe_art in (False, True):
                    serves = tuple(
                        k for k, on in (("Q1", degree in above), ("Q2", backbone), ("Q3", pe_art)) if on
                    )
                    if not serves:
                        continue
                    cost = years * (
                        float(per_year) + (float(self.costs["backbone_premium_year"]) if backbone else 0)
                    )
                    if serves not in best or cost < best[serves][4]:
                        best[serves] = (degree, backbone, pe_art, serves, cost)
        return list(best.values())

    def build(self) -> None:
        m, c = self.milp, self.costs
        weights = self.quality["split_weights"]
        for u in self.units:
            if u.school not in self.school_cols:
                self.school_cols[u.school] = {
                    "teaching_area": m.var(c["teaching_area_per_m2"] / SCALE),
                    "sports_ground": m.var(c["sports_ground_per_m2"] / SCALE),
                    "equipment": m.var(c["equipment_per_yuan"] * EQUIPMENT_UNIT / SCALE),
                    "multimedia_rooms": m.var(c["multimedia_room"] / SCALE, integer=True),
                }
        for u in self.units:
            cols, p = self.school_cols[u.school], float(u.students)
            share = stage_share(self.schools[u.school], u.stage, weights)
            terms: dict[str, dict[int, float]] = {k: {} for k in Q_CODES}
            terms["Q4"][cols["teaching_area"]] = share / p
            terms["Q5"][cols["sports_ground"]] = share / p
            terms["Q6"][cols["equipment"]] = EQUIPMENT_UNIT * share / p
            terms["Q7"][cols["multimedia_rooms"]] = 100 * share / p
            for degree, backbone, pe_art, serves, cost in self._hire_kinds(u.stage):
                j = m.var(cost / SCALE, integer=True)
                self.hires[j] = _Hire(u.school, u.stage, degree, backbone, pe_art, serves, cost)
                for k in serves:
                    terms[k][j] = 100 / p
            self.terms[u.key] = terms
            # the school rule: every indicator ≥ its minimum except at most (7 − min_met), which may sit between
            # floor × minimum and the minimum; z = 1 marks an indicator allowed below (Σ z ≤ 7 − min_met)
            zs = []
            for k in Q_CODES:
                t, v0 = self.thresholds[u.stage][k], u.values[k]
                if v0 >= t - 1e-12:
                    continue
                z = m.var(0.0, 0.0, 1.0, integer=True)
                self.z.append((z, u.key, k))
                zs.append(z)
                # Σ terms·x + (1 − floor)·t·z ≥ t − v0, divided by t so every row is of order 1
                row = {j: v / t for j, v in terms[k].items()}
                row[z] = 1 - self.floor
                m.row(row, lower=(t - v0) / t)
            allowed = len(Q_CODES) - self.min_met
            if len(zs) > allowed:
                m.row(dict.fromkeys(zs, 1.0), upper=allowed)
        for stage in STAGES:
            units = [u for u in self.units if u.stage == stage]
            for k in Q_CODES:
                self.groups.append(
                    CvGroup.build(
                        stage,
                        k,
                        self.cv_limits[stage],
                        [u.school for u in units],
                        [u.students for u in units],
                        [u.values[k] for u in units],
                        [self.terms[u.key][k] for u in units],
                    )
                )
        self.groups = [g for g in self.groups if len(g.units) >= 2]
        self.cost_of = np.array(m.cost) * SCALE

    # ------------------------------------------------------------ plans in column space

    def cost(self, x: np.ndarray) -> float:
        return float(self.cost_of @ x[: len(self.cost_of)])

    def complete(self, x: np.ndarray) -> np.ndarray:
        """x with its rule indicators z set to what the plan's values need (a start solution for HiGHS)."""
        x = np.concatenate([x, np.zeros(self.milp.n - len(x))])
        for z, _, _ in self.z:
            x[z] = 0.0
        values = self.unit_values(x)
        for z, key, k in self.z:
            x[z] = 1.0 if values[key][k] < self.thresholds[key[1]][k] - 1e-9 else 0.0
        for g in self.groups:
            g.complete(x)
        return x

    def unit_values(self, x: np.ndarray) -> dict[tuple[str, str], dict[str, float]]:
        out = {}
        for u in self.units:
            out[u.key] = {
                k: u.values[k] + sum(v * x[j] for j, v in self.terms[u.key][k].items()) for k in Q_CODES
            }
        return out

    def cheapest_column(self, key: tuple[str, str], k: str) -> tuple[int, float]:
        """The column that raises indicator k of a unit at the least cost per unit of value: (column, coef)."""
        best = None
        for j, coef in self.terms[key][k].items():
            price = self.cost_of[j] / coef
            if best is None or price < best[0]:
                best = (price, j, coef)
        if best is None:
            raise _NoAction(key, k)
        return best[1], best[2]

    def lift(self, x: np.ndarray, key: tuple[str, str], k: str, target: float) -> None:
        j, coef = self.cheapest_column(key, k)
        value = self.unit_values_one(x, key, k)
        if value >= target - 1e-12:
            return
        need = (target - value) / coef
        x[j] += math.ceil(need - 1e-9) if self.milp.integer[j] else need

    def unit_values_one(self, x: np.ndarray, key: tuple[str, str], k: str) -> float:
        base = self.base[key][k]
        return base + sum(v * x[j] for j, v in self.terms[key][k].items())

    def greedy(self) -> np.ndarray:
        """The heuristic plan (documented in docs/remedies.md): per unit, raise every indicator to its minimum
        except the one whose last 15 % costs most, which is raised to the floor; then water-fill the CVs."""
        x = np.zeros(self.milp.n)
        allowed = len(Q_CODES) - self.min_met
        for u in self.units:
            t = self.thresholds[u.stage]
            saving = {}
            for k in Q_CODES:
                j, coef = self.cheapest_column(u.key, k)
                v = self.unit_values_one(x, u.key, k)
                full = max(0.0, t[k] - v) / coef * self.cost_of[j]
                part = max(0.0, self.floor * t[k] - v) / coef * self.cost_of[j]
                saving[k] = full - part
            skipped = sorted(Q_CODES, key=lambda k: -saving[k])[:allowed]
            for k in Q_CODES:
                self.lift(x, u.key, k, (self.floor if k in skipped else 1.0) * t[k])
        self.repair(x)
        return x

    def violated(self, x: np.ndarray, tolerance: float = CV_TOLERANCE) -> list[CvGroup]:
        return [g for g in self.groups if g.violation(x) > tolerance]

    def repair(self, x: np.ndarray, margin: float = 1e-7, rounds: int = 500) -> None:
        """Water-filling: while a CV exceeds its limit, raise its lowest units to the least common level that
        brings it within (limit × (1 − margin)), with each unit's cheapest column for that indicator."""
        for _ in range(rounds):
            bad = self.violated(x, -margin)
            if not bad:
                return
            g = max(bad, key=lambda g: g.violation(x))
            v = g.values(x)
            hi = g.filled(v, g.limit * (1 - margin))
            for i, school in enumerate(g.units):
                if v[i] < hi[i]:
                    j, coef = self.cheapest_column((school, g.stage), g.code)
                    need = (hi[i] - v[i]) / coef
                    x[j] += math.ceil(need - 1e-9) if self.milp.integer[j] else need

    def round(self, x: np.ndarray) -> np.ndarray:
        """Whole teachers and rooms, areas up to the next m², equipment up to the next 元."""
        x = x.copy()
        for j in range(len(x)):
            if self.milp.integer[j]:
                x[j] = float(round(x[j]))
        for cols in self.school_cols.values():
            for name in ("teaching_area", "sports_ground"):
                j = cols[name]
                x[j] = float(math.ceil(x[j] - 1e-6)) if x[j] > 1e-6 else 0.0
            j = cols["equipment"]
            x[j] = math.ceil(x[j] * EQUIPMENT_UNIT - 1e-6) / EQUIPMENT_UNIT if x[j] > 1e-9 else 0.0
        return x

    # ------------------------------------------------------------ plans as changes

    def actions(self, x: np.ndarray) -> list[Action]:
        out: list[Action] = []
        for school, cols in self.school_cols.items():
            area, ground = x[cols["teaching_area"]], x[cols["sports_ground"]]
            equipment = round(x[cols["equipment"]] * EQUIPMENT_UNIT, 2)
            rooms = int(round(x[cols["multimedia_rooms"]]))
            specs = [
                (area, "teaching_area", "m²", "Q4", AddTeachingArea, float),
                (ground, "sports_ground", "m²", "Q5", AddSportsGround, float),
                (equipment, "equipment", "元", "Q6", AddEquipment, float),
                (rooms, "multimedia_rooms", "间", "Q7", AddMultimediaRooms, int),
            ]
            for quantity, what, unit, code, kind, number in specs:
                if quantity > 0:
                    j = cols[what]
                    change: Change = kind(school, number(quantity))
                    out.append(
                        Action(
                            school,
                            None,
                            what,
                            float(quantity),
                            unit,
                            float(self.cost_of[j] * x[j]),
                            [code],
                            change.describe(),
                            change.to_dict(),
                        )
                    )
        for j, hire in self.hires.items():
            n = int(round(x[j]))
            if n <= 0:
                continue
            change = HireTeachers(
                hire.school,
                hire.stage,
                count=n,
                degree=hire.degree,
                backbone=hire.backbone,
                pe_art=hire.pe_art,
            )
            out.append(
                Action(
                    hire.school,
                    hire.stage,
                    "hire_teachers",
                    n,
                    "人",
                    float(hire.cost * n),
                    list(hire.serves),
                    change.describe(),
                    change.to_dict(),
                )
            )
        return out


class _NoAction(Exception):
    def __init__(self, key, k):
        self.key, self.k = key, k


def _verify(data, actions, quality, basic) -> tuple[bool, dict[str, Any], list[str]]:
    scenario = apply_changes(data, [a.change for a in actions], quality)
    report = compute_report(scenario, quality, basic)
    problems = resource_problems(report)
    return not problems, report, problems


def _fill(result: CheapestResult, actions: list[Action], report, problems) -> None:
    result.actions = actions
    result.total_cost = result.objective = float(sum(a.cost for a in actions))
    result.cost_by_school, result.cost_by_indicator = {}, {}
    for a in actions:
        result.cost_by_school[a.school] = result.cost_by_school.get(a.school, 0.0) + a.cost
        key = "+".join(a.indicators)
        result.cost_by_indicator[key] = result.cost_by_indicator.get(key, 0.0) + a.cost
    result.report, result.problems = report, problems
    result.verified = not problems


def solve_cheapest(
    data: CountyData,
    costs: Mapping[str, Any] | None = None,
    *,
    quality: Mapping[str, Any] | None = None,
    basic: Mapping[str, Any] | None = None,
    cost_cap: float | None = None,
    time_limit: float = 60.0,
    progress: Progress | None = None,
    gap: float = 1e-3,
    on_plan: Callable[[dict[str, Any]], None] | None = None,
) -> CheapestResult:
    """The least-cost additions (areas, ground, equipment, multimedia rooms, hires) that make every school pass the
    2017 school rule and every CV meet its limit, verified with the engine. See docs/remedies.md.

    on_plan receives {"objective", "bound", "actions"} (元) each time a cheaper plan is verified by the engine (the
    best plan so far, for a progress page)."""
    started = time.monotonic()
    deadline = started + time_limit
    say = progress or (lambda fraction, message: None)
    costs = resolve_costs(dict(costs or {}))
    default_quality, default_basic = default_params()
    quality, basic = quality or default_quality, basic or default_basic
    result = CheapestResult(status="failed")

    def done() -> CheapestResult:
        result.seconds = time.monotonic() - started
        if result.objective is not None and result.bound is not None:
            result.bound = min(result.bound, result.objective)
            result.gap = (result.objective - result.bound) / result.objective if result.objective > 0 else 0.0
        say(1.0, "完成")
        return result

    say(0.0, "读取数据并计算现状")
    model = _Model(data, costs, quality, basic)
    if not model.units:
        result.status, result.verified = "optimal", True
        result.objective = result.total_cost = result.bound = 0.0
        result.report = model.report0
        result.reason = "本县没有纳入资源配置计算的学校"
        return done()
    missing = model.missing()
    if missing:
        result.status = "infeasible"
        result.reason = "以下学校缺少资源配置数据，无法测算（请先补齐数据）：" + "；".join(missing)
        return done()
    model.build()
    problems0 = resource_problems(model.report0)
    if not problems0:
        result.status, result.verified, result.bound = "optimal", True, 0.0
        _fill(result, [], model.report0, [])
        result.reason = "现状已达到资源配置要求，无需增加投入"
        return done()

    try:
        heuristic = model.greedy()
    except _NoAction as e:
        result.status = "infeasible"
        result.reason = f"{STAGE_LABELS[e.key[1]]}学校 {e.key[0]} 的 {e.k} 没有可用的措施（单位成本设置中没有能提高该指标的聘任学历）"
        return done()
    best_x = model.round(heuristic)
    model.repair(best_x)
    best_actions = model.actions(best_x)
    ok, best_report, best_problems = _verify(data, best_actions, quality, basic)
    best_cost = model.cost(best_x) if ok else math.inf

    def improved(bound_now: float) -> None:
        if on_plan is not None and ok:
            on_plan({"objective": best_cost, "bound": bound_now, "actions": len(best_actions)})

    improved(0.0)
    result.notes.append(
        f"启发式方案（逐校补足后按差异系数补低）成本 {best_cost:,.0f} 元"
        if ok
        else "启发式方案未通过引擎验证"
    )

    # the lifted CV formulation for every group over its limit today or once every unit is lifted to its
    # minimums (where the CVs start); any other group gets it when a solution first breaks its limit
    lifted = np.zeros(model.milp.n)
    for u in model.units:
        for k in Q_CODES:
            model.lift(lifted, u.key, k, model.thresholds[u.stage][k])
    for g in model.groups:
        if g.violation(np.zeros(model.milp.n)) > CV_TOLERANCE or g.violation(lifted) > CV_TOLERANCE:
            result.cuts += g.extend(model.milp, model.thresholds[g.stage][g.code])
    bound = 0.0
    say(0.05, "求解线性松弛并加入差异系数的外逼近切平面")
    phase = "lp"
    while time.monotonic() < deadline:
        result.iterations += 1
        # keep a little time back for rounding, repairing and the engine's check of the last solution
        remaining = deadline - time.monotonic() - min(1.0, 0.02 * time_limit)
        start = model.complete(best_x) if phase == "mip" and ok else None
        outcome = model.milp.solve(remaining, relax=phase == "lp", start=start, gap=gap)
        if outcome.status == INFEASIBLE:
            result.status = "infeasible"
            result.reason = "在现有单位成本与措施下无法使每所学校达标（模型无可行解）"
            return done()
        if outcome.bound is not None:
            bound = max(bound, outcome.bound * SCALE)
        if outcome.x is None:
            break
        x = outcome.x
        # the LP phase runs until its solution meets every limit; a MILP solution within MILP_CV_TOLERANCE is
        # taken (rounding and water-filling close the rest, at a cost the gap shows), a worse one refined
        tolerance = CV_TOLERANCE if phase == "lp" else MILP_CV_TOLERANCE
        bad = model.violated(x, tolerance)
        for g in bad:
            if g.mean_col is None:
                result.cuts += g.extend(model.milp, model.thresholds[g.stage][g.code])
            else:
                result.cuts += g.refine(model.milp, x)
        fraction = min(0.95, 0.05 + 0.9 * (time.monotonic() - started) / max(time_limit, 1e-9))
        if phase == "lp":
            say(
                fraction,
                f"线性松弛第 {result.iterations} 轮：{len(bad)} 项差异系数超限，下界 {bound:,.0f} 元",
            )
            if not bad:
                phase = "mip"
            continue
        say(fraction, f"整数规划第 {result.iterations} 轮：{len(bad)} 项差异系数超限，下界 {bound:,.0f} 元")
        candidate = model.round(x[: len(model.cost_of)])
        model.repair(candidate)
        cost = model.cost(candidate)
        if cost < best_cost - 1e-6:
            actions = model.actions(candidate)
            cand_ok, cand_report, cand_problems = _verify(data, actions, quality, basic)
            if cand_ok:
                best_x, best_cost, best_actions, best_report, best_problems = (
                    candidate,
                    cost,
                    actions,
                    cand_report,
                    cand_problems,
                )
                ok = True
                improved(bound)
        if not bad or outcome.status == FEASIBLE:
            break  # converged, or the time limit stopped the solver

    result.bound = bound
    if not ok:
        result.status = "failed"
        result.reason = "在时限内未找到经引擎验证的达标方案"
        result.problems = best_problems
        return done()
    _fill(result, best_actions, best_report, best_problems)
    # optimal = proven within the requested relative gap of the least cost (as MILP solvers use the word)
    result.status = "optimal" if result.objective - bound <= gap * max(result.objective, 1.0) else "feasible"
    if cost_cap is not None:
        if bound > cost_cap + 1e-6:
            result.status, result.verified = "infeasible", False
            result.reason = (
                f"成本上限 {cost_cap:,.0f} 元低于达标所需的最低成本：可证明至少需要 {bound:,.0f} 元"
                f"（找到的最省方案为 {result.objective:,.0f} 元）"
            )
            result.actions, result.cost_by_school, result.cost_by_indicator = [], {}, {}
            return done()
        if result.objective > cost_cap + 1e-6:
            result.status = "failed"
            result.reason = (
                f"在时限内未能确定能否在成本上限 {cost_cap:,.0f} 元内达标：最低成本下界 {bound:,.0f} 元，"
                f"找到的最省方案为 {result.objective:,.0f} 元"
            )
    return done()


__all__ = ["Action", "CheapestResult", "solve_cheapest"]
