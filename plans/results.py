"""Reading stored indicator results for plans and dashboards, through `indicators.selectors` only.

Nothing here computes an indicator: values are read from the stored county report (the typed model,
indicators.report.model) or the county summaries; names come from the report presenter's labels.
"""

from collections.abc import Callable, Iterable
from decimal import Decimal

from indicators import presenter
from indicators import selectors as indicator_selectors
from indicators.report.model import Report


def county_report(county_id: int, year: int | None = None) -> Report | None:
    return indicator_selectors.report(county_id, year=year)


def latest_result_year(county_id: int) -> int | None:
    return indicator_selectors.latest_result_year(county_id)


def county_summaries(county_ids: Iterable[int], year: int | None = None) -> list[dict]:
    ids = list(county_ids)
    if not ids:
        return []
    return list(indicator_selectors.county_summaries(ids, year=year))


def latest_verdicts(county_ids) -> list[dict]:
    return indicator_selectors.latest_verdicts(county_ids)


def region_rollup(region_id: int, year: int | None = None) -> dict | None:
    return indicator_selectors.region_rollup(region_id, year=year)


def summary_passes_2017(summary: dict) -> bool | None:
    """The county's 2017 verdict as the engine derived it (stored with the result)."""
    return summary["pass_2017"]


def verdict_value(passed: bool | None) -> float | None:
    """The 2017 verdict as a target value: 1 when it passes, 0 when it fails, no value while incomplete."""
    return None if passed is None else float(passed)


# --- figures of the report a target or project can bind to ------------------------------------------------------


def _recognition(report: Report) -> float | None:
    item = report.quality_2017.recognition.get("S1")
    return None if item is None else item.value


# code -> reader of one county report. Region-wide codes are handled by the selectors.
COUNTY_INDICATORS: dict[str, Callable[[Report], float | None]] = {
    "urban_rural_degree_ratio": lambda report: report.urban_rural_degree_ratio.ratio,
    "achievement.rate_vs_urban_quality": lambda report: report.worst_rate_vs_urban_quality(),
    "quality_2017.pass": lambda report: verdict_value(report.verdict.passed),
    "recognition.S1": _recognition,
}
REGION_INDICATORS = ("share_counties_quality_2017",)


def indicator_label(code: str) -> str:
    return presenter.plan_indicator_label(code)


def county_value(code: str, report: Report | None) -> float | None:
    if report is None or code not in COUNTY_INDICATORS:
        return None
    value = COUNTY_INDICATORS[code](report)
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
