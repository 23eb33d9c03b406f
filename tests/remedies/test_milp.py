"""The HiGHS wrapper distrusts an answer that contradicts itself: a MILP answered with a solution whose cost is
not the reported objective (HiGHS 1.16 did this when given a start solution) is solved again from scratch."""

import numpy as np

from remedies import milp
from remedies.milp import OPTIMAL, Milp, Outcome


def small_model() -> Milp:
    """min x + 2y with x + y ≥ 3, x ≤ 2, both whole: x = 2, y = 1, cost 4."""
    m = Milp()
    x = m.var(1.0, 0.0, 2.0, integer=True)
    y = m.var(2.0, 0.0, 10.0, integer=True)
    m.row({x: 1.0, y: 1.0}, lower=3.0)
    return m


def test_a_plain_solve_is_optimal():
    outcome = small_model().solve(5.0)
    assert outcome.status == OPTIMAL and outcome.objective == 4.0
    assert list(np.round(outcome.x)) == [2.0, 1.0]


def test_an_answer_whose_solution_does_not_have_its_objective_is_solved_again_without_the_start(monkeypatch):
    model = small_model()
    real = Milp._solve
    starts = []

    def first_answer_wrong(self, time_limit, *, relax, start, on_improve, gap):
        starts.append(start is not None)
        if start is not None:  # the start's values (cost 6) reported with an objective of 3.5
            return Outcome(OPTIMAL, np.array([0.0, 3.0]), 3.5, 3.5)
        return real(self, time_limit, relax=relax, start=start, on_improve=on_improve, gap=gap)

    monkeypatch.setattr(milp.Milp, "_solve", first_answer_wrong)

    outcome = model.solve(5.0, start=np.array([0.0, 3.0]))

    assert starts == [True, False]
    assert outcome.objective == 4.0 and list(np.round(outcome.x)) == [2.0, 1.0]


def test_a_consistent_answer_with_a_start_is_kept():
    outcome = small_model().solve(5.0, start=np.array([2.0, 1.0]))
    assert outcome.objective == 4.0
