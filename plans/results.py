"""Reading stored indicator results for plans and dashboards, through `indicators.selectors` only.

Nothing here computes an indicator: values are picked out of the stored county report (shape:
shared/spec/report.md) or the county summaries.
"""

from collections.abc import Callable, Iterable
from decimal import Decimal

from indicators import selectors as indicator_selectors


def county_report(county_id: int, year: int | None = None) -> dict | None:
    return indicator_selectors.county_report(county_id, year=year)


def latest_result_year(county_id: int) -> int | None:
    return indicator_selectors.latest_result_year(county_id)


def county_summaries(county_ids: Iterable[int], year: int | None = None) -> list[dict]:
    ids = list(county_ids)
    if not ids:
        return []
    return list(indicator_selectors.county_summaries(ids, year=year))


def region_rollup(region_id: int, year: int | None = None) -> dict | None:
    return indicator_selectors.region_rollup(region_id, year=year)


def summary_passes_2017(summary: dict) -> bool | None:
    """pass_2017 of a county summary; falls back to the four verdict parts (all "pass")."""
    if "pass_2017" in summary:
        return summary["pass_2017"]
    verdict = summary.get("verdict") or {}
    if not verdict:
        return None
    return all(v == "pass" for v in verdict.values())


# --- indicator codes a target or project can bind to -------------------------------------------------------------


def _dig(data, *keys):
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _ratio(report: dict) -> float | None:
    return _dig(report, "urban_rural_degree_ratio", "ratio")


def _worst_rate_vs_urban_quality(report: dict) -> float | None:
    rates = [
        school.get("rate_vs_urban_quality")
        for stage in (report.get("achievement") or {}).values()
        if isinstance(stage, dict)
        for subject in stage.values()
        if isinstance(subject, dict)
        for school in subject.get("schools") or []
    ]
    rates = [r for r in rates if r is not None]
    return max(rates) if rates else None


def _quality_2017_pass(report: dict) -> float | None:
    verdict = _dig(report, "quality_2017", "verdict")
    if not verdict:
        return None
    if any(v == "fail" for v in verdict.values()):
        return 0.0
    if all(v == "pass" for v in verdict.values()):
        return 1.0
    return None


def _recognition(report: dict) -> float | None:
    return _dig(report, "quality_2017", "recognition", "S1", "value")


# code -> (Chinese label, extractor from one county report). Region-wide codes are handled by the selectors.
COUNTY_INDICATORS: dict[str, tuple[str, Callable[[dict], float | None]]] = {
    "urban_rural_degree_ratio": ("城乡义务教育教师本科及以上学历比例之比", _ratio),
    "achievement.rate_vs_urban_quality": (
        "学业水平与城区优质学校差异率（最大值）",
        _worst_rate_vs_urban_quality,
    ),
    "quality_2017.pass": ("达到县域义务教育优质均衡标准（1=是）", _quality_2017_pass),
    "recognition.S1": ("社会认可度（%）", _recognition),
}
REGION_INDICATORS: dict[str, str] = {
    "share_counties_quality_2017": "达到优质均衡标准的区县比例（%）",
}


def indicator_label(code: str) -> str:
    if code in COUNTY_INDICATORS:
        return COUNTY_INDICATORS[code][0]
    return REGION_INDICATORS.get(code, code)


def county_value(code: str, report: dict | None) -> float | None:
    if not report or code not in COUNTY_INDICATORS:
        return None
    value = COUNTY_INDICATORS[code][1](report)
    return None if value is None else float(value)


def share_passing(summaries: list[dict], county_count: int) -> float | None:
    """Percentage of the region's counties passing the 2017 standard. A county without results counts as not
    passing (incomplete is never a pass); no results at all → None."""
    if not summaries or not county_count:
        return None
    passing = sum(1 for s in summaries if summary_passes_2017(s) is True)
    return 100.0 * passing / county_count


def as_float(value: Decimal | float | None) -> float | None:
    return None if value is None else float(value)
