"""How a target is judged (rule version RULE_VERSION), from the stored results only.

The judgement is the same for every viewer: plans.services.targets_judge stores it on the target after every
recompute and whenever the target changes, and pages, the API and alerts read the stored fields.

The rule, stated on the plan page (METHOD_TEXT):
- **met** when the latest stored value satisfies the target;
- otherwise **off track** once the deadline has passed;
- otherwise **on track** when the latest value is at least as good as the linear path from the baseline to the
  target value at the deadline: baseline = the value in the plan's year (the year it was issued), or the earliest
  stored year after it when that year has no results; path at year y = baseline + (target − baseline) ×
  (y − baseline year) ÷ (deadline year − baseline year);
- **no data** while no value is stored (or the target binds no indicator).
A target over a region made of several counties (a county indicator over a city) is judged county by county and
combined: any county off track → off track; a county without data keeps the region from being met; the value
judged on is the county farthest from the target. A share of counties passing is read from the region's stored
roll-ups (or counted from its counties' stored verdicts where a region has no roll-up).
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.choices import RegionLevel
from core.models import Region
from indicators import selectors as indicator_selectors

from . import results
from .models import Comparator, Target, TargetStatus

RULE_VERSION = 1
MAX_YEARS = 15  # years of history read for a trajectory
EPSILON = 1e-9

METHOD_TEXT = _(
    "评估方法：最新值满足目标即为“已达成”；未达成且已过目标时限为“偏离目标”；未过时限时，以规划印发年份的值为基线"
    "（该年无数据时取此后最早有数据的年份），按从基线到目标时限的直线路径计算当年应达到的值，最新值不差于该值为"
    "“按期推进”，否则为“偏离目标”；尚无数据为“暂无数据”。区域目标按各区县分别评估：任一区县偏离即偏离，"
    "有区县无数据则不能算达成；评估所依据的值取离目标最远的区县。达标区县比例取区域汇总结果。"
)


def satisfies(value: float, comparator: str, goal: float) -> bool:
    return {
        Comparator.LTE: value <= goal + EPSILON,
        Comparator.LT: value < goal,
        Comparator.GTE: value >= goal - EPSILON,
        Comparator.GT: value > goal,
    }[Comparator(comparator)]


def _lower_is_better(comparator: str) -> bool:
    return comparator in (Comparator.LTE, Comparator.LT)


def path_value(baseline_year: int, baseline: float, goal: float, deadline_year: int, year: int) -> float:
    """The linear path's value in `year`: the baseline in its year, the goal from the deadline year on."""
    if deadline_year <= baseline_year:
        return goal
    share = min(1.0, max(0.0, (year - baseline_year) / (deadline_year - baseline_year)))
    return baseline + (goal - baseline) * share


def judge_series(
    series: dict[int, float | None],
    comparator: str,
    goal: float | None,
    deadline: datetime.date | None,
    plan_year: int | None,
    today: datetime.date,
) -> dict:
    """Judge one line of values by year. Returns status, value, year, baseline_year, baseline_value, expected."""
    years = sorted(y for y, v in series.items() if v is not None)
    empty = {"status": TargetStatus.NO_DATA, "value": None, "year": None}
    if not years or not comparator or goal is None:
        return {**empty, "value": series[years[-1]] if years else None, "year": years[-1] if years else None}
    year = years[-1]
    value = float(series[year])  # type: ignore[arg-type]
    out: dict = {
        "value": value,
        "year": year,
        "baseline_year": None,
        "baseline_value": None,
        "expected": None,
    }
    if satisfies(value, comparator, goal):
        return {**out, "status": TargetStatus.MET}
    if deadline is None or today > deadline:
        return {**out, "status": TargetStatus.OFF_TRACK}
    later = [y for y in years if plan_year is None or y >= plan_year]
    baseline_year = later[0] if later else years[0]
    baseline = float(series[baseline_year])  # type: ignore[arg-type]
    expected = path_value(baseline_year, baseline, goal, deadline.year, year)
    if _lower_is_better(comparator):
        ahead = value <= expected + EPSILON
    else:
        ahead = value >= expected - EPSILON
    return {
        **out,
        "status": TargetStatus.ON_TRACK if ahead else TargetStatus.OFF_TRACK,
        "baseline_year": baseline_year,
        "baseline_value": baseline,
        "expected": expected,
    }


def combine(statuses: list[str]) -> str:
    if not statuses:
        return TargetStatus.NO_DATA
    if TargetStatus.OFF_TRACK in statuses:
        return TargetStatus.OFF_TRACK
    if TargetStatus.NO_DATA in statuses:
        return TargetStatus.NO_DATA
    if TargetStatus.ON_TRACK in statuses:
        return TargetStatus.ON_TRACK
    return TargetStatus.MET


def counties_under(region_code: str) -> list[Region]:
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        return []
    return list(
        Region.objects.filter(level=RegionLevel.COUNTY)
        .filter(Q(pk=region.pk) | Q(parent_id=region.pk) | Q(parent__parent_id=region.pk))
        .order_by("code")
    )


def _first_year(plan_year: int | None, latest: int) -> int:
    first = plan_year if plan_year is not None and plan_year <= latest else latest
    return max(first, latest - MAX_YEARS + 1)


