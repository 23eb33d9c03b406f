"""Teacher rotation (交流轮岗): the fewest transfers (or the least total distance) that bring the urban–rural degree
ratio to its target and Q1–Q3 of every school to their minimums with CVs within limits, under the rotation rules.
A MILP solved with HiGHS, and a greedy baseline; every plan is verified by the engine. See docs/remedies.md.

Pure: no Django. The roster is a list of plain dicts (see `RosterTeacher` / `roster_from_rows`); teachers' names
are never read. Transfers name teachers by their teacher number only.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from .changes import STAGE_LABELS, MoveTeacher, apply_changes
from .engine_api import BACHELOR_PLUS, PE_ART_SUBJECTS, CountyData, compute_report, default_params
from .milp import FEASIBLE, INFEASIBLE, CvGroup, Milp
from .units import TEACHER_CODES, thresholds_of, units_of

Progress = Callable[[float, str], None]
BACKBONE_LEVELS = ("county", "city", "province", "national")


class RosterError(ValueError):
    """A roster or rule set that cannot be used; the message is Chinese and names the row or setting."""


@dataclass(frozen=True)
class RosterTeacher:
    id: str
    school: str
    stage: str
    subject: str
    degree: str
    backbone: bool
    eligible: bool
    full_time: bool = True
    years_at_school: int | None = None

    @property
    def bachelor_plus(self) -> bool:
        return self.degree in BACHELOR_PLUS

    def above_required(self) -> bool:
        """Q1's degree: primary = 专科 or higher, junior = 本科 or higher."""
        if self.stage == "primary":
            return self.degree in ("postgraduate", "bachelor", "associate")
        return self.bachelor_plus

    @property
    def pe_art(self) -> bool:
        return self.subject in PE_ART_SUBJECTS

    @property
    def kind(self) -> tuple[str, str, str, bool]:
        """What a planner can tell apart: stage, subject, degree class for Q1 and the ratio, backbone."""
        degree = "bachelor_plus" if self.bachelor_plus else "associate" if self.above_required() else "below"
        return (self.stage, self.subject, degree, self.backbone)


def roster_from_rows(rows: Iterable[Mapping[str, Any]]) -> list[RosterTeacher]:
    """Roster dicts → RosterTeacher. Accepts the planner's keys (id, school, stage, subject, degree, backbone,
    eligible, full_time, years_at_school) or the roster's model field names (teacher_id, school_code,
    backbone_level, rotation_eligible); names are ignored."""
    out = []
    for i, r in enumerate(rows):
        try:
            backbone = r["backbone"] if "backbone" in r else r.get("backbone_level") in BACKBONE_LEVELS
            eligible = r["eligible"] if "eligible" in r else r.get("rotation_eligible")
            out.append(
                RosterTeacher(
                    id=str(r["id"] if "id" in r else r["teacher_id"]),
                    school=str(r["school"] if "school" in r else r["school_code"]),
                    stage=r["stage"],
                    subject=r.get("subject") or "",
                    degree=r["degree"],
                    backbone=bool(backbone),
                    eligible=bool(eligible),
                    full_time=bool(r.get("full_time", True)),
                    years_at_school=r.get("years_at_school"),
                )
            )
        except KeyError as e:
            raise RosterError(f"教师名册第 {i + 1} 行缺少字段 {e.args[0]}") from None
    return out


@dataclass
class RotationRules:
    """The rotation rules (settings): who is eligible, how many must rotate, what a transfer may be."""

    min_share: float = 0.10  # of eligible teachers rotated
    backbone_share: float = 0.20  # of the rotated, backbone teachers
    eligibility: str = "flag"  # "flag": the roster's eligible flag; "all": every full-time teacher; "years"
    min_years: int = 6  # with eligibility "years": years at the school ≥ this
    balance: str = "subject"  # each school gets back as many as it sends per "subject" (and stage) or "stage"
    school_targets: str = (
        "reach"  # "reach": Q1–Q3 ≥ minimum everywhere; "keep": no unit falls below min(now, minimum)
    )
    forbidden_pairs: list[tuple[str, str]] = field(default_factory=list)  # (from, to) school codes
    distances: dict[tuple[str, str], float] | None = None  # km between schools (either order)
    max_distance: float | None = None
    objective: str = "moves"  # "moves" or "distance" (needs distances)
    max_pair_columns: int = 150_000  # pair model: beyond this, each school keeps its nearest destinations

    def check(self) -> None:
        if not 0 <= self.min_share <= 1 or not 0 <= self.backbone_share <= 1:
            raise RosterError("交流比例与骨干比例应在 0 到 1 之间")
        if self.eligibility not in ("flag", "all", "years"):
            raise RosterError(f"交流资格规则应为 flag、all 或 years，收到 {self.eligibility!r}")
        if self.balance not in ("subject", "stage"):
            raise RosterError(f"编制平衡规则应为 subject 或 stage，收到 {self.balance!r}")
        if self.school_targets not in ("reach", "keep"):
            raise RosterError(f"学校目标应为 reach 或 keep，收到 {self.school_targets!r}")
        if self.objective not in ("moves", "distance"):
            raise RosterError(f"目标应为 moves 或 distance，收到 {self.objective!r}")
        if self.objective == "distance" and not self.distances:
            raise RosterError("按总距离最小求解需要提供学校间距离")
        if self.max_distance is not None and not self.distances:
            raise RosterError("设置了最大交流距离，但没有提供学校间距离")

    def distance(self, a: str, b: str) -> float | None:
        if not self.distances:
            return None
        return self.distances.get((a, b), self.distances.get((b, a)))

    def allowed(self, a: str, b: str) -> bool:
        if (a, b) in self.forbidden:
            return False
        if self.max_distance is not None:
            d = self.distance(a, b)
            return d is not None and d <= self.max_distance
        return True

    @property
    def forbidden(self) -> set[tuple[str, str]]:
        return {tuple(p) for p in self.forbidden_pairs}


