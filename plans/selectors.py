"""Reads of plans, projects and targets, all scoped to the user's region.

A user sees the plans of its own region, of the regions below it and of the regions above it that contain it
(a county clerk works under the city's and the province's plans). A project that names a county is seen only by
users who see that county; another county's project answers 404.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
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


def _region_codes(user) -> tuple[frozenset[str], frozenset[str]]:
    """(codes of the user's region and the regions under it, codes of the regions containing it), in one query,
    kept on the user object for the rest of the request."""
    cached = getattr(user, "_plan_region_codes", None)
    if cached is None:
        region_id = user.region_id
        own = Q(pk__in=visible_regions(user).values("pk"))  # the scoping rule: its region and those under it
        above = Q(children__pk=region_id) | Q(children__children__pk=region_id)
        rows = (
            Region.objects.filter(own | above)
            .annotate(
                own=Case(When(own, then=Value(True)), default=Value(False), output_field=BooleanField())
            )
            .values_list("code", "own")
            .distinct()
            if region_id
            else []
        )
        rows = list(rows)
        cached = (
            frozenset(c for c, is_own in rows if is_own),
            frozenset(c for c, is_own in rows if not is_own),
        )
        user._plan_region_codes = cached
    return cached


def visible_region_codes(user) -> set[str] | None:
    """Codes of the regions whose plans the user sees; None means every region (administrators)."""
    if not user or not user.is_authenticated:
        return set()
    if user.is_admin:
        return None
    own, above = _region_codes(user)
    return set(own | above)


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
    return Region.objects.filter(level=RegionLevel.COUNTY).filter(
        Q(code=region_code) | Q(parent__code=region_code) | Q(parent__parent__code=region_code)
    )


# County-indicator codes (plans.results.COUNTY_INDICATORS) read from a county summary: typed columns and single
# values, never the full report. A code missing here falls back to reading the county's full reports.
SUMMARY_VALUES: dict[str, Callable[[dict], float | None]] = {
    "urban_rural_degree_ratio": lambda s: s["urban_rural_degree_ratio"],
    "achievement.rate_vs_urban_quality": lambda s: s.get("worst_rate_vs_urban_quality"),
    "quality_2017.pass": lambda s: results.verdict_value(s["pass_2017"]),
    "recognition.S1": lambda s: s["recognition_s1"],
}


def summary_value(code: str, summary: dict | None) -> float | None:
    if not summary or code not in SUMMARY_VALUES:
        return None
    value = SUMMARY_VALUES[code](summary)
    return None if value is None else float(value)


StoredSummaries = dict[int, tuple[dict | None, dict | None]]


def stored_summaries(county_ids: Iterable[int], *, with_achievement: bool = False) -> StoredSummaries:
    """county id -> (summary of its latest stored year, summary of the year before); (None, None) for a county
    without results. Two queries whatever the number of counties."""
    ids = list(county_ids)
    if not ids:
        return {}
    found: dict[int, tuple[dict, dict | None]] = {}
    for summary in indicator_selectors.county_summaries(
        ids, with_achievement=with_achievement, with_previous_year=True
    ):  # each county's latest year first, then the year before it if stored
        county_id = summary["county_id"]
        if county_id not in found:
            found[county_id] = (summary, None)
        elif summary["year"] == found[county_id][0]["year"] - 1:
            found[county_id] = (found[county_id][0], summary)
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
    stored = indicator_selectors.latest_rollups_by_code(region_code)
    if stored:
        year = stored[0]["year"]
        previous = next((r for r in stored[1:] if r["year"] == year - 1), None)
        return _rollup_share(stored[0]), _rollup_share(previous), year
    if not Region.objects.filter(code=region_code).exists():
        return None, None, None
    ids = list(counties_under(region_code).values_list("pk", flat=True))
    summaries = results.county_summaries(ids)
    years = [s.get("year") for s in summaries if s.get("year")]
    year = max(years) if years else None
    previous = results.share_passing(results.county_summaries(ids, year=year - 1), len(ids)) if year else None
    return results.share_passing(summaries, len(ids)), previous, year


def _sees_region(user, region_code: str) -> bool:
    """The user sees the region itself (its own or one below it), not merely a plan of a region containing it."""
    if user is None or user.is_admin:
        return True
    return region_code in _region_codes(user)[0]


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
            known = getattr(user, "_plan_counties_under", {}) if user is not None else {}
            if target.region_code in known:
                counties = known[target.region_code]
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
        counties = Region.objects.filter(level=RegionLevel.COUNTY).filter(
            Q(code__in=region_codes)
            | Q(parent__code__in=region_codes)
            | Q(parent__parent__code__in=region_codes)
        )
        if user is not None and not user.is_admin:
            counties = counties.filter(pk__in=visible_counties(user))
        found = list(counties.select_related("parent__parent").order_by("code"))
        ids = [c.pk for c in found]
        if user is not None:  # evaluate_target takes each target's counties from here instead of asking again
            user._plan_counties_under = {
                code: [c for c in found if code in _ancestor_codes(c)] for code in region_codes
            }
    return stored_summaries(ids, with_achievement=_needs_achievement(codes))


def alerts(
    *,
    user,
    county: Region | None = None,
    today: datetime.date | None = None,
    targets: list[Target] | None = None,
) -> dict:
    """Off-track targets and overdue projects concerning the user's regions (or one county). `targets`: the list
    targets_concerning() gave, when the caller has read it already."""
    today = today or timezone.localdate()
    if targets is None:
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


def share_targets(region: Region, targets: Iterable[Target] | None = None) -> list[Target]:
    """The plans' targets for the share of counties passing the 2017 standard set for this region or a region
    containing it (Henan's 30 % / 80 % / 100 %, Linyi's 60 %), by deadline: picked out of `targets` (what
    targets_concerning gave) or read in one query."""
    codes = _ancestor_codes(region)
    if targets is None:
        targets = Target.objects.filter(region_code__in=codes).select_related("plan")
    picked = [
        t
        for t in targets
        if t.region_code in codes and t.indicator_code in results.REGION_INDICATORS and t.value is not None
    ]
    return sorted(picked, key=lambda t: (t.deadline is None, t.deadline or datetime.date.min, t.pk))
