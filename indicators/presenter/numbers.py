"""How figures are shown: display precision, a value beside the limit it is judged against (never rounded onto
the wrong side of it: 0.996 against 1.0 shows as 0.996, not 1.00), percentages, and shortfalls rounded so
they can be acted on (teachers and rooms up to whole numbers, areas up to 1 m², money up to 1 元)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

NONE = "—"
# the engine's tolerance: a value this close below a minimum meets it (float noise, never a real shortfall)
EPS = 1e-9
LIMIT_EPS = 1e-12
MORE_DIGITS = 12

# op: how the value is judged against the limit ("≥ minimum", "≤ maximum", "< maximum")
_WITH_TOLERANCE: dict[str, Callable[[float, float], bool]] = {
    ">=": lambda v, limit: v >= limit - EPS,
    "<=": lambda v, limit: v <= limit + LIMIT_EPS,
    "<": lambda v, limit: v < limit,
    ">": lambda v, limit: v > limit,
}
_AS_READ: dict[str, Callable[[float, float], bool]] = {
    ">=": lambda v, limit: v >= limit,
    "<=": lambda v, limit: v <= limit,
    "<": lambda v, limit: v < limit,
    ">": lambda v, limit: v > limit,
}


def fixed(value: Any, digits: int, grouping: bool = False) -> str:
    """A number with `digits` decimals ("—" when unknown)."""
    if value is None:
        return NONE
    return f"{value:,.{digits}f}" if grouping else f"{value:.{digits}f}"


def plain(value: Any) -> str:
    """A setting as written (4.5, 2000, 0.45): no padding zeros."""
    if value is None:
        return NONE
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return f"{value:g}" if isinstance(value, float) else str(value)


def judged(
    value: Any,
    digits: int,
    limit: Any,
    op: str = ">=",
    passed: bool | None = None,
    grouping: bool = False,
    scale: float = 1.0,
) -> str:
    """`value` (× scale) shown beside a limit it is judged against: as many more decimals as it takes for the
    shown number to read on the same side of the limit as the value itself (passed, when given, is the engine's
    judgement)."""
    if value is None:
        return NONE
    if limit is None:
        return fixed(value * scale, digits, grouping)
    outcome = passed if passed is not None else _WITH_TOLERANCE[op](value, limit)
    for d in range(digits, digits + MORE_DIGITS):
        text = fixed(value * scale, d, grouping)
        if _AS_READ[op](float(text.replace(",", "")) / scale, limit) == outcome:
            return text
    return repr(value * scale)


def percent(value: Any, as_fraction: bool, limit: Any = None, op: str = ">=", digits: int = 1) -> str:
    """A share as a percentage: fractions (G9, G11, G12) are multiplied by 100, county inputs are percent
    already. Beside a limit, never shown on the wrong side of it."""
    if value is None:
        return NONE
    scale = 100.0 if as_fraction else 1.0
    return judged(value, digits, limit, op, scale=scale) + "%"


def up(amount: Any) -> int | None:
    """A shortfall rounded up to a whole unit (a float's noise below a whole number does not add one)."""
    if amount is None:
        return None
    return max(0, math.ceil(amount - 1e-7))


def whole(value: Any, grouping: bool = True) -> str:
    """A count or an amount in whole units (12,345)."""
    if value is None:
        return NONE
    return f"{value:,.0f}" if grouping else f"{value:.0f}"