@dataclass
class Transfer:
    teacher_id: str
    from_school: str
    to_school: str
    stage: str
    subject: str
    degree: str
    backbone: bool
    distance: float | None
    why: str


@dataclass
class RotationResult:
    status: str  # optimal | feasible | infeasible | failed
    verified: bool = False
    moves: int = 0
    backbone_moves: int = 0
    required_moves: int = 0
    eligible: int = 0
    objective: float | None = None
    bound: float | None = None
    gap: float | None = None
    transfers: list[Transfer] = field(default_factory=list)
    reason: str = ""
    problems: list[str] = field(default_factory=list)
    before: dict[str, Any] = field(default_factory=dict)  # ratio and failing units before
    after: dict[str, Any] = field(default_factory=dict)
    report: dict[str, Any] | None = None
    seconds: float = 0.0
    iterations: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def changes(self) -> list[dict[str, Any]]:
        return [_move(t).to_dict() for t in self.transfers]

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "changes": self.changes}


def _move(t: Transfer) -> MoveTeacher:
    return MoveTeacher(
        from_school=t.from_school,
        to_school=t.to_school,
        stage=t.stage,
        degree=t.degree,
        backbone=t.backbone,
        subject=t.subject,
        teacher_id=t.teacher_id,
    )


# ---------------------------------------------------------------- the problem, shared by the MILP and the greedy


