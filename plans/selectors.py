"""Reads of plans, projects and targets, all scoped to the user's region.

A user sees the plans of its own region, of the regions below it and of the regions above it that contain it
(a county clerk works under the city's and the province's plans). A project that names a county is seen only by
users who see that county; another county's project answers 404.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import Region
from core.scoping import visible_counties, visible_regions

from . import judging, results
from .models import Evidence, Plan, PlanStatus, ProgressReport, Project, ProjectStatus, Target, TargetStatus


def _ancestor_codes(region: Region | None) -> list[str]:
    codes = []
    while region is not None:
        codes.append(region.code)
        region = region.parent
    return codes


def visible_region_codes(user) -> QuerySet[Region] | None:
    """Codes of the regions whose plans the user sees — its region, those under it and those containing it — as
    a subquery of the statement that reads the plans (not a read of its own); None means every region
    (administrators)."""
    if not user or not user.is_authenticated or not (user.is_admin or user.region_id):
        return Region.objects.none().values("code")
    if user.is_admin:
        return None
    region_id = user.region_id
    own = Q(pk__in=visible_regions(user).values("pk"))  # the scoping rule: its region and those under it
    above = Q(children__pk=region_id) | Q(children__children__pk=region_id)
    return Region.objects.filter(own | above).values("code")


def plan_list(*, user) -> QuerySet[Plan]:
    codes = visible_region_codes(user)
    plans = Plan.objects.all()
    return plans if codes is None else plans.filter(region_code__in=codes)


def plan_get(*, user, pk: int) -> Plan:
    return get_object_or_404(plan_list(user=user), pk=pk)


def plan_for_county(*, user, county: Region) -> Plan | None:
    """The plan a county's new project most likely belongs to: one in force of the county itself, else of its city,
    else of its province (the newest first), among the plans the user sees."""
    plans = plan_list(user=user).filter(status=PlanStatus.IN_FORCE)
    for code in _ancestor_codes(county):
        plan = plans.filter(region_code=code).order_by("-year", "pk").first()
        if plan is not None:
            return plan
    return None


def project_list(*, user) -> QuerySet[Project]:
    projects = Project.objects.select_related("plan", "task", "box", "county", "school")
    if user and user.is_authenticated and user.is_admin:
        return projects
    return projects.filter(plan__in=plan_list(user=user)).filter(
        Q(county__isnull=True) | Q(county__in=visible_counties(user))
    )


def project_get(*, user, pk: int) -> Project:
    return get_object_or_404(project_list(user=user), pk=pk)


def project_reports(project: Project) -> list[ProgressReport]:
    """The project's progress reports, newest first, each with its files (two queries)."""
    return list(project.reports.select_related("created_by").prefetch_related("files"))


def evidence_get(*, user, pk: int) -> Evidence:
    """An evidence file of a project the user sees; any other → 404."""
    return get_object_or_404(
        Evidence.objects.select_related("report__project"), pk=pk, report__project__in=project_list(user=user)
    )


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


# --- target status: read from the stored judgement (plans.judging, stored by services.targets_judge) ----------------


@dataclass
class CountyRow:
    """One county's contribution to a target, as stored when the target was judged."""

    name: str
    code: str
    year: int | None
    value: float | None = None
    status: str | None = None
    passes: bool | None = None
    expected: float | None = None

    @property
    def status_label(self) -> str:
        return TargetStatus(self.status).label if self.status else ""


@dataclass
class TargetView:
    """A target with its stored status, the same for every viewer; `counties` keeps only the counties the viewer
    sees (a clerk: its own county's contribution)."""

    target: Target
    status: str
    value: float | None = None
    year: int | None = None
    judged_at: datetime.datetime | None = None
    counties: list[CountyRow] = field(default_factory=list)
    per_county: bool = False
    share: bool = False
    indicator_label: str = ""
    baseline_year: int | None = None
    baseline_value: float | None = None
    expected: float | None = None
    chart: dict | None = None

    @property
    def status_label(self) -> str:
        return TargetStatus(self.status).label


