"""Basic statistics and three-valued logic of spec/indicators.md, shared by every item of the engine."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

EPS = (
    1e-9  # a value this close below a minimum still meets it (float noise of ratios, never a real shortfall)
)
LIMIT_EPS = 1e-12  # the same, for values compared against a maximum (CVs, the degree ratio)


def weighted_cv(
    values: Sequence[float], weights: Sequence[float]
) -> tuple[float | None, float | None, float | None]:
    """Enrolment-weighted mean, population standard deviation and CV (§2).

    Returns (mean, sd, cv). mean is None when the total weight is 0; sd and cv are None when there are fewer than
    two units; cv is None when the mean is 0.
    """
    if len(values) != len(weights):
        raise ValueError("values and weights differ in length")
    total = float(sum(weights))
    if total <= 0:
        return None, None, None
    mean = sum(w * x for x, w in zip(values, weights, strict=True)) / total
    if len(values) < 2:
        return mean, None, None
    var = sum((w / total) * (x - mean) ** 2 for x, w in zip(values, weights, strict=True))
    sd = math.sqrt(max(var, 0.0))
    if mean == 0:
        return mean, sd, None
    return mean, sd, sd / mean


def mean_or_none(values: Iterable[float | None]) -> float | None:
    known = list(values)
    if not known or any(v is None for v in known):
        return None
    return sum(v for v in known if v is not None) / len(known)


def share(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def combine(results: Iterable[bool | None]) -> bool | None:
    """A failure is known as soon as one item fails; otherwise a missing item makes the whole unknown."""
    seen = list(results)
    if any(r is False for r in seen):
        return False
    if any(r is None for r in seen):
        return None
    return True


def verdict_word(result: bool | None) -> str:
    return {True: "pass", False: "fail", None: "incomplete"}[result]


def word_result(word: str | None) -> bool | None:
    return {"pass": True, "fail": False}.get(word or "")


def at_least(value: float | None, limit: float) -> bool | None:
    return None if value is None else value >= limit - EPS


def at_most(value: float | None, limit: float) -> bool | None:
    return None if value is None else value <= limit + LIMIT_EPS