class _Problem:
    def __init__(
        self, data: CountyData, roster: Sequence[RosterTeacher], rules: RotationRules, quality, basic
    ):
        self.data, self.rules, self.quality, self.basic = data, rules, quality, basic
        self.report0 = compute_report(data, quality, basic)
        self.units = units_of(self.report0)
        self.thresholds = thresholds_of(self.report0)
        self.cv_limits = {s: self.report0["quality_2017"][s]["cv_limit"] for s in ("primary", "junior")}
        self.schools = {s["code"]: s for s in data.schools}
        self.target = quality["degree_ratio_target"]
        self.urban, self.rural = set(quality["urban_codes"]), set(quality["rural_codes"])
        self.roster = [t for t in roster if t.full_time and t.stage in ("primary", "junior")]
        unknown = sorted({t.school for t in self.roster} - set(self.schools))
        if unknown:
            raise RosterError(f"教师名册中的学校不在本县数据中：{'、'.join(unknown[:5])}")
        self.eligible = [t for t in self.roster if self._eligible(t)]
        self.required = math.ceil(rules.min_share * len(self.eligible) - 1e-9)
        # schools a teacher of a stage may go to: they teach the stage (special schools excepted)
        self.hosts = {
            stage: [
                c
                for c, s in self.schools.items()
                if (s.get(f"{stage}_students") or 0) > 0 and s.get("kind") != "special"
            ]
            for stage in ("primary", "junior")
        }
        # teacher counts today, per unit and indicator, from the engine's inputs
        self.counts0 = {
            (u.school, u.stage): {
                "Q1": self._count(
                    u.school, u.stage, "associate_plus" if u.stage == "primary" else "bachelor_plus"
                ),
                "Q2": self._count(u.school, u.stage, "backbone"),
                "Q3": self._count(u.school, u.stage, "pe_art"),
            }
            for u in self.units
        }
        self.students = {u.key: u.students for u in self.units}
        self.needs = {}
        for u in self.units:
            for k in TEACHER_CODES:
                need = math.ceil(self.thresholds[u.stage][k] * u.students / 100 - 1e-9)
                now = self.counts0[u.key][k]
                self.needs[(u.key, k)] = need if rules.school_targets == "reach" else min(need, now)
        # the CV each group must meet: its limit, or with "keep" a CV already over it must only not grow
        self.cv_targets = {}
        for stage in ("primary", "junior"):
            for k in TEACHER_CODES:
                cv0 = self.report0["quality_2017"][stage]["indicators"][k]["cv"]
                limit = self.cv_limits[stage]
                self.cv_targets[(stage, k)] = (
                    max(limit, cv0) if rules.school_targets == "keep" and cv0 is not None else limit
                )
        ur = self.report0["urban_rural_degree_ratio"]
        self.ratio0 = ur
        self.urban_ft, self.rural_ft = ur["urban_teachers"], ur["rural_teachers"]
        self.urban_bp0, self.rural_bp0 = ur["urban_bachelor_plus"], ur["rural_bachelor_plus"]

    def _eligible(self, t: RosterTeacher) -> bool:
        if self.rules.eligibility == "all":
            return True
        if self.rules.eligibility == "years":
            return t.years_at_school is not None and t.years_at_school >= self.rules.min_years
        return t.eligible

    def _count(self, school: str, stage: str, key: str) -> int:
        return int((self.data.teachers.get((school, stage)) or {}).get(key, 0) or 0)

    def side(self, school: str) -> str | None:
        code = self.schools[school].get("urban_rural_code")
        return "urban" if code in self.urban else "rural" if code in self.rural else None

    @staticmethod
    def gives(kind: tuple[str, str, str, bool], k: str) -> int:
        stage, subject, degree, backbone = kind
        if k == "Q1":
            return int(degree == "bachelor_plus" or (stage == "primary" and degree == "associate"))
        if k == "Q2":
            return int(backbone)
        return int(subject in PE_ART_SUBJECTS)

    def balance_key(self, school: str, kind) -> tuple:
        return (school, kind[0], kind[1]) if self.rules.balance == "subject" else (school, kind[0])

    # ------------------------------------------------------------ checking a plan (indicator part by the engine)

    def evaluate(self, transfers: Sequence[Transfer]) -> tuple[list[str], dict[str, Any], dict[str, Any]]:
        """Everything the plan fails, in Chinese ([] = it meets every target and rule), the engine's report after
        it, and the summary figures."""
        problems = self.rule_problems(transfers)
        scenario = apply_changes(self.data, [_move(t) for t in transfers], self.quality)
        report = compute_report(scenario, self.quality, self.basic)
        ur = report["urban_rural_degree_ratio"]
        if ur["ratio"] is not None and ur["pass"] is not True:
            problems.append(f"城乡学历比 {ur['ratio']:.4f} 高于 {self.target}")
        failing = []
        for stage in ("primary", "junior"):
            q = report["quality_2017"][stage]
            for s in q["schools"]:
                for k in TEACHER_CODES:
                    need = self.needs[((s["code"], stage), k)]
                    have = self._count_after(scenario, s["code"], stage, k)
                    if have < need:
                        failing.append(
                            f"{STAGE_LABELS[stage]}学校 {s['code']} 的 {k}（{have} 人，需 {need} 人）"
                        )
            for k in TEACHER_CODES:
                ind = q["indicators"][k]
                target = self.cv_targets[(stage, k)]
                if ind["cv"] is not None and ind["cv"] > target + 1e-12:
                    problems.append(f"{STAGE_LABELS[stage]} {k} 差异系数 {ind['cv']:.3f} 超过 {target:.3f}")
        problems.extend(f"{f} 未达到要求" for f in failing)
        summary = {
            "ratio": ur["ratio"],
            "ratio_pass": ur["pass"],
            "units_below": failing,
            "cv": {
                stage: {k: report["quality_2017"][stage]["indicators"][k]["cv"] for k in TEACHER_CODES}
                for stage in ("primary", "junior")
            },
        }
        return problems, report, summary

    @staticmethod
    def _count_after(data: CountyData, school: str, stage: str, k: str) -> int:
        key = {
            "Q1": "associate_plus" if stage == "primary" else "bachelor_plus",
            "Q2": "backbone",
            "Q3": "pe_art",
        }[k]
        return int((data.teachers.get((school, stage)) or {}).get(key, 0) or 0)

    def rule_problems(self, transfers: Sequence[Transfer]) -> list[str]:
        """The rotation rules, checked on the transfer list itself (not through the solver's model)."""
        problems = []
        by_id = {t.id: t for t in self.eligible}
        moved = [t.teacher_id for t in transfers]
        if len(set(moved)) != len(moved):
            problems.append("同一教师被安排了多次交流")
        flow: dict[tuple, int] = defaultdict(int)
        backbone = 0
        for t in transfers:
            teacher = by_id.get(t.teacher_id)
            if teacher is None:
                problems.append(f"教师 {t.teacher_id} 不符合交流条件")
                continue
            if teacher.school != t.from_school or teacher.stage != t.stage:
                problems.append(f"教师 {t.teacher_id} 的调出学校或学段与名册不符")
            if t.to_school not in self.hosts[t.stage] or t.to_school == t.from_school:
                problems.append(f"教师 {t.teacher_id} 的调入学校 {t.to_school} 没有该学段")
            if not self.rules.allowed(t.from_school, t.to_school):
                problems.append(f"教师 {t.teacher_id}：{t.from_school} → {t.to_school} 不在允许的交流范围内")
            backbone += int(teacher.backbone)
            flow[self.balance_key(t.from_school, teacher.kind)] -= 1
            flow[self.balance_key(t.to_school, teacher.kind)] += 1
        if any(flow.values()):
            problems.append("有学校调出与调入的同学段（同学科）教师人数不相等")
        if len(transfers) < self.required:
            problems.append(
                f"交流 {len(transfers)} 人，少于符合条件教师的 {self.rules.min_share:.0%}（{self.required} 人）"
            )
        if transfers and backbone < self.rules.backbone_share * len(transfers) - 1e-9:
            problems.append(f"交流教师中骨干教师 {backbone} 人，不足 {self.rules.backbone_share:.0%}")
        return problems

    # ------------------------------------------------------------ turning flows into named transfers

    def name_transfers(self, flows: Mapping[tuple[str, str, tuple], int]) -> list[Transfer]:
        """flows: (from, to, kind) → number. Picks which teachers go: the longest at their school first, then by
        teacher number, so the choice is stable."""
        pool: dict[tuple[str, tuple], list[RosterTeacher]] = defaultdict(list)
        for t in self.eligible:
            pool[(t.school, t.kind)].append(t)
        for teachers in pool.values():
            teachers.sort(key=lambda t: (-(t.years_at_school or 0), t.id))
        out = []
        for (a, b, kind), n in sorted(flows.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2])):
            for _ in range(n):
                teacher = pool[(a, kind)].pop(0)
                out.append(
                    Transfer(
                        teacher.id,
                        a,
                        b,
                        teacher.stage,
                        teacher.subject,
                        teacher.degree,
                        teacher.backbone,
                        self.rules.distance(a, b),
                        "",
                    )
                )
        self.explain(out)
        return out

    def explain(self, transfers: list[Transfer]) -> None:
        """Why each transfer is in the plan, in Chinese, from what it does to the targets."""
        short = {
            (key, k)
            for key in self.counts0
            for k in TEACHER_CODES
            if self.counts0[key][k] < self.needs[(key, k)]
        }
        ratio_high = self.ratio0["ratio"] is not None and self.ratio0["ratio"] > self.target
        for t in transfers:
            above = t.degree in BACHELOR_PLUS or (t.stage == "primary" and t.degree == "associate")
            gives = {"Q1": above, "Q2": t.backbone, "Q3": t.subject in PE_ART_SUBJECTS}
            reasons = [
                f"补足调入学校的 {k}"
                for k in TEACHER_CODES
                if gives[k] and ((t.to_school, t.stage), k) in short
            ]
            if (
                ratio_high
                and t.degree in BACHELOR_PLUS
                and self.side(t.from_school) == "urban"
                and (self.side(t.to_school) == "rural")
            ):
                reasons.append("提高乡村学校本科及以上学历教师比例（城乡学历比）")
            if (
                ratio_high
                and t.degree not in BACHELOR_PLUS
                and self.side(t.from_school) == "rural"
                and (self.side(t.to_school) == "urban")
            ):
                reasons.append("与城区学校对调，保持编制并降低城乡学历比")
            if not reasons:
                reasons.append("保持两校同学科教师人数（对调）并完成交流比例")
            t.why = "；".join(reasons)