def target_view(target: Target, *, user, visible: set[int] | None = None) -> TargetView:
    """`visible`: ids of the counties the user sees (None: every one); read once for many targets."""
    details = target.judgement or {}
    stored = details.get("counties") or []
    rows = [
        CountyRow(
            name=r["name"],
            code=r["code"],
            year=r.get("year"),
            value=r.get("value"),
            status=r.get("status"),
            passes=r.get("passes"),
            expected=r.get("expected"),
        )
        for r in stored
        if visible is None or r["id"] in visible
    ]
    share = target.indicator_code in results.REGION_INDICATORS
    single = stored[0] if len(stored) == 1 and not share else {}
    return TargetView(
        target=target,
        status=target.status,
        value=target.judged_value,
        year=target.judged_year,
        judged_at=target.judged_at,
        counties=rows,
        per_county=share or len(stored) > 1,
        share=share,
        indicator_label=results.indicator_label(target.indicator_code) if target.indicator_code else "",
        baseline_year=details.get("baseline_year", single.get("baseline_year")),
        baseline_value=details.get("baseline_value", single.get("baseline_value")),
        expected=details.get("expected", single.get("expected")),
    )


def visible_county_ids(user) -> set[int] | None:
    if user is None or user.is_admin:
        return None
    return set(visible_counties(user).values_list("pk", flat=True))


def target_views(targets: Iterable[Target], *, user) -> list[TargetView]:
    targets = list(targets)
    if not targets:  # no need to read which counties the user sees
        return []
    visible = visible_county_ids(user)
    return [target_view(t, user=user, visible=visible) for t in targets]


def target_series(
    target: Target, *, user
) -> tuple[list[int], list[tuple[str, list]], list[tuple[str, list]]]:
    """Years, the stored lines (the region's share, or each visible county) and the linear path, for the
    trajectory chart: (x, series, planned)."""
    details = target.judgement or {}
    visible = visible_county_ids(user)
    lines: list[tuple[str, dict[int, float | None]]] = []
    if target.indicator_code in results.REGION_INDICATORS:
        lines.append((target.region_name, {int(y): v for y, v in (details.get("series") or {}).items()}))
    else:
        for row in details.get("counties") or []:
            if visible is None or row["id"] in visible:
                lines.append((row["name"], {int(y): v for y, v in (row.get("series") or {}).items()}))
    years = sorted({y for _name, values in lines for y in values})
    deadline_year = target.deadline.year if target.deadline else None
    if deadline_year is not None and years and deadline_year > years[-1]:
        years += list(range(years[-1] + 1, deadline_year + 1))
    series = [(name, [values.get(y) for y in years]) for name, values in lines]
    planned: list[tuple[str, list]] = []
    goal = results.as_float(target.value)
    if deadline_year is not None and goal is not None:
        for name, values in lines:
            known = sorted(y for y, v in values.items() if v is not None)
            later = [y for y in known if details.get("plan_year") is None or y >= details["plan_year"]]
            if not (later or known):
                continue
            base_year = (later or known)[0]
            base = float(values[base_year])  # type: ignore[arg-type]
            path = [
                judging.path_value(base_year, base, goal, deadline_year, y) if y >= base_year else None
                for y in years
            ]
            label = _("%(name)s 直线路径") % {"name": name} if len(lines) > 1 else _("直线路径")
            planned.append((label, path))
    return years, series, planned


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


def due_soon_projects(projects: QuerySet[Project], today: datetime.date | None = None, days: int = 30):
    today = today or timezone.localdate()
    return projects.filter(deadline__gte=today, deadline__lte=today + datetime.timedelta(days=days)).exclude(
        status=ProjectStatus.DONE
    )