def _summary_value(code: str, summary: dict | None) -> float | None:
    if not summary:
        return None
    if code == "urban_rural_degree_ratio":
        value = summary["urban_rural_degree_ratio"]
    elif code == "achievement.rate_vs_urban_quality":
        value = summary.get("worst_rate_vs_urban_quality")
    elif code == "quality_2017.pass":
        value = results.verdict_value(summary["pass_2017"])
    elif code == "recognition.S1":
        value = summary["recognition_s1"]
    else:
        return None
    return None if value is None else float(value)


def county_series(
    code: str, county_ids: Iterable[int], plan_year: int | None
) -> dict[int, dict[int, float | None]]:
    """county id → {year: value} from the plan's year (or the latest) to each county's latest stored year."""
    ids = list(county_ids)
    with_achievement = code == "achievement.rate_vs_urban_quality"
    latest = indicator_selectors.county_summaries(ids, with_achievement=with_achievement)
    out: dict[int, dict[int, float | None]] = defaultdict(dict)
    if not latest:
        return out
    last = max(s["year"] for s in latest)
    first = min(_first_year(plan_year, s["year"]) for s in latest)
    for year in range(first, last + 1):
        for summary in indicator_selectors.county_summaries(
            ids, year=year, with_achievement=with_achievement
        ):
            out[summary["county_id"]][year] = _summary_value(code, summary)
    return out


def share_series(region_code: str, plan_year: int | None) -> dict[int, float | None]:
    """{year: % of the region's counties passing the 2017 standard}: the stored roll-ups of a city or province,
    else counted from the counties' stored verdicts (a county without results counts as not passing)."""
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        return {}
    latest = results.region_rollup(region.pk)
    if latest is not None:
        out: dict[int, float | None] = {}
        for year in range(_first_year(plan_year, latest["year"]), latest["year"] + 1):
            rollup = results.region_rollup(region.pk, year=year)
            if rollup is not None and rollup.get("share_passing") is not None:
                out[year] = 100.0 * rollup["share_passing"]
        return out
    ids = [c.pk for c in counties_under(region_code)]
    summaries = results.county_summaries(ids)
    if not summaries:
        return {}
    last = max(s["year"] for s in summaries)
    counted: dict[int, float | None] = {}
    for year in range(_first_year(plan_year, last), last + 1):
        share = results.share_passing(results.county_summaries(ids, year=year), len(ids))
        if share is not None:
            counted[year] = share
    return counted


def _farthest(rows: list[dict], comparator: str) -> dict | None:
    valued = [r for r in rows if r["value"] is not None]
    if not valued:
        return None
    pick = max if _lower_is_better(comparator) else min
    return pick(valued, key=lambda r: r["value"])


def judge(target: Target, today: datetime.date) -> dict:
    """The judgement of one target: status, value, year and the details stored in Target.judgement."""
    code, goal, plan_year = target.indicator_code, results.as_float(target.value), target.plan.year
    details: dict = {"rule_version": RULE_VERSION, "plan_year": plan_year}
    if code in results.REGION_INDICATORS:
        series = share_series(target.region_code, plan_year)
        verdict = judge_series(series, target.comparator, goal, target.deadline, plan_year, today)
        members = counties_under(target.region_code)
        passes = {s["county_id"]: s for s in results.county_summaries([c.pk for c in members])}
        details["series"] = {str(y): v for y, v in sorted(series.items())}
        details["counties"] = [
            {
                "id": c.pk,
                "code": c.code,
                "name": c.name,
                "year": passes[c.pk]["year"] if c.pk in passes else None,
                "passes": results.summary_passes_2017(passes[c.pk]) if c.pk in passes else None,
            }
            for c in members
        ]
        details.update({k: verdict.get(k) for k in ("baseline_year", "baseline_value", "expected")})
        return {
            "status": verdict["status"],
            "value": verdict["value"],
            "year": verdict["year"],
            "details": details,
        }
    if code in results.COUNTY_INDICATORS:
        members = counties_under(target.region_code)
        by_county = county_series(code, [c.pk for c in members], plan_year)
        rows = []
        for county in members:
            series = by_county.get(county.pk, {})
            verdict = judge_series(series, target.comparator, goal, target.deadline, plan_year, today)
            rows.append(
                {
                    "id": county.pk,
                    "code": county.code,
                    "name": county.name,
                    **verdict,
                    "series": {str(y): v for y, v in sorted(series.items())},
                }
            )
        status = combine([r["status"] for r in rows])
        farthest = _farthest(rows, target.comparator)
        details["counties"] = rows
        return {
            "status": status,
            "value": farthest["value"] if farthest else None,
            "year": max((r["year"] for r in rows if r["year"] is not None), default=None),
            "details": details,
        }
    return {"status": TargetStatus.NO_DATA, "value": None, "year": None, "details": details}


def targets_concerning_counties(county_ids: Iterable[int]):
    """Targets set for these counties or a region containing them."""
    codes: set[str] = set()
    for row in Region.objects.filter(pk__in=list(county_ids)).values_list(
        "code", "parent__code", "parent__parent__code"
    ):
        codes.update(c for c in row if c)
    return Target.objects.filter(region_code__in=codes)
