"""The report document as it is stored and served: the engine's typed report serialised to the JSON of
spec/report.md. The recompute (`runs`) stores this; the formulas themselves live in `indicators.engine`, one
function per item registered in its table."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import engine
from .engine import CountyData

__all__ = ["CountyData", "compute_report"]


def compute_report(data: CountyData, quality: Mapping[str, Any], basic: Mapping[str, Any]) -> dict[str, Any]:
    """The county report document (spec/report.md JSON) from aggregated inputs and the two rule sets' params."""
    return engine.compute_report(data, quality, basic).to_json()