def failing_counties(
    *, user, county: Region | None = None, counties: list[Region] | None = None
) -> list[dict]:
    """Counties in scope whose latest stored 2017 verdict fails: {"name", "code", "year"}. One query, none when
    the page has read the user's counties with their latest verdict (`counties`: every county the user sees, by
    code, read with indicators.selectors.with_latest_verdict)."""
    if counties is not None:
        return [
            {"name": c.name, "code": c.code, "year": c.latest_year}
            for c in counties
            if c.latest_pass is False
        ]
    ids = [county.pk] if county is not None else visible_counties(user).values("pk")
    summaries = results.latest_verdicts(ids)
    return [
        {"name": s["name"], "code": s["code"], "year": s["year"]}
        for s in summaries
        if results.summary_passes_2017(s) is False
    ]


def alerts(
    *,
    user,
    county: Region | None = None,
    today: datetime.date | None = None,
    targets: Iterable[Target] | None = None,
    counties: list[Region] | None = None,
) -> dict:
    """What needs attention in the user's regions (or one county): off-track targets (stored status, the same for
    everyone), overdue projects, projects due within 30 days, counties whose latest verdict fails. `targets`: what
    targets_concerning(user, county) gave, when the page has read it already; `counties`: see failing_counties."""
    today = today or timezone.localdate()
    if targets is None:
        targets = targets_concerning(user=user, county=county).filter(status=TargetStatus.OFF_TRACK)
    else:
        targets = [t for t in targets if t.status == TargetStatus.OFF_TRACK]
    projects = projects_concerning(user=user, county=county)
    # overdue and due within 30 days: one read, split here
    pending = list(
        projects.filter(deadline__lte=today + datetime.timedelta(days=30)).exclude(status=ProjectStatus.DONE)
    )
    return {
        "off_track_targets": target_views(targets, user=user),
        "overdue_projects": [p for p in pending if p.deadline < today],
        "due_soon_projects": [p for p in pending if p.deadline >= today],
        "failing_counties": failing_counties(user=user, county=county, counties=counties),
    }


def projects_for_indicator(*, user, county: Region, indicator_code: str) -> QuerySet[Project]:
    """The projects (seen by the user) drawn up for this county's failing indicator, for the report page."""
    return project_list(user=user).filter(county=county, indicator_code=indicator_code)


def projects_by_indicator(*, user, county: Region) -> dict[str, list[Project]]:
    """indicator code → the county's projects working on it (one query, for a whole report page).

    Whoever sees a county sees the plans of the county, its city and its province (plan_list): so the projects
    are those plans' projects for the county, if the user sees it, read in one statement (the scope and the
    region chain as subqueries) instead of resolving the user's plans first."""
    out: dict[str, list[Project]] = defaultdict(list)
    if not (user and user.is_authenticated):
        return {}
    chain = Region.objects.filter(
        Q(pk=county.pk) | Q(pk=county.parent_id) | Q(children__pk=county.parent_id)
    ).values("code")
    projects = Project.objects.filter(
        county=county, county__in=visible_counties(user), plan__region_code__in=chain
    ).exclude(indicator_code="")
    for project in projects.order_by("deadline", "pk"):
        out[project.indicator_code].append(project)
    return dict(out)


def project_rollup(projects: Iterable[Project], today: datetime.date | None = None) -> list[dict]:
    """Per county (and one row for the plan-wide projects): counts by status, overdue, budget; then the total."""
    today = today or timezone.localdate()
    rows: dict[str, dict] = {}
    total = {"name": _("合计"), "count": 0, "overdue": 0, "budget": 0, **{s.value: 0 for s in ProjectStatus}}
    for project in projects:
        name = project.county.name if project.county_id else _("全域（未指定区县）")
        row = rows.setdefault(
            name, {"name": name, "count": 0, "overdue": 0, "budget": 0, **{s.value: 0 for s in ProjectStatus}}
        )
        for target in (row, total):
            target["count"] += 1
            target[project.status] += 1
            target["overdue"] += int(is_overdue(project, today))
            target["budget"] += project.budget or 0
    return [*sorted(rows.values(), key=lambda r: str(r["name"])), total] if rows else []


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
