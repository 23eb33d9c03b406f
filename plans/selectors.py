"""Reads of plans, projects and targets, all scoped to the user's region.

A user sees the plans of its own region, of the regions below it and of the regions above it that contain it
(a county clerk works under the city's and the province's plans). A project that names a county is seen only by
users who see that county; another county's project answers 404.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from core.choices import RegionLevel
from core.models import Region
from core.scoping import visible_counties, visible_regions
from indicators import selectors as indicator_selectors

from . import results
from .models import Comparator, Plan, Project, ProjectStatus, Target, TargetStatus


def _ancestor_codes(region: Region | None) -> list[str]:
    codes = []
    while region is not None:
        codes.append(region.code)
        region = region.parent
    return codes


def visible_region_codes(user) -> set[str] | None:
    """Codes of the regions whose plans the user sees; None means every region (administrators)."""
    if not user or not user.is_authenticated:
        return set()
    if user.is_admin:
        return None
    codes = set(visible_regions(user).values_list("code", flat=True))
    codes.update(_ancestor_codes(user.region))
    return codes


def plan_list(*, user) -> QuerySet[Plan]:
    codes = visible_region_codes(user)
    plans = Plan.objects.all()
    return plans if codes is None else plans.filter(region_code__in=codes)


def plan_get(*, user, pk: int) -> Plan:
    return get_object_or_404(plan_list(user=user), pk=pk)


def project_list(*, user) -> QuerySet[Project]:
    projects = Project.objects.select_related("plan", "task", "box", "county", "school")
    if user and user.is_authenticated and user.is_admin:
        return projects
    return projects.filter(plan__in=plan_list(user=user)).filter(
        Q(county__isnull=True) | Q(county__in=visible_counties(user))
    )


def project_get(*, user, pk: int) -> Project:
    return get_object_or_404(project_list(user=user), pk=pk)


def target_list(*, user) -> QuerySet[Target]:
    codes = visible_region_codes(user)
    targets = Target.objects.select_related("plan", "task")
    targets = targets.filter(plan__in=plan_list(user=user))
    return targets if codes is None else targets.filter(region_code__in=codes)


def is_overdue(project: Project, today: datetime.date | None = None) -> bool:
    today = today or timezone.localdate()
    return project.deadline is not None and project.deadline < today and project.status != ProjectStatus.DONE


def overdue_projects(projects: QuerySet[Project], today: datetime.date | None = None) -> QuerySet[Project]:
    today = today or timezone.localdate()
    return projects.filter(deadline__lt=today).exclude(status=ProjectStatus.DONE)


# --- target status --------------------------------------------------------------------------------------------------


def satisfies(value: float, comparator: str, target: float) -> bool:
    return {
        Comparator.LTE: value <= target,
        Comparator.LT: value < target,
        Comparator.GTE: value >= target,
        Comparator.GT: value > target,
    }[comparator]


def status_for(
    value: float | None,
    previous: float | None,
    comparator: str,
    target: float | None,
    deadline: datetime.date | None,
    today: datetime.date,
) -> str:
    """met when the latest value satisfies the target; otherwise on track only while the deadline has not passed
    and the value moved towards the target since the previous year; otherwise off track. No value → no data."""
    if value is None or not comparator or target is None:
        return TargetStatus.NO_DATA
    if satisfies(value, comparator, target):
        return TargetStatus.MET
    if deadline is not None and today > deadline:
        return TargetStatus.OFF_TRACK
    if previous is not None and abs(target - value) < abs(target - previous):
        return TargetStatus.ON_TRACK
    return TargetStatus.OFF_TRACK


@dataclass
class CountyStatus:
    county: Region
    year: int | None
    value: float | None
    status: str


@dataclass
class TargetEvaluation:
    target: Target
    status: str
    value: float | None = None
    year: int | None = None
    counties: list[CountyStatus] = field(default_factory=list)
    per_county: bool = False

    @property
    def status_label(self) -> str:
        return TargetStatus(self.status).label


def counties_under(region_code: str) -> QuerySet[Region]:
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        return Region.objects.none()
    return Region.objects.filter(level=RegionLevel.COUNTY).filter(
        Q(pk=region.pk) | Q(parent_id=region.pk) | Q(parent__parent_id=region.pk)
    )


# County-indicator codes (plans.results.COUNTY_INDICATORS) read from a county summary: typed columns and single
# values, never the full report. A code missing here falls back to reading the county's full reports.
SUMMARY_VALUES: dict[str, Callable[[dict], float | None]] = {
    "urban_rural_degree_ratio": lambda s: s.get("urban_rural_degree_ratio"),
    "achievement.rate_vs_urban_quality": lambda s: s.get("worst_rate_vs_urban_quality"),
    "quality_2017.pass": lambda s: _verdict_pass(s.get("verdict")),
    "recognition.S1": lambda s: s.get("recognition_s1"),
}


def _verdict_pass(verdict: dict | None) -> float | None:
    """1 when every part of the 2017 verdict passes, 0 when one fails, else (incomplete) no value."""
    if not verdict:
        return None
    if any(v == "fail" for v in verdict.values()):
        return 0.0
    if all(v == "pass" for v in verdict.values()):
        return 1.0
    return None


def summary_value(code: str, summary: dict | None) -> float | None:
    if not summary or code not in SUMMARY_VALUES:
        return None
    value = SUMMARY_VALUES[code](summary)
    return None if value is None else float(value)


StoredSummaries = dict[int, tuple[dict | None, dict | None]]


def stored_summaries(county_ids: Iterable[int], *, with_achievement: bool = False) -> StoredSummaries:
    """county id -> (summary of its latest stored year, summary of the year before); (None, None) for a county
    without results. One pair of queries per distinct latest year, whatever the number of counties."""
    ids = list(county_ids)
    if not ids:
        return {}
    latest = indicator_selectors.county_summaries(ids, with_achievement=with_achievement)
    by_year: dict[int, list[int]] = defaultdict(list)
    for summary in latest:
        by_year[summary["year"]].append(summary["county_id"])
    previous = {
        summary["county_id"]: summary
        for year, year_ids in by_year.items()
        for summary in indicator_selectors.county_summaries(
            year_ids, year=year - 1, with_achievement=with_achievement
        )
    }
    found = {s["county_id"]: (s, previous.get(s["county_id"])) for s in latest}
    return {county_id: found.get(county_id, (None, None)) for county_id in ids}


def _needs_achievement(codes: Iterable[str]) -> bool:
    return "achievement.rate_vs_urban_quality" in set(codes)


def _county_status(
    target: Target, county: Region, today: datetime.date, stored: StoredSummaries | None = None
) -> CountyStatus:
    code = target.indicator_code
    if code in SUMMARY_VALUES:
        if stored is None:
            stored = stored_summaries([county.pk], with_achievement=_needs_achievement([code]))
        latest, before = stored.get(county.pk, (None, None))
        if latest is None:
            return CountyStatus(county, None, None, TargetStatus.NO_DATA)
        year, value, previous = latest["year"], summary_value(code, latest), summary_value(code, before)
    else:
        year = results.latest_result_year(county.pk)
        if year is None:
            return CountyStatus(county, None, None, TargetStatus.NO_DATA)
        value = results.county_value(code, results.county_report(county.pk, year=year))
        previous = results.county_value(code, results.county_report(county.pk, year=year - 1))
    status = status_for(
        value, previous, target.comparator, results.as_float(target.value), target.deadline, today
    )
    return CountyStatus(county, year, value, status)


def _combine(statuses: list[str]) -> str:
    """A region's status over its counties: any county off track → off track; a county without data keeps the
    region from being met (incomplete is never a pass)."""
    if not statuses:
        return TargetStatus.NO_DATA
    if TargetStatus.OFF_TRACK in statuses:
        return TargetStatus.OFF_TRACK
    if TargetStatus.NO_DATA in statuses:
        return TargetStatus.NO_DATA
    if TargetStatus.ON_TRACK in statuses:
        return TargetStatus.ON_TRACK
    return TargetStatus.MET


def _rollup_share(rollup: dict | None) -> float | None:
    if not rollup or rollup.get("share_passing") is None:
        return None
    return 100.0 * rollup["share_passing"]


def _region_share(region_code: str) -> tuple[float | None, float | None, int | None]:
    """(latest %, previous year's %, year) of the region's counties passing the 2017 standard: the stored
    roll-up of a city or province, else counted from the stored county summaries (a county alone: 0 or 100)."""
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        return None, None, None
    rollup = results.region_rollup(region.pk)
    if rollup is not None:
        year = rollup.get("year")
        previous = _rollup_share(results.region_rollup(region.pk, year=year - 1)) if year else None
        return _rollup_share(rollup), previous, year
    ids = list(counties_under(region_code).values_list("pk", flat=True))
    summaries = results.county_summaries(ids)
    years = [s.get("year") for s in summaries if s.get("year")]
    year = max(years) if years else None
    previous = results.share_passing(results.county_summaries(ids, year=year - 1), len(ids)) if year else None
    return results.share_passing(summaries, len(ids)), previous, year


def _sees_region(user, region_code: str) -> bool:
    if user is None or user.is_admin:
        return True
    return visible_regions(user).filter(code=region_code).exists()


def evaluate_target(
    target: Target,
    *,
    user=None,
    county: Region | None = None,
    today: datetime.date | None = None,
    stored: StoredSummaries | None = None,
) -> TargetEvaluation:
    """Status of a target from the latest stored results. With `county`, the target as it applies to that county.

    With `user`, only what the user may read goes in: a target of a region above the user is evaluated over the
    user's own counties, and a region-wide share only for regions the user sees (else: no data).

    `stored` (from `stored_summaries`) lets several targets share one read of the county summaries; counties
    missing from it are read here."""
    today = today or timezone.localdate()
    code = target.indicator_code
    goal = results.as_float(target.value)
    if code in results.REGION_INDICATORS:
        if not _sees_region(user, target.region_code):
            return TargetEvaluation(target, TargetStatus.NO_DATA)
        value, previous, year = _region_share(target.region_code)
        status = status_for(value, previous, target.comparator, goal, target.deadline, today)
        return TargetEvaluation(target, status, value=value, year=year)
    if code in results.COUNTY_INDICATORS:
        if county is not None:
            counties = [county]
        else:
            counties = counties_under(target.region_code)
            if user is not None and not user.is_admin:
                counties = counties.filter(pk__in=visible_counties(user))
            counties = list(counties)
        if code in SUMMARY_VALUES:
            missing = [c.pk for c in counties if stored is None or c.pk not in stored]
            if missing:
                fetched = stored_summaries(missing, with_achievement=_needs_achievement([code]))
                stored = {**(stored or {}), **fetched}
        rows = [_county_status(target, c, today, stored) for c in counties]
        evaluation = TargetEvaluation(target, _combine([r.status for r in rows]), counties=rows)
        evaluation.per_county = county is None and (
            len(rows) != 1 or rows[0].county.code != target.region_code
        )
        if len(rows) == 1:
            evaluation.value, evaluation.year = rows[0].value, rows[0].year
        return evaluation
    return TargetEvaluation(target, TargetStatus.NO_DATA)


def targets_concerning(*, user, county: Region | None = None) -> QuerySet[Target]:
    """Targets the user sees; with `county`, those set for that county or a region containing it."""
    targets = target_list(user=user)
    if county is not None:
        targets = targets.filter(region_code__in=_ancestor_codes(county))
    return targets


def projects_concerning(*, user, county: Region | None = None) -> QuerySet[Project]:
    projects = project_list(user=user)
    if county is not None:
        projects = projects.filter(
            Q(county=county) | Q(county__isnull=True, plan__region_code__in=_ancestor_codes(county))
        )
    return projects


def _stored_for_targets(targets: list[Target], *, user, county: Region | None) -> StoredSummaries:
    """The county summaries every county-indicator target among `targets` needs, read once for all of them."""
    codes = [t.indicator_code for t in targets if t.indicator_code in SUMMARY_VALUES]
    if not codes:
        return {}
    if county is not None:
        ids = [county.pk]
    else:
        region_codes = {t.region_code for t in targets if t.indicator_code in SUMMARY_VALUES}
        regions = Region.objects.filter(code__in=region_codes)
        counties = Region.objects.filter(level=RegionLevel.COUNTY).filter(
            Q(pk__in=regions) | Q(parent__in=regions) | Q(parent__parent__in=regions)
        )
        if user is not None and not user.is_admin:
            counties = counties.filter(pk__in=visible_counties(user))
        ids = list(counties.values_list("pk", flat=True))
    return stored_summaries(ids, with_achievement=_needs_achievement(codes))


def alerts(*, user, county: Region | None = None, today: datetime.date | None = None) -> dict:
    """Off-track targets and overdue projects concerning the user's regions (or one county)."""
    today = today or timezone.localdate()
    targets = list(targets_concerning(user=user, county=county))
    stored = _stored_for_targets(targets, user=user, county=county)
    evaluations = [evaluate_target(t, user=user, county=county, today=today, stored=stored) for t in targets]
    return {
        "off_track_targets": [e for e in evaluations if e.status == TargetStatus.OFF_TRACK],
        "overdue_projects": list(overdue_projects(projects_concerning(user=user, county=county), today)),
    }


def box_budget(box) -> dict:
    """A programme box's declared total beside the sum of its projects' budgets, without correcting either."""
    items = [p.budget for p in box.projects.all() if p.budget is not None]
    items_sum = sum(items) if items else None
    discrepancy = None
    if box.declared_total is not None and items_sum is not None:
        discrepancy = items_sum - box.declared_total
    return {"declared_total": box.declared_total, "items_sum": items_sum, "discrepancy": discrepancy}
