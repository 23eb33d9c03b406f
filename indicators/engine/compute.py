"""The whole county report: every entry of the table computed from one county-year's inputs and the two rule sets'
params, and the 2017 verdict derived from them — once, here; everything downstream reads it from the model."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..report.model import County, Item, Report, StageBlock, StandardBlock, Verdict
from .context import Context
from .data import STAGES, CountyData
from .registry import BASIC_2012, ITEM_PARTS, QUALITY_2017, TABLE
from .resource import basic_stage, quality_stage
from .stats import combine, verdict_word, word_result


def effective_params(standard: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """A rule set's params completed with the table's defaults: a setting (or a nested entry, like a new
    indicator's threshold) that the stored version does not have yet reads as its default."""
    merged: dict[str, Any] = _merge(TABLE.defaults_shared(standard), params)
    return merged


def _merge(default: Any, stored: Any) -> Any:
    if isinstance(default, dict) and isinstance(stored, Mapping):
        merged = dict(stored)
        for key, value in default.items():
            merged[key] = _merge(value, stored[key]) if key in stored else value
        return merged
    return stored


def verdict(stages: Mapping[str, StageBlock], items: Mapping[str, Mapping[str, Item]]) -> Verdict:
    """The 2017 verdict in four parts. Resource: a stage without units (e.g. a county whose junior schools are all
    in the city) does not block it. Each part fails on a known failure, is incomplete on a missing input."""
    staged = [stages[s].passed for s in STAGES if s in stages and stages[s].units]
    parts = {"resource": verdict_word(combine(staged) if staged else None)}
    failing: dict[str, tuple[str, ...]] = {
        "resource": (
            *(
                f"{s}:{code}"
                for s in STAGES
                if s in stages
                for code, i in stages[s].indicators.items()
                if i.cv_pass is False
            ),
            *(f"{s}:{u.code}" for s in STAGES if s in stages for u in stages[s].schools if u.passed is False),
        )
    }
    for part in ITEM_PARTS:
        block = items.get(part, {})
        parts[part] = verdict_word(combine(i.passed for i in block.values()))
        failing[part] = tuple(code for code, i in block.items() if i.passed is False)
    return Verdict(parts, failing, combine(word_result(w) for w in parts.values()))


def verdict_from_parts(parts: Mapping[str, str]) -> bool | None:
    """The whole 2017 verdict from its four part words (for results written without the engine, e.g. tests)."""
    return combine(word_result(parts.get(part)) for part in ("resource", *ITEM_PARTS))


def compute_report(data: CountyData, quality: Mapping[str, Any], basic: Mapping[str, Any]) -> Report:
    """The county report (spec/report.md) from aggregated inputs and the two rule sets' params."""
    qp, bp = effective_params(QUALITY_2017, quality), effective_params(BASIC_2012, basic)
    ctx = Context(data, qp, bp)

    q_stages = {stage: quality_stage(data, stage, qp) for stage in STAGES}
    items: dict[str, dict[str, Item]] = {part: {} for part in ITEM_PARTS}
    for entry in TABLE.entries(QUALITY_2017):
        if entry.part in ITEM_PARTS:
            passed, facts = entry.compute(ctx)
            items[entry.part][entry.code] = Item(entry.code, passed, facts)
    judged = verdict(q_stages, items)
    quality_2017 = StandardBlock(
        QUALITY_2017,
        q_stages,
        judged.passed,
        items["government"],
        items["quality"],
        items["recognition"],
        judged,
    )

    b_stages = {stage: basic_stage(data, stage, bp) for stage in STAGES}
    with_units = [b_stages[s].passed for s in STAGES if b_stages[s].units]
    basic_2012 = StandardBlock(BASIC_2012, b_stages, combine(with_units) if with_units else None)

    blocks = {
        entry.part: entry.compute(ctx)
        for entry in TABLE.entries(QUALITY_2017)
        if entry.part not in ("resource", *ITEM_PARTS)
    }
    return Report(
        county=County(data.county_code, data.county_name),
        year=data.year,
        quality_2017=quality_2017,
        basic_2012=basic_2012,
        class_size=blocks["class_size"],
        urban_rural_degree_ratio=blocks["degree_ratio"],
        achievement=blocks["achievement"],
        staffing=blocks["staffing"],
    )