# ---------------------------------------------------------------- the MILP


@dataclass
class _Columns:
    out: dict[tuple[str, tuple], dict[int, float]] = field(default_factory=lambda: defaultdict(dict))
    into: dict[tuple[str, tuple], dict[int, float]] = field(default_factory=lambda: defaultdict(dict))
    pairs: dict[int, tuple[str, str, tuple]] = field(
        default_factory=dict
    )  # pair model: column → (a, b, kind)
    out_cols: dict[int, tuple[str, tuple]] = field(
        default_factory=dict
    )  # aggregated: column → (school, kind)
    in_cols: dict[int, tuple[str, tuple]] = field(default_factory=dict)


def _build(problem: _Problem, milp: Milp) -> tuple[_Columns, list[CvGroup], list[str], list[str]]:
    rules, notes = problem.rules, []
    cols = _Columns()
    supply: dict[tuple[str, tuple], int] = defaultdict(int)
    for t in problem.eligible:
        supply[(t.school, t.kind)] += 1
    kinds = sorted({kind for _, kind in supply})
    pair_model = bool(
        rules.forbidden_pairs or rules.max_distance is not None or rules.objective == "distance"
    )
    if pair_model:
        destinations = {}
        for (a, kind), _n in supply.items():
            allowed = [b for b in problem.hosts[kind[0]] if b != a and rules.allowed(a, b)]
            destinations[(a, kind)] = allowed
        total = sum(len(v) for v in destinations.values())
        if total > rules.max_pair_columns:
            keep = max(1, rules.max_pair_columns // max(1, len(destinations)))
            for key, allowed in destinations.items():
                allowed.sort(key=lambda b, a=key[0]: (rules.distance(a, b) or 0.0, b))
                del allowed[keep:]
            notes.append(
                f"学校间可选组合过多，每所学校只考虑最近的 {keep} 所调入学校（最优性仅就此范围而言）"
            )
        for (a, kind), allowed in destinations.items():
            for b in allowed:
                cost = (rules.distance(a, b) or 0.0) if rules.objective == "distance" else 1.0
                j = milp.var(cost, 0.0, supply[(a, kind)], integer=True)
                cols.pairs[j] = (a, b, kind)
                cols.out[(a, kind)][j] = 1.0
                cols.into[(b, kind)][j] = 1.0
        for (a, kind), n in supply.items():
            if cols.out[(a, kind)]:
                milp.row(cols.out[(a, kind)], upper=n)
    else:
        for (a, kind), n in supply.items():
            j = milp.var(1.0, 0.0, n, integer=True)
            cols.out[(a, kind)][j] = 1.0
            cols.out_cols[j] = (a, kind)
        for kind in kinds:
            total = {j: 1.0 for (a, k2), c in cols.out.items() if k2 == kind for j in c}
            ins = {}
            for b in problem.hosts[kind[0]]:
                kind_total = sum(n for (_, k2), n in supply.items() if k2 == kind)
                j = milp.var(0.0, 0.0, kind_total, integer=True)
                cols.into[(b, kind)][j] = 1.0
                cols.in_cols[j] = (b, kind)
                ins[j] = 1.0
                # no teacher goes back to his own school: in + out ≤ all that move of this kind
                row = {j: 1.0, **{jj: -1.0 for jj in total}}
                for jj in cols.out.get((b, kind), {}):
                    row[jj] = row.get(jj, 0.0) + 1.0
                milp.row(row, upper=0.0)
            milp.row({**ins, **{j: -1.0 for j in total}}, lower=0.0, upper=0.0)
    # each school gets back as many (per stage and subject, or per stage) as it sends
    balance: dict[tuple, dict[int, float]] = defaultdict(dict)
    for (school, kind), c in cols.out.items():
        for j, v in c.items():
            row = balance[problem.balance_key(school, kind)]
            row[j] = row.get(j, 0.0) - v
    for (school, kind), c in cols.into.items():
        for j, v in c.items():
            row = balance[problem.balance_key(school, kind)]
            row[j] = row.get(j, 0.0) + v
    for row in balance.values():
        milp.row(row, lower=0.0, upper=0.0)
    # rotation shares: moves ≥ required; backbone moves ≥ share × moves
    moves = {j: 1.0 for c in cols.out.values() for j in c}
    impossible = []
    if problem.required and not moves:
        impossible.append(
            f"按规则至少需交流 {problem.required} 人，但在交流距离上限和禁止的学校组合之内，没有可以互相交流的学校"
        )
    elif problem.required:
        milp.row(moves, lower=problem.required)
    bb = {j: (1.0 if kind[3] else 0.0) - rules.backbone_share for (a, kind), c in cols.out.items() for j in c}
    milp.row(bb, lower=0.0)
    # unit counts: Q1–Q3 at their targets
    terms: dict[tuple[tuple[str, str], str], dict[int, float]] = defaultdict(dict)
    for table, sign in ((cols.out, -1.0), (cols.into, 1.0)):
        for (school, kind), c in table.items():
            key = (school, kind[0])
            if key not in problem.counts0:
                continue
            for k in TEACHER_CODES:
                g = problem.gives(kind, k)
                if g:
                    for j in c:
                        terms[(key, k)][j] = terms[(key, k)].get(j, 0.0) + sign * g
    for key in problem.counts0:
        for k in TEACHER_CODES:
            need = problem.needs[(key, k)] - problem.counts0[key][k]
            row = terms.get((key, k), {})
            if row:
                milp.row(row, lower=need)
            elif need > 0:
                impossible.append(
                    f"{STAGE_LABELS[key[1]]}学校 {key[0]} 的 {k} 需 {problem.needs[(key, k)]} 人、现有 "
                    f"{problem.counts0[key][k]} 人，但没有可调入的相应教师"
                )
    # the urban–rural ratio: per-school headcounts do not change (balance), so urban_bp·R_ft ≤ target·rural_bp·U_ft
    if problem.urban_ft and problem.rural_ft:
        row: dict[int, float] = {}
        for table, sign in ((cols.out, -1.0), (cols.into, 1.0)):
            for (school, kind), c in table.items():
                if kind[2] != "bachelor_plus":
                    continue
                side = problem.side(school)
                coef = (
                    problem.rural_ft
                    if side == "urban"
                    else -problem.target * problem.urban_ft
                    if side == "rural"
                    else 0.0
                )
                for j in c:
                    row[j] = row.get(j, 0.0) + sign * coef
        rhs = problem.target * problem.rural_bp0 * problem.urban_ft - problem.urban_bp0 * problem.rural_ft
        scale = max(problem.urban_ft * problem.rural_ft, 1)
        row = {j: v for j, v in row.items() if v != 0.0}
        if row:
            milp.row({j: v / scale for j, v in row.items()}, upper=rhs / scale)
        elif rhs < 0:
            impossible.append(
                "城乡学历比高于目标，但在交流规则允许的范围内，没有能改变它的本科及以上学历教师可以交流"
            )
    # CVs of Q1–Q3, as value groups (the lifted formulation is added when a group is over its limit)
    groups = []
    for stage in ("primary", "junior"):
        units = [u for u in problem.units if u.stage == stage]
        if len(units) < 2:
            continue
        for k in TEACHER_CODES:
            groups.append(
                CvGroup.build(
                    stage,
                    k,
                    problem.cv_targets[(stage, k)],
                    [u.school for u in units],
                    [u.students for u in units],
                    [u.values[k] for u in units],
                    [{j: 100 * v / u.students for j, v in terms.get((u.key, k), {}).items()} for u in units],
                )
            )
    return cols, groups, notes, impossible


def _flows(problem: _Problem, cols: _Columns, x: np.ndarray) -> dict[tuple[str, str, tuple], int]:
    if cols.pairs:
        return {key: int(round(x[j])) for j, key in cols.pairs.items() if round(x[j]) > 0}
    # aggregated model: pair the leavers of each kind with the places, never sending one home (a small
    # transportation problem; its LP solution is integral)
    flows: dict[tuple[str, str, tuple], int] = {}
    by_kind: dict[tuple, tuple[dict[str, int], dict[str, int]]] = defaultdict(lambda: ({}, {}))
    for j, (school, kind) in cols.out_cols.items():
        n = int(round(x[j]))
        if n:
            by_kind[kind][0][school] = n
    for j, (school, kind) in cols.in_cols.items():
        n = int(round(x[j]))
        if n:
            by_kind[kind][1][school] = n
    for kind, (outs, ins) in by_kind.items():
        milp = Milp()
        pair = {}
        for a in outs:
            for b in ins:
                if a != b:
                    pair[milp.var(1.0, 0.0, min(outs[a], ins[b]))] = (a, b)
        for a, n in outs.items():
            milp.row({j: 1.0 for j, (aa, _) in pair.items() if aa == a}, lower=n, upper=n)
        for b, n in ins.items():
            milp.row({j: 1.0 for j, (_, bb) in pair.items() if bb == b}, lower=n, upper=n)
        outcome = milp.solve(10.0, relax=True)
        if outcome.x is None:
            raise RuntimeError("transportation problem without solution")
        for j, (a, b) in pair.items():
            n = int(round(outcome.x[j]))
            if n:
                flows[(a, b, kind)] = n
    return flows


def solve_rotation(
    data: CountyData,
    roster: Sequence[RosterTeacher | Mapping[str, Any]],
    rules: RotationRules | None = None,
    *,
    quality: Mapping[str, Any] | None = None,
    basic: Mapping[str, Any] | None = None,
    time_limit: float = 60.0,
    progress: Progress | None = None,
    on_plan: Callable[[dict[str, Any]], None] | None = None,
) -> RotationResult:
    """The rotation plan with the fewest transfers (or least distance) meeting the targets, verified by the engine.

    on_plan receives {"moves", "objective", "bound"} each time the solver finds a better plan (for a progress
    bar showing the best plan so far)."""
    started = time.monotonic()
    deadline = started + time_limit
    say = progress or (lambda fraction, message: None)
    rules = rules or RotationRules()
    rules.check()
    default_quality, default_basic = default_params()
    quality, basic = quality or default_quality, basic or default_basic
    roster = [t if isinstance(t, RosterTeacher) else roster_from_rows([t])[0] for t in roster]
    result = RotationResult(status="failed")

    def done() -> RotationResult:
        result.seconds = time.monotonic() - started
        say(1.0, "完成")
        return result

    say(0.0, "读取名册与现状")
    problem = _Problem(data, roster, rules, quality, basic)
    result.eligible, result.required_moves = len(problem.eligible), problem.required
    before, _, result.before = problem.evaluate([])
    result.before["problems"] = [p for p in before if "交流" not in p]
    if not problem.eligible:
        result.status = "infeasible"
        result.reason = {
            "flag": "名册中没有标记为“符合交流条件”的专任教师，无法制定交流方案",
            "all": "名册中没有专任教师，无法制定交流方案",
            "years": f"名册中没有在本校任教满 {rules.min_years} 年的专任教师，无法制定交流方案",
        }[rules.eligibility]
        return done()

    milp = Milp()
    cols, groups, notes, impossible = _build(problem, milp)
    result.notes.extend(notes)
    if impossible:
        result.status = "infeasible"
        result.reason = "在现有名册与交流规则下无法达到要求：" + "；".join(impossible[:6])
        return done()
    for g in groups:
        if g.violation(np.zeros(milp.n)) > 0:
            g.extend(milp, problem.thresholds[g.stage][g.code])

    def improving(x, objective, bound):
        if on_plan is not None:
            moves = int(round(sum(x[j] for c in cols.out.values() for j in c)))
            on_plan({"moves": moves, "objective": objective, "bound": bound})

    bound, x = 0.0, None
    while time.monotonic() < deadline:
        result.iterations += 1
        say(
            min(0.95, (time.monotonic() - started) / time_limit),
            f"第 {result.iterations} 轮求解（已加入 {len(milp.rows)} 条约束）",
        )
        outcome = milp.solve(deadline - time.monotonic(), on_improve=improving, gap=1e-9)
        if outcome.status == INFEASIBLE:
            result.status = "infeasible"
            result.reason = _why_infeasible(problem)
            return done()
        if outcome.bound is not None:
            bound = max(bound, outcome.bound)
        if outcome.x is None:
            break
        x = outcome.x
        bad = [g for g in groups if g.violation(x) > 1e-12]
        for g in bad:
            if g.mean_col is None:
                g.extend(milp, problem.thresholds[g.stage][g.code])
            else:
                g.refine(milp, x, tolerance=0.0)
        if not bad or outcome.status == FEASIBLE:
            break
    if x is None:
        result.reason = "在时限内未找到满足全部要求的交流方案"
        return done()
    transfers = problem.name_transfers(_flows(problem, cols, x))
    problems, report, after = problem.evaluate(transfers)
    result.transfers, result.report, result.after, result.problems = transfers, report, after, problems
    result.moves = len(transfers)
    result.backbone_moves = sum(1 for t in transfers if t.backbone)
    result.objective = float(
        sum(t.distance or 0.0 for t in transfers) if rules.objective == "distance" else len(transfers)
    )
    result.bound = min(bound, result.objective)
    if rules.objective == "moves":
        result.bound = float(math.ceil(result.bound - 1e-6))  # a number of moves is whole
    result.gap = (result.objective - result.bound) / result.objective if result.objective else 0.0
    result.verified = not problems
    if not result.verified:
        result.status = "failed"
        result.reason = "求解得到的方案未通过引擎验证：" + "；".join(problems[:5])
    else:
        result.status = "optimal" if result.gap <= 1e-9 else "feasible"
    return done()


def _why_infeasible(problem: _Problem) -> str:
    """A Chinese reason for an infeasible model, from the simplest checks that can prove it."""
    rules = problem.rules
    reasons = []
    if problem.required > len(problem.eligible):
        reasons.append("符合条件的教师人数不足以达到交流比例")
    backbone = sum(1 for t in problem.eligible if t.backbone)
    if problem.required and backbone < rules.backbone_share * problem.required:
        reasons.append(
            f"符合交流条件的骨干教师只有 {backbone} 人，不足以使交流教师中骨干占 {rules.backbone_share:.0%}"
            f"（至少交流 {problem.required} 人）"
        )
    for key, counts in problem.counts0.items():
        for k in TEACHER_CODES:
            need = problem.needs[(key, k)]
            if counts[k] >= need:
                continue
            kind_ok = [
                t
                for t in problem.eligible
                if t.stage == key[1] and t.school != key[0] and problem.gives(t.kind, k)
            ]
            if not kind_ok:
                reasons.append(
                    f"{STAGE_LABELS[key[1]]}学校 {key[0]} 的 {k} 需 {need} 人、现有 {counts[k]} 人，"
                    "但其他学校没有可交流的相应教师"
                )
    for stage in ("primary", "junior"):
        keys = [key for key in problem.counts0 if key[1] == stage]
        elsewhere = [
            t for t in problem.eligible if t.stage == stage and (t.school, stage) not in problem.counts0
        ]
        for k in TEACHER_CODES:
            need = sum(problem.needs[(key, k)] for key in keys)
            have = sum(problem.counts0[key][k] for key in keys) + sum(
                problem.gives(t.kind, k) for t in elsewhere
            )
            if need > have:
                reasons.append(
                    f"全县{STAGE_LABELS[stage]}可计入 {k} 的教师共 {have} 人，各校达标共需 {need} 人：交流不能增加总数，"
                    "需新聘或培养"
                )
    if problem.ratio0["ratio"] is not None and problem.ratio0["ratio"] > problem.target:
        movable = [t for t in problem.eligible if t.bachelor_plus and problem.side(t.school) == "urban"]
        if not movable:
            reasons.append("城乡学历比超标，但城区学校没有可交流的本科及以上学历教师")
    if rules.balance == "subject":
        reasons.append("按同学科对调的规则，体育艺术教师（Q3）的人数不能靠交流改变")
    head = "在现有名册与交流规则下，无法同时满足城乡学历比、各校 Q1–Q3 及差异系数的要求"
    return head + ("：" + "；".join(reasons[:6]) if reasons else "")


# ---------------------------------------------------------------- the greedy baseline


def greedy_rotation(
    data: CountyData,
    roster: Sequence[RosterTeacher | Mapping[str, Any]],
    rules: RotationRules | None = None,
    *,
    quality: Mapping[str, Any] | None = None,
    basic: Mapping[str, Any] | None = None,
) -> RotationResult:
    """The baseline a person would follow, by swaps of two eligible teachers of the same stage and subject (so
    every school keeps its headcount), each swap chosen without looking ahead:

    1. every unit short of a Q1–Q3 target, largest shortfall first: swap in a teacher who counts for it from the
       school with the largest surplus of that indicator, sending back one who does not;
    2. while the urban–rural ratio is above target: swap an urban teacher with 本科+ for a rural one without,
       from the urban school with the largest Q1 surplus;
    3. while a Q1–Q3 CV is over its limit: swap a teacher who counts from the unit with the highest value to the
       one with the lowest;
    4. while fewer than the required share (or too few backbone teachers) have moved: swap two teachers of the
       same kind (a swap that changes no figure), backbone pairs first while the backbone share is short.

    No swap may push a unit below its target, raise the ratio above target or use a forbidden or too distant
    pair. The result is verified by the engine like the MILP's."""
    started = time.monotonic()
    rules = rules or RotationRules()
    rules.check()
    default_quality, default_basic = default_params()
    quality, basic = quality or default_quality, basic or default_basic
    roster = [t if isinstance(t, RosterTeacher) else roster_from_rows([t])[0] for t in roster]
    problem = _Problem(data, roster, rules, quality, basic)
    result = RotationResult(status="failed", eligible=len(problem.eligible), required_moves=problem.required)
    result.before = problem.evaluate([])[2]
    if not problem.eligible:
        result.status, result.reason = "infeasible", "没有符合交流条件的专任教师，无法制定交流方案"
        return result
    state = _GreedyState(problem)
    state.run()
    transfers = [
        Transfer(
            t.id, t.school, to, t.stage, t.subject, t.degree, t.backbone, rules.distance(t.school, to), ""
        )
        for t, to in state.moves
    ]
    problem.explain(transfers)
    problems, report, after = problem.evaluate(transfers)
    result.transfers, result.report, result.after, result.problems = transfers, report, after, problems
    result.moves = result.objective = len(transfers)
    if rules.objective == "distance":
        result.objective = float(sum(t.distance or 0.0 for t in transfers))
    result.backbone_moves = sum(1 for t in transfers if t.backbone)
    result.verified = not problems
    result.status = "feasible" if result.verified else "failed"
    if problems:
        result.reason = "贪心方案未达到全部要求：" + "；".join(problems[:5])
    result.seconds = time.monotonic() - started
    return result


class _GreedyState:
    def __init__(self, problem: _Problem):
        self.p = problem
        self.counts = {key: dict(c) for key, c in problem.counts0.items()}
        self.urban_bp, self.rural_bp = problem.urban_bp0, problem.rural_bp0
        self.free: dict[tuple[str, str, str], list[RosterTeacher]] = defaultdict(
            list
        )  # (school, stage, subject)
        for t in sorted(problem.eligible, key=lambda t: (-(t.years_at_school or 0), t.id)):
            self.free[(t.school, t.stage, t.subject)].append(t)
        self.moves: list[tuple[RosterTeacher, str]] = []

    # ---- effects of a swap
    def _gives(self, t: RosterTeacher, k: str) -> int:
        return self.p.gives(t.kind, k)

    def ratio_ok(self, urban_bp: int, rural_bp: int) -> bool:
        p = self.p
        if not p.urban_ft or not p.rural_ft:
            return True
        return urban_bp * p.rural_ft <= p.target * rural_bp * p.urban_ft + 1e-9

    def _bp_after(self, x: RosterTeacher, y: RosterTeacher) -> tuple[int, int]:
        ub, rb = self.urban_bp, self.rural_bp
        for t, src, dst in ((x, x.school, y.school), (y, y.school, x.school)):
            if not t.bachelor_plus:
                continue
            for school, sign in ((src, -1), (dst, 1)):
                side = self.p.side(school)
                if side == "urban":
                    ub += sign
                elif side == "rural":
                    rb += sign
        return ub, rb

    def swap_ok(self, x: RosterTeacher, y: RosterTeacher, ratio_must_hold: bool) -> bool:
        if x.school == y.school or not (
            self.p.rules.allowed(x.school, y.school) and self.p.rules.allowed(y.school, x.school)
        ):
            return False
        # each goes to the other's school, which must teach the stage (a special school does not take part)
        hosts = self.p.hosts[x.stage]
        if x.school not in hosts or y.school not in hosts:
            return False
        for school, out, into in ((x.school, x, y), (y.school, y, x)):
            key = (school, x.stage)
            if key not in self.counts:
                continue
            for k in TEACHER_CODES:
                after = self.counts[key][k] - self._gives(out, k) + self._gives(into, k)
                if after < self.p.needs[(key, k)] and after < self.counts[key][k]:
                    return False
        if ratio_must_hold:
            return self.ratio_ok(*self._bp_after(x, y))
        return True

    def do(self, x: RosterTeacher, y: RosterTeacher) -> None:
        self.urban_bp, self.rural_bp = self._bp_after(x, y)
        for school, out, into in ((x.school, x, y), (y.school, y, x)):
            key = (school, x.stage)
            if key in self.counts:
                for k in TEACHER_CODES:
                    self.counts[key][k] += self._gives(into, k) - self._gives(out, k)
        self.free[(x.school, x.stage, x.subject)].remove(x)
        self.free[(y.school, y.stage, y.subject)].remove(y)
        self.moves += [(x, y.school), (y, x.school)]

    def surplus(self, school: str, stage: str, k: str) -> int:
        key = (school, stage)
        return self.counts[key][k] - self.p.needs[(key, k)] if key in self.counts else 0

    def _pairs_into(
        self, school: str, stage: str, wants: Callable[[RosterTeacher], bool], lacks, donors_first
    ):
        """Candidate (x from elsewhere with `wants`, y from `school` with `lacks`) of one subject."""
        mine = {subj: ts for (s, st, subj), ts in self.free.items() if s == school and st == stage and ts}
        donors = [
            (s, subj, ts)
            for (s, st, subj), ts in self.free.items()
            if st == stage and s != school and subj in mine and ts
        ]
        donors.sort(key=donors_first)
        for _s, subj, ts in donors:
            for x in ts:
                if not wants(x):
                    continue
                for y in mine[subj]:
                    if lacks(y):
                        yield x, y
                break

    def ratio_ok_now(self) -> bool:
        return self.ratio_ok(self.urban_bp, self.rural_bp)

    def run(self) -> None:
        p = self.p
        # 1. units short of a target
        progress = True
        while progress:
            progress = False
            short = sorted(
                (
                    (p.needs[(key, k)] - self.counts[key][k], key, k)
                    for key in self.counts
                    for k in TEACHER_CODES
                ),
                reverse=True,
            )
            for gap, (school, stage), k in short:
                if gap <= 0:
                    break
                holds = self.ratio_ok_now()
                for x, y in self._pairs_into(
                    school,
                    stage,
                    lambda t, k=k: self.p.gives(t.kind, k) == 1,
                    lambda t, k=k: self.p.gives(t.kind, k) == 0,
                    lambda d, k=k, stage=stage: -self.surplus(d[0], stage, k),
                ):
                    if self.swap_ok(x, y, holds):
                        self.do(x, y)
                        progress = True
                        break
                if progress:
                    break
        # 2. the urban–rural ratio
        while not self.ratio_ok_now():
            found = None
            rural = [s for s in p.schools if p.side(s) == "rural"]
            for school in rural:
                for stage in ("primary", "junior"):
                    for x, y in self._pairs_into(
                        school,
                        stage,
                        lambda t: t.bachelor_plus and p.side(t.school) == "urban",
                        lambda t: not t.bachelor_plus,
                        lambda d, stage=stage: -self.surplus(d[0], stage, "Q1"),
                    ):
                        if self.swap_ok(x, y, False):
                            found = (x, y)
                            break
                    if found:
                        break
                if found:
                    break
            if not found:
                break
            self.do(*found)
        # 3. CVs of Q1–Q3
        for _ in range(10_000):
            worst = None
            for stage in ("primary", "junior"):
                keys = [key for key in self.counts if key[1] == stage]
                if len(keys) < 2:
                    continue
                w = np.array([p.students[key] for key in keys], float)
                for k in TEACHER_CODES:
                    v = np.array([100 * self.counts[key][k] / p.students[key] for key in keys])
                    m = float(w @ v) / w.sum()
                    if m <= 0:
                        continue
                    cv = math.sqrt(float(w @ (v - m) ** 2) / w.sum()) / m
                    target = p.cv_targets[(stage, k)]
                    if cv > target + 1e-12 and (worst is None or cv / target > worst[0]):
                        worst = (cv / target, stage, k, keys, v)
            if worst is None:
                break
            _, stage, k, keys, v = worst
            order = np.argsort(v)
            found = None
            for low in order[: max(1, len(order) // 2)]:
                school = keys[low][0]
                for x, y in self._pairs_into(
                    school,
                    stage,
                    lambda t, k=k: self.p.gives(t.kind, k) == 1,
                    lambda t, k=k: self.p.gives(t.kind, k) == 0,
                    lambda d, k=k, stage=stage: -self.surplus(d[0], stage, k),
                ):
                    if self.swap_ok(x, y, True):
                        found = (x, y)
                        break
                if found:
                    break
            if not found:
                break
            self.do(*found)
        # 4. the rotation shares, by swaps of two teachers of the same kind
        while True:
            moved = len(self.moves)
            backbone = sum(1 for t, _ in self.moves if t.backbone)
            short_bb = backbone < p.rules.backbone_share * max(moved, p.required) - 1e-9
            if moved >= p.required and not short_bb:
                break
            found = None
            by_kind: dict[tuple, list[RosterTeacher]] = defaultdict(list)
            for ts in self.free.values():
                for t in ts:
                    by_kind[t.kind].append(t)
            for kind in sorted(by_kind, key=lambda kind: (not kind[3]) if short_bb else 0):
                ts = by_kind[kind]
                for i, x in enumerate(ts):
                    for y in ts[i + 1 :]:
                        if self.swap_ok(x, y, True):
                            found = (x, y)
                            break
                    if found:
                        break
                if found:
                    break
            if not found:
                break
            self.do(*found)


__all__ = [
    "RosterTeacher",
    "RotationResult",
    "RotationRules",
    "Transfer",
    "roster_from_rows",
    "solve_rotation",
]
