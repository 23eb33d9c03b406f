"""The cheapest way to pass: optimal costs derived independently on small counties, every plan verified by the
engine, infeasible cases explained in Chinese."""

import itertools
import math

import numpy as np
import pytest

from remedies.changes import AddMultimediaRooms, HireTeachers, apply_changes
from remedies.cheapest import solve_cheapest
from remedies.engine_api import report
from remedies.synthetic import synthetic_county
from remedies.units import resource_problems
from tests.remedies.counties import counts, county, school

COSTS = {"teacher_year": {"bachelor": 100_000}, "backbone_premium_year": 15_000, "multimedia_room": 60_000}


def passes_after(data, changes):
    return not resource_problems(report(apply_changes(data, changes)))


def integer_county():
    """Three primary schools of 500 pupils whose areas and equipment are ample; what fails is teachers and rooms:
    A has too few backbone teachers (below 85 %) and a little too few above the degree; B is a little short of
    PE/art teachers and of multimedia rooms (two indicators below, one must be fixed); C passes."""
    return county(
        [school("A"), school("B", multimedia_rooms=10), school("C")],
        {
            ("A", "primary"): counts(25, associate_plus=20, backbone=4, pe_art=6),
            ("B", "primary"): counts(25, backbone=6, pe_art=4),
            ("C", "primary"): counts(25, backbone=6, pe_art=6),
        },
    )


def brute_force_cost(data, school_code):
    """The least cost of making one school pass, enumerating whole plans: 0–2 hires of each kind a bachelor can
    be (plain, backbone, PE/art, both) and 0–2 rooms, each checked by the engine on the school alone."""
    alone = county(
        [s for s in data.schools if s["code"] == school_code],
        {k: v for k, v in data.teachers.items() if k[0] == school_code},
    )
    kinds = [(False, False), (True, False), (False, True), (True, True)]
    best = math.inf
    for numbers in itertools.product(range(3), repeat=5):
        *hires, rooms = numbers
        changes = [
            HireTeachers(school_code, "primary", count=n, degree="bachelor", backbone=bb, pe_art=pe)
            for n, (bb, pe) in zip(hires, kinds, strict=True)
            if n
        ] + ([AddMultimediaRooms(school_code, rooms)] if rooms else [])
        cost = (
            sum(
                c.count
                * (COSTS["teacher_year"]["bachelor"] + (COSTS["backbone_premium_year"] if c.backbone else 0))
                for c in changes
                if isinstance(c, HireTeachers)
            )
            + rooms * COSTS["multimedia_room"]
        )
        if cost < best:
            school_report = report(apply_changes(alone, changes))["quality_2017"]["primary"]["schools"][0]
            if school_report["pass"] is True:
                best = cost
    return best


def test_the_cheapest_plan_costs_what_enumerating_every_small_plan_finds():
    data = integer_county()
    # the CV limits are far from binding here, so the least cost is the sum of each school's least cost
    expected = sum(brute_force_cost(data, code) for code in ("A", "B", "C"))

    result = solve_cheapest(data, COSTS, time_limit=30)

    assert result.status == "optimal"
    assert result.verified is True
    assert result.objective == pytest.approx(expected)
    assert result.total_cost == pytest.approx(sum(result.cost_by_school.values()))
    assert result.bound <= result.objective + 1e-6
    assert passes_after(data, result.changes)


def weighted_cv(values, weights):
    w = np.asarray(weights, float)
    v = np.asarray(values, float)
    m = w @ v / w.sum()
    return math.sqrt(w @ (v - m) ** 2 / w.sum()) / m


def test_a_cv_over_its_limit_is_closed_at_the_least_cost_that_convexity_predicts():
    # one rich school makes the equipment CV exceed 0.50; the two others sit at 2 000 元 per pupil. The problem
    # (linear cost, convex limit) is symmetric in B and C, so some optimum raises both by the same δ per pupil:
    # the least δ with CV(rich, 2000+δ, 2000+δ) ≤ 0.50, found here by bisection, at a cost of 2 × 500 × δ.
    rich = 2000 * 4.0
    data = county(
        [
            school("A", equipment_value=rich * 500),
            school("B", equipment_value=2000 * 500),
            school("C", equipment_value=2000 * 500),
        ],
        {(c, "primary"): counts(25, backbone=6, pe_art=6) for c in "ABC"},
    )
    assert weighted_cv([rich, 2000, 2000], [500] * 3) > 0.5
    lo, hi = 0.0, rich
    for _ in range(200):
        mid = (lo + hi) / 2
        lo, hi = (lo, mid) if weighted_cv([rich, 2000 + mid, 2000 + mid], [500] * 3) <= 0.5 else (mid, hi)
    expected = 2 * 500 * hi

    result = solve_cheapest(data, time_limit=30)

    assert result.verified is True
    assert result.objective == pytest.approx(expected, rel=1e-4)
    assert {a.what for a in result.actions} == {"equipment"}
    assert (
        report(apply_changes(data, result.changes))["quality_2017"]["primary"]["indicators"]["Q6"]["cv"]
        <= 0.5
    )


def test_every_plan_for_a_synthetic_county_passes_when_the_engine_recomputes_it():
    data, _ = synthetic_county(schools=40, teachers=2000, seed=3, flagships=3)
    assert resource_problems(report(data))

    progress = []
    result = solve_cheapest(data, time_limit=40, progress=lambda f, m: progress.append((f, m)))

    assert result.verified is True
    assert result.status in ("optimal", "feasible")
    assert passes_after(data, result.changes)
    assert result.bound <= result.objective + 1e-6
    assert 0 <= result.gap < 0.05
    assert progress[-1] == (1.0, "完成")
    assert all(0 <= f <= 1 for f, _ in progress)


def test_a_cost_cap_below_the_need_is_refused_with_the_least_cost_stated():
    data = integer_county()
    need = solve_cheapest(data, COSTS, time_limit=30).objective

    result = solve_cheapest(data, COSTS, cost_cap=need / 2, time_limit=30)

    assert result.status == "infeasible"
    assert result.verified is False
    assert "成本上限" in result.reason and "低于达标所需的最低成本" in result.reason
    assert result.actions == []


def test_a_cost_cap_above_the_need_keeps_the_plan():
    data = integer_county()

    result = solve_cheapest(data, COSTS, cost_cap=10_000_000, time_limit=30)

    assert result.status == "optimal" and result.verified is True


def test_a_county_that_already_passes_needs_nothing():
    data = county(
        [school("A"), school("B")], {(c, "primary"): counts(25, backbone=6, pe_art=6) for c in "AB"}
    )

    result = solve_cheapest(data)

    assert result.verified is True and result.total_cost == 0 and result.actions == []


def test_missing_school_figures_make_the_plan_impossible_and_name_the_school():
    data = integer_county()
    data.schools[1]["sports_ground_area"] = None

    result = solve_cheapest(data)

    assert result.status == "infeasible"
    assert "学校 B" in result.reason and "Q5" in result.reason


def test_unknown_unit_costs_are_refused_in_chinese():
    from remedies.costs import CostError

    with pytest.raises(CostError, match="未知的单位成本设置"):
        solve_cheapest(integer_county(), {"gold_per_kg": 1})
