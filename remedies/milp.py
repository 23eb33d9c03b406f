"""What both planners share: a thin builder over HiGHS (`highspy`) and the enrolment-weighted CV as cutting planes.

The CV limit of one indicator and stage, CV ≤ c, reads with the spec's formula (X̄ = ΣP·X/ΣP, S² = Σ(P/ΣP)(X−X̄)²)

    sqrt(Σ_u P_u·(v_u − m)²)  ≤  c·sqrt(W)·m,      W = Σ P_u,  m = Σ P_u·v_u / W,

a second-order cone in the unit values v (the left side is a norm of a linear function of v, the right side is
linear). Both planners make every v_u affine in their decision variables, so the limit is a convex constraint.
HiGHS has no cones: `CvGroup.extend` adds a lifted outer approximation (separable tangents, refined at each
solution by `CvGroup.refine`; docs/remedies.md explains it and why it is used rather than tangent planes of the
whole cone). Every row it adds is implied by the true limit, so a model with them is a relaxation: its optimum
(or the solver's dual bound) is a lower bound of the true problem, and its solution, when it meets every limit,
is optimal.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import highspy
import numpy as np

INF = highspy.kHighsInf
# Relative deviations (v − m)/m at which every unit's tangent is laid when a group's formulation is added: the
# span of values met in practice (a unit at a fifth of the mean to five times it), denser near the mean.
DEVIATION_GRID = (-0.8, -0.6, -0.45, -0.3, -0.2, -0.1, 0.0, 0.1, 0.25, 0.5, 1.0, 2.0, 4.0)
OPTIMAL, FEASIBLE, INFEASIBLE, NO_SOLUTION = "optimal", "feasible", "infeasible", "no_solution"


@dataclass
class Outcome:
    status: str  # OPTIMAL, FEASIBLE (stopped with a solution), INFEASIBLE, NO_SOLUTION (stopped without one)
    x: np.ndarray | None
    objective: float | None
    bound: float | None  # a valid lower bound of this model's optimum (None if the solver gave none)


@dataclass
class Milp:
    """Columns and rows collected in Python, passed to HiGHS once; cuts are added to the live model after."""

    cost: list[float] = field(default_factory=list)
    lower: list[float] = field(default_factory=list)
    upper: list[float] = field(default_factory=list)
    integer: list[bool] = field(default_factory=list)
    rows: list[tuple[float, float, list[int], list[float]]] = field(default_factory=list)
    highs: highspy.Highs | None = None
    relaxed: bool = False

    @property
    def n(self) -> int:
        return len(self.cost)

    def var(self, cost: float = 0.0, lower: float = 0.0, upper: float = INF, integer: bool = False) -> int:
        self.cost.append(float(cost))
        self.lower.append(float(lower))
        self.upper.append(float(upper))
        self.integer.append(bool(integer))
        return len(self.cost) - 1

    def row(self, coefs: dict[int, float], lower: float = -INF, upper: float = INF) -> None:
        items = [(j, v) for j, v in coefs.items() if v != 0.0]
        if not items:
            if lower > 1e-9 or upper < -1e-9:
                raise ValueError("an empty row that cannot hold")
            return
        idx, val = zip(*items, strict=True)
        self.rows.append((lower, upper, list(idx), list(val)))
        if self.highs is not None:
            self.highs.addRow(
                lower, upper, len(idx), np.array(idx, dtype=np.int32), np.array(val, dtype=np.float64)
            )

    def build(self, relax: bool = False, threads: int = 1) -> highspy.Highs:
        """A HiGHS instance of the model as it stands (relax: every column continuous). One instance is never
        switched between the relaxation and the MILP: HiGHS 1.16 reported a wrong MILP objective after an
        LP solve of the same instance with `solve_relaxation`, so each phase gets its own."""
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = self.n, len(self.rows)
        lp.col_cost_ = np.array(self.cost)
        lp.col_lower_, lp.col_upper_ = np.array(self.lower), np.array(self.upper)
        lp.row_lower_ = np.array([r[0] for r in self.rows])
        lp.row_upper_ = np.array([r[1] for r in self.rows])
        starts, index, value = [0], [], []
        for r in self.rows:
            index.extend(r[2])
            value.extend(r[3])
            starts.append(len(index))
        lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
        lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = self.n, len(self.rows)
        lp.a_matrix_.start_ = np.array(starts, dtype=np.int32)
        lp.a_matrix_.index_ = np.array(index, dtype=np.int32)
        lp.a_matrix_.value_ = np.array(value, dtype=np.float64)
        lp.integrality_ = [
            highspy.HighsVarType.kInteger if i and not relax else highspy.HighsVarType.kContinuous
            for i in self.integer
        ]
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("threads", threads)
        h.setOptionValue("random_seed", 1)
        h.passModel(lp)
        self.highs, self.relaxed = h, relax
        return h

    def solve(
        self,
        time_limit: float,
        *,
        relax: bool = False,
        start: np.ndarray | None = None,
        on_improve: Callable[[np.ndarray, float, float], None] | None = None,
        gap: float = 1e-4,
    ) -> Outcome:
        started = time.monotonic()
        outcome = self._solve(time_limit, relax=relax, start=start, on_improve=on_improve, gap=gap)
        if start is not None and not relax and not self._consistent(outcome):
            # HiGHS 1.16 sometimes answers a MILP given a start solution with the start's values and an
            # objective (and dual bound) that belong to no solution of the model — below even the LP
            # relaxation's optimum (seen on the demo county: start 1517, "optimal" 1121, LP 1183). Neither can be
            # used; the same model is solved again from scratch on a fresh instance.
            self.highs = None
            remaining = max(0.05, float(time_limit) - (time.monotonic() - started))
            outcome = self._solve(remaining, relax=False, start=None, on_improve=on_improve, gap=gap)
        return outcome

    def _consistent(self, outcome: Outcome) -> bool:
        """The solution HiGHS returned has the objective it reported (so the objective and bound are its)."""
        if outcome.x is None or outcome.objective is None:
            return True
        value = float(np.dot(self.cost, outcome.x[: self.n]))
        return abs(value - outcome.objective) <= 1e-6 * max(1.0, abs(value))

    def _solve(
        self,
        time_limit: float,
        *,
        relax: bool,
        start: np.ndarray | None,
        on_improve: Callable[[np.ndarray, float, float], None] | None,
        gap: float,
    ) -> Outcome:
        h = self.highs if self.highs is not None and self.relaxed == relax else self.build(relax)
        h.setOptionValue("time_limit", max(0.05, float(time_limit)))
        h.setOptionValue("mip_rel_gap", gap)
        if start is not None and not relax:
            sol = highspy.HighsSolution()
            sol.col_value = list(map(float, start))
            sol.value_valid = True
            h.setSolution(sol)
        handle = None
        if on_improve is not None and not relax:

            def callback(event):
                d = event.data_out
                on_improve(np.array(d.mip_solution), d.objective_function_value, d.mip_dual_bound)

            handle = h.cbMipImprovingSolution.subscribe(callback)
        try:
            h.run()
        finally:
            if handle is not None:
                h.cbMipImprovingSolution.unsubscribe(handle)
        status = h.getModelStatus()
        info = h.getInfo()
        has_solution = info.primal_solution_status == 2  # kSolutionStatusFeasible
        x = np.array(h.getSolution().col_value) if has_solution else None
        mip = any(self.integer) and not relax
        bound = None
        if status == highspy.HighsModelStatus.kOptimal:
            bound = info.mip_dual_bound if mip else info.objective_function_value
            if bound is None or not math.isfinite(bound):
                bound = info.objective_function_value
        elif mip and math.isfinite(info.mip_dual_bound):
            bound = info.mip_dual_bound
        if status == highspy.HighsModelStatus.kOptimal:
            return Outcome(OPTIMAL, x, info.objective_function_value, bound)
        if status in (highspy.HighsModelStatus.kInfeasible, highspy.HighsModelStatus.kUnboundedOrInfeasible):
            return Outcome(INFEASIBLE, None, None, INF)
        if has_solution:
            return Outcome(FEASIBLE, x, info.objective_function_value, bound)
        return Outcome(NO_SOLUTION, None, None, bound)


@dataclass
class CvGroup:
    """One indicator of one stage: its units' values as affine functions of the columns, and its CV limit."""

    stage: str
    code: str
    limit: float
    units: list[str]  # unit keys (school codes), in the order of the arrays
    weights: np.ndarray  # enrolment P_u
    base: np.ndarray  # value with every column at 0
    cols: list[int] = field(default_factory=list)
    matrix: np.ndarray | None = None  # units × cols coefficients

    @classmethod
    def build(cls, stage, code, limit, units, weights, base, terms: Sequence[dict[int, float]]) -> CvGroup:
        cols = sorted({j for t in terms for j in t})
        where = {j: i for i, j in enumerate(cols)}
        matrix = np.zeros((len(units), len(cols)))
        for u, t in enumerate(terms):
            for j, v in t.items():
                matrix[u, where[j]] += v
        return cls(
            stage, code, limit, list(units), np.asarray(weights, float), np.asarray(base, float), cols, matrix
        )

    # the extended (lifted) formulation, added once the group is found over its limit
    mean_col: int | None = None
    q_cols: list[int] = field(default_factory=list)
    scale: float = 1.0

    def extend(self, milp: Milp, scale: float, grid: Sequence[float] = DEVIATION_GRID) -> int:
        """Add the lifted formulation of this group's CV limit to the model; returns the number of rows.

        With p_u = P_u/ΣP, values measured in units of `scale` (the threshold, so they are near 1), the mean
        m = Σ p_u v_u as a column and T = c·m, the limit Σ p_u (v_u − m)² ≤ (c·m)² is equivalent to

            Σ p_u q_u ≤ T,     q_u ≥ (v_u − m)² / T   for every unit u,

        and each q_u ≥ d²/T (convex: the perspective of d²) is outer-approximated by its tangents
        q_u ≥ 2 r d − r² T, one per ratio r = d/T. Separable one-dimensional pieces converge in a few rounds
        where cutting the whole cone (one dense tangent plane per round) zig-zags for hundreds."""
        self.scale = scale
        p = self.weights / self.weights.sum()
        m = milp.var(0.0, 0.0)
        self.mean_col = m
        row = {m: 1.0}
        for i, j in enumerate(self.cols):
            row[j] = row.get(j, 0.0) - float(p @ self.matrix[:, i]) / scale
        milp.row(row, lower=float(p @ self.base) / scale, upper=float(p @ self.base) / scale)
        self.q_cols = [milp.var(0.0, 0.0) for _ in self.units]
        total = {q: float(pu) for q, pu in zip(self.q_cols, p, strict=True)}
        total[m] = total.get(m, 0.0) - self.limit
        milp.row(total, upper=0.0)
        rows = 2
        for u in range(len(self.units)):
            for delta in grid:
                self._tangent(milp, u, delta / self.limit)
                rows += 1
        return rows

    def _tangent(self, milp: Milp, u: int, r: float) -> None:
        # q_u − 2r(v_u − m) + r²·c·m ≥ 0 with v_u = (base_u + Σ M_uj x_j)/scale
        row = {self.q_cols[u]: 1.0, self.mean_col: 2 * r + r * r * self.limit}
        for i, j in enumerate(self.cols):
            coef = self.matrix[u, i]
            if coef:
                row[j] = row.get(j, 0.0) - 2 * r * coef / self.scale
        milp.row(row, lower=2 * r * self.base[u] / self.scale)

    def refine(self, milp: Milp, x: np.ndarray, tolerance: float = 1e-9) -> int:
        """Tangents at the solution x for every unit whose q_u falls short of (v_u − m)²/T; returns how many."""
        v = self.values(x) / self.scale
        m = float(x[self.mean_col])
        t = self.limit * m
        if t <= 0:
            return 0
        added = 0
        for u in range(len(self.units)):
            d = v[u] - m
            if x[self.q_cols[u]] < d * d / t - tolerance * max(1.0, t):
                self._tangent(milp, u, d / t)
                added += 1
        return added

    def complete(self, x: np.ndarray) -> None:
        """Set the lifted columns (mean, q) of x to the values the plan's other columns give them."""
        if self.mean_col is None:
            return
        v = self.values(x) / self.scale
        p = self.weights / self.weights.sum()
        m = float(p @ v)
        x[self.mean_col] = m
        t = self.limit * m
        for u, q in enumerate(self.q_cols):
            x[q] = (v[u] - m) ** 2 / t if t > 0 else 0.0

    def values(self, x: np.ndarray) -> np.ndarray:
        if not self.cols:
            return self.base.copy()
        return self.base + self.matrix @ np.asarray(x)[self.cols]

    def cv(self, v: np.ndarray) -> float | None:
        return weighted_cv(v, self.weights)

    def violation(self, x: np.ndarray) -> float:
        """CV ÷ limit − 1 at x (≤ 0 when the limit holds)."""
        cv = self.cv(self.values(x))
        return -1.0 if cv is None else cv / self.limit - 1.0

    def filled(self, v: np.ndarray, limit: float | None = None) -> np.ndarray:
        """v with its lowest values raised to the least common level L that brings the CV to the limit
        (water-filling): a point on the cone's boundary near v. Raising the units below L lowers the CV
        monotonically (they are below the mean), so L is found by bisection."""
        target = self.limit if limit is None else limit
        lo, hi = float(v.min()), float(v.max())
        for _ in range(100):
            mid = (lo + hi) / 2
            cv = self.cv(np.maximum(v, mid))
            if cv is not None and cv <= target:
                hi = mid
            else:
                lo = mid
        return np.maximum(v, hi)


def weighted_cv(v: np.ndarray, w: np.ndarray) -> float | None:
    """The spec's enrolment-weighted population CV (None: fewer than 2 units or a zero mean)."""
    total = float(w.sum())
    if len(v) < 2 or total <= 0:
        return None
    m = float(w @ v) / total
    if m == 0:
        return None
    return math.sqrt(max(float(w @ (v - m) ** 2) / total, 0.0)) / m
