"""What an item's or block's function reads: the county's inputs, the two rule sets' params (already completed
with the table's defaults) and figures several items share, worked out once per report."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from .data import STAGES, CountyData, Params


class Context:
    def __init__(self, data: CountyData, quality: Params, basic: Params) -> None:
        self.data = data
        self.params = quality  # the 2017 rule set: every item and block reads it
        self.basic = basic

    @property
    def county_year(self) -> dict[str, Any]:
        return self.data.county_year or {}

    @cached_property
    def teacher_totals(self) -> dict[str, int]:
        """Counts of the county's primary and junior full-time teachers, by property (trained, certified, …)."""
        totals: dict[str, int] = {}
        for (_, stage), counts in self.data.teachers.items():
            if stage not in STAGES:
                continue
            for key, n in counts.items():
                totals[key] = totals.get(key, 0) + (n or 0)
        return totals
