"""Reads of the indicator engine's stored results, rule sets and runs (the inputs are read by `inputs`).

The report readers return stored results only: nothing is recomputed on read. Callers that serve users must scope
county ids through `core.scoping` first.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Exists, F, Max, OuterRef, Q, Subquery
from django.utils import timezone

from core.models import Region
from schools.models import Achievement, CountyYear, Funding, Monitoring, School, SchoolClass, SchoolYear
from teachers.models import Teacher

from . import rules
from .inputs import current_rule_set
from .models import CountyResult, IndicatorResult, RecomputeRun, RegionRollup, RuleSet, UnitResult
from .report.model import County, Report, RuleSetRef, Stamp, read_achievement, worst_rate_vs_urban_quality

# ---------------------------------------------------------------- rule sets


def rule_set_versions(code: str):
    """Every version of a standard's rule set, newest first, with who made it."""
    return RuleSet.objects.filter(code=code).select_related("created_by").order_by("-version")


def current_rule_sets() -> list[RuleSet]:
    """The latest version of each standard, in the order of rules.DEFAULTS."""
    return [current_rule_set(code) for code in rules.DEFAULTS]


def results_by_version(code: str) -> dict[int, int]:
    """How many stored county results name each version of a rule set."""
    field = "rule_set" if code == rules.QUALITY_2017 else "basic_rule_set"
    rows = (
        CountyResult.objects.filter(**{f"{field}__code": code})
        .values_list(f"{field}__version")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return dict(rows)


# ---------------------------------------------------------------- recompute runs


def data_years() -> list[int]:
    """The school years that have data anywhere, newest first (the year picker of a recompute)."""
    return list(SchoolYear.objects.values_list("year", flat=True).distinct().order_by("-year"))


def runs_touching(county_ids: Iterable[int] | None, user=None):
    """Recompute runs, newest first: all of them (county_ids None) or those listing one of these counties, plus
    the ones this user started."""
    runs = RecomputeRun.objects.select_related("started_by").order_by("-started_at", "-pk")
    if county_ids is None:
        return runs
    keys = [str(c) for c in county_ids]
    condition = Q(counties__has_any_keys=keys) if keys else Q(pk__in=[])
    if user is not None and getattr(user, "is_authenticated", False):
        condition |= Q(started_by=user)
    return runs.filter(condition)


def _stamp(result: CountyResult) -> Stamp:
    return Stamp(
        computed_at=timezone.localtime(result.computed_at).isoformat(),
        rule_set=RuleSetRef(result.rule_set.code, result.rule_set.version),
        rule_sets=tuple(RuleSetRef(rs.code, rs.version) for rs in (result.rule_set, result.basic_rule_set)),
    )


def latest_result_year(county_id: int) -> int | None:
    return CountyResult.objects.filter(county_id=county_id).aggregate(y=Max("year"))["y"]


def county_result(county_id: int, year: int | None = None) -> CountyResult | None:
    qs = CountyResult.objects.select_related("rule_set", "basic_rule_set", "county").filter(
        county_id=county_id
    )
    if year is None:
        return qs.order_by("-year").first()
    return qs.filter(year=year).first()


class StoredResult:
    """A stored result without its figures: the county, year and stamp, which identify what a page shows (its
    cached parts are keyed on them), read without the report's JSON (a county's 250 kB). `report()` reads and
    parses the figures when a page has to render them."""

    def __init__(self, result: CountyResult):
        self.pk = result.pk
        self.county_id = result.county_id
        self.county = County(result.county.code, result.county.name)
        self.year = result.year
        self.stamp = _stamp(result)
        self._computed_at = result.computed_at

    @functools.cached_property
    def _report(self) -> Report:
        # the figures of this very computation; a recompute in between (the row rewritten) reads the newer ones
        stored = (
            CountyResult.objects.filter(pk=self.pk, computed_at=self._computed_at)
            .values_list("report", flat=True)
            .first()
        )
        if stored is None:
            newer = report(self.county_id, self.year)
            if newer is None:
                raise CountyResult.DoesNotExist(f"county {self.county_id}, {self.year}: result removed")
            return newer
        return Report.from_json(stored).stamped(self.stamp)

    def report(self) -> Report:
        return self._report


def stored_result(county_id: int, year: int | None = None) -> StoredResult | None:
    """The stored result of a county (year None = latest stored), its figures read only when asked for."""
    qs = (
        CountyResult.objects.select_related("rule_set", "basic_rule_set", "county")
        .filter(county_id=county_id)
        .only(
            "pk",
            "county_id",
            "year",
            "computed_at",
            "rule_set__code",
            "rule_set__version",
            "basic_rule_set__code",
            "basic_rule_set__version",
            "county__code",
            "county__name",
        )
    )
    result = qs.order_by("-year").first() if year is None else qs.filter(year=year).first()
    return None if result is None else StoredResult(result)


def report(county_id: int, year: int | None = None) -> Report | None:
    """The stored report of a county (year None = latest stored) as the typed model, stamped with when and under
    which rule sets it was computed."""
    result = county_result(county_id, year)
    return None if result is None else Report.from_json(result.report).stamped(_stamp(result))


def school_names(county_id: int) -> dict[str, str]:
    """School code → name of every school of a county (the report names only the schools it counts in the
    resource indicators; the presenter names the others with these)."""
    return dict(School.objects.filter(county_id=county_id).values_list("code", "name"))


def county_report(county_id: int, year: int | None = None) -> dict[str, Any] | None:
    """The same report as its JSON document (spec/report.md), as the API serves it and the command prints it:
    the stored figures with computed_at, rule_set and rule_sets."""
    stored = report(county_id, year)
    return None if stored is None else stored.to_json()


STAGES = ("primary", "junior")


def _worst_cv_pk(stage: str) -> Subquery:
    """The pk of the stage's 2017 indicator whose CV is closest to (or furthest over) its limit: highest cv/limit,
    ties to the lower code."""
    rows = (
        IndicatorResult.objects.filter(
            result=OuterRef("pk"),
            standard=rules.QUALITY_2017,
            stage=stage,
            cv__isnull=False,
            cv_limit__gt=0,
        )
        .annotate(share_of_limit=F("cv") / F("cv_limit"))
        .order_by("-share_of_limit", "code")
        .values("pk")[:1]
    )
    return Subquery(rows)


# single values of the report, typed by the database as generated columns (models.CountyResult)
_REPORT_SCALARS = {
    "ratio_pass": "degree_ratio_pass",
    "ratio_target": "degree_ratio_target",
    **{f"{stage}_{key}": f"basic_{key}_{stage}" for stage in STAGES for key in ("limit", "pass")},
}
# typed columns kept by the database from the report (generated columns, models.CountyResult)
_TYPED_COLUMNS = (
    "recognition_s1",
    *(f"{kind}_classes_{stage}" for kind in ("large", "super_large") for stage in STAGES),
)


def latest_verdicts(county_ids) -> list[dict[str, Any]]:
    """Each county's latest stored 2017 verdict, by county code: {"county_id", "code", "name", "year",
    "pass_2017"}. One query; `county_ids` may be a queryset of ids (read as a subquery)."""
    latest = CountyResult.objects.filter(county_id=OuterRef("county_id")).order_by("-year").values("year")
    return [
        {"county_id": county_id, "code": code, "name": name, "year": year, "pass_2017": passed}
        for county_id, code, name, year, passed in CountyResult.objects.filter(
            county_id__in=county_ids, year=Subquery(latest[:1])
        )
        .order_by("county__code")
        .values_list("county_id", "county__code", "county__name", "year", "pass_2017")
    ]


def county_summaries(
    county_ids: Iterable[int],
    year: int | None = None,
    *,
    with_achievement: bool = False,
) -> list[dict[str, Any]]:
    """One row per county that has results, ordered by county code: verdict parts, pass flags, per stage the
    worst 2017 CV against its limit, the 2012 composite CV and the large classes, and the urban–rural ratio.

    year None = each county's latest stored year. Two queries whatever the number of counties: typed columns (the
    single values of the report it needs are generated columns of CountyResult), then the worst-CV indicator rows.
    The report itself is never read (unpacking its JSON costs more than all the rest); with_achievement also reads its `achievement` block for the worst
    `rate_vs_urban_quality` (about a fifth of a report).
    """
    qs = CountyResult.objects.filter(county_id__in=list(county_ids))
    if year is not None:
        qs = qs.filter(year=year)
    else:
        latest = CountyResult.objects.filter(county_id=OuterRef("county_id")).order_by("-year").values("year")
        qs = qs.filter(year=Subquery(latest[:1]))
    qs = qs.annotate(
        **{f"worst_cv_{stage}": _worst_cv_pk(stage) for stage in STAGES},
        **{name: F(path) for name, path in _REPORT_SCALARS.items()},
    )
    extra = ["report__achievement"] if with_achievement else []
    rows = list(
        qs.order_by("county__code", "-year").values(
            "county_id",
            "county__code",
            "county__name",
            "year",
            "resource",
            "government",
            "quality",
            "recognition",
            "pass_2017",
            "pass_2012",
            "composite_cv_primary",
            "composite_cv_junior",
            "basic_composite_cv_primary",
            "basic_composite_cv_junior",
            "degree_ratio",
            "large_classes",
            "super_large_classes",
            "computed_at",
            "rule_set__code",
            "rule_set__version",
            *(f"worst_cv_{stage}" for stage in STAGES),
            *_REPORT_SCALARS,
            *_TYPED_COLUMNS,
            *extra,
        )
    )
    worst_pks = [r[f"worst_cv_{stage}"] for r in rows for stage in STAGES if r[f"worst_cv_{stage}"]]
    worst = (
        {
            w["pk"]: {"code": w["code"], "cv": w["cv"], "limit": w["cv_limit"], "pass": w["cv_pass"]}
            for w in IndicatorResult.objects.filter(pk__in=worst_pks).values(
                "pk", "code", "cv", "cv_limit", "cv_pass"
            )
        }
        if worst_pks
        else {}
    )
    out = []
    for r in rows:
        summary = {
            "county_id": r["county_id"],
            "code": r["county__code"],
            "name": r["county__name"],
            "year": r["year"],
            "verdict": {k: r[k] for k in ("resource", "government", "quality", "recognition")},
            "pass_2017": r["pass_2017"],
            "pass_2012": r["pass_2012"],
            "composite_cv": {"primary": r["composite_cv_primary"], "junior": r["composite_cv_junior"]},
            "basic_composite_cv": {
                "primary": r["basic_composite_cv_primary"],
                "junior": r["basic_composite_cv_junior"],
            },
            "stages": {
                stage: {
                    "worst_cv": worst.get(r[f"worst_cv_{stage}"]),
                    "basic_composite_cv": r[f"basic_composite_cv_{stage}"],
                    "basic_limit": r[f"{stage}_limit"],
                    "basic_pass": r[f"{stage}_pass"],
                    "large": r[f"large_classes_{stage}"],
                    "super_large": r[f"super_large_classes_{stage}"],
                }
                for stage in STAGES
            },
            "urban_rural_degree_ratio": r["degree_ratio"],
            "urban_rural_degree_ratio_pass": r["ratio_pass"],
            "urban_rural_degree_ratio_target": r["ratio_target"],
            "recognition_s1": r["recognition_s1"],
            "large_classes": r["large_classes"],
            "super_large_classes": r["super_large_classes"],
            "computed_at": r["computed_at"],
            "rule_set": {"code": r["rule_set__code"], "version": r["rule_set__version"]},
        }
        if with_achievement:
            summary["worst_rate_vs_urban_quality"] = worst_rate_vs_urban_quality(
                read_achievement(r["report__achievement"])
            )
        out.append(summary)
    return out


def region_rollup(region_id: int, year: int | None = None) -> dict[str, Any] | None:
    """The stored roll-up of a city or province (year None = latest)."""
    qs = RegionRollup.objects.filter(region_id=region_id).select_related("region")
    rollup = qs.filter(year=year).first() if year is not None else qs.order_by("-year").first()
    if rollup is None:
        return None
    return {
        "region": {"code": rollup.region.code, "name": rollup.region.name, "level": rollup.region.level},
        "year": rollup.year,
        "computed_at": rollup.computed_at,
        "counties": rollup.counties,
        "counties_with_results": rollup.counties_with_results,
        "counties_passing": rollup.counties_passing,
        "share_passing": rollup.share_passing,
        "ranking": rollup.ranking,
    }


def region_rollups(region_ids: Iterable[int], year: int | None = None) -> list[dict[str, Any]]:
    out = []
    for region_id in region_ids:
        rollup = region_rollup(region_id, year)
        if rollup is not None:
            out.append(rollup)
    return out


def school_results(school_id: int, county_id: int) -> dict[str, Any] | None:
    """The school's own 2017 resource figures from its county's latest stored result: per stage, each indicator's
    value beside its threshold, whether it is met, and the shortfall in natural units."""
    result = county_result(county_id)
    if result is None:
        return None
    units = list(
        UnitResult.objects.filter(result=result, school_id=school_id, standard=rules.QUALITY_2017).order_by(
            "stage"
        )
    )
    if not units:
        return {
            "year": result.year,
            "computed_at": timezone.localtime(result.computed_at),
            "rule_set": {"code": result.rule_set.code, "version": result.rule_set.version},
            "stages": [],
        }
    thresholds = {
        (row["stage"], row["code"]): row["threshold"]
        for row in IndicatorResult.objects.filter(result=result, standard=rules.QUALITY_2017).values(
            "stage", "code", "threshold"
        )
    }
    params = result.rule_set.params
    floor = params.get("school_floor", rules.QUALITY_2017_DEFAULTS["school_floor"])
    stages = []
    for unit in units:
        rows = []
        for code, value in sorted(unit.values.items(), key=lambda kv: int(kv[0][1:])):
            threshold = thresholds.get((unit.stage, code))
            met = None if value is None or threshold is None else value >= threshold
            rows.append(
                {
                    "code": code,
                    "value": value,
                    "threshold": threshold,
                    "met": met,
                    "shortfall": unit.shortfalls.get(code),
                }
            )
        stages.append(
            {
                "stage": unit.stage,
                "students": unit.students,
                "met": unit.met,
                "passed": unit.passed,
                "rows": rows,
            }
        )
    return {
        "year": result.year,
        "computed_at": timezone.localtime(result.computed_at),
        "rule_set": {"code": result.rule_set.code, "version": result.rule_set.version},
        "min_met": params.get("school_min_met"),
        "floor_percent": round(floor * 100),
        "stages": stages,
    }


# ---------------------------------------------------------------- overviews of many counties (one query each)


def latest_year_of(county_ids: Iterable[int]) -> int | None:
    """The latest year any of these counties has a stored result for."""
    return CountyResult.objects.filter(county_id__in=list(county_ids)).aggregate(y=Max("year"))["y"]


def result_years_of(county_ids: Iterable[int]) -> list[int]:
    """The years any of these counties has stored results for, newest first."""
    return list(
        CountyResult.objects.filter(county_id__in=list(county_ids))
        .values_list("year", flat=True)
        .distinct()
        .order_by("-year")
    )


def with_results_stamp(counties):
    """These counties (a Region queryset) with `results_at`, the latest computed_at of their stored results (every
    store sets it), and `results_n`, how many there are, in any year: read with the counties themselves (two
    correlated subqueries), together what changes whenever a result of theirs is written or deleted."""
    mine = CountyResult.objects.filter(county_id=OuterRef("pk")).order_by().values("county_id")
    return counties.annotate(
        results_at=Subquery(mine.annotate(at=Max("computed_at")).values("at")),
        results_n=Subquery(mine.annotate(n=Count("pk")).values("n")),
    )


def with_latest_verdict(counties):
    """These counties (a Region queryset) with `latest_year` and `latest_pass` (pass_2017) of their latest stored
    result, None without one: latest_verdicts read with the counties themselves."""
    latest = CountyResult.objects.filter(county_id=OuterRef("pk")).order_by("-year")
    return counties.annotate(
        latest_year=Subquery(latest.values("year")[:1]), latest_pass=Subquery(latest.values("pass_2017")[:1])
    )


def results_stamp(counties: Iterable[Region]) -> tuple[str | None, int]:
    """The stamp of the results of counties read through with_results_stamp: the key of figures built from them
    and kept in a cache."""
    counties = list(counties)
    latest = max((c.results_at for c in counties if c.results_at is not None), default=None)
    return (latest.isoformat() if latest else None, sum(c.results_n or 0 for c in counties))


def indicator_rows(county_ids: Iterable[int], year: int, standard: str = rules.QUALITY_2017) -> list[dict]:
    """Every stored indicator row (mean, CV against its limit) of these counties in one year, in one query."""
    return list(
        IndicatorResult.objects.filter(
            result__county_id__in=list(county_ids), result__year=year, standard=standard
        )
        .order_by()
        .values("result__county_id", "stage", "code", "mean", "threshold", "cv", "cv_limit", "cv_pass")
    )


def rollup_history(region_id: int) -> list[dict]:
    """The stored roll-ups of one city or province over the years, oldest first (the share passing per year)."""
    return list(
        RegionRollup.objects.filter(region_id=region_id)
        .order_by("year")
        .values("year", "counties", "counties_with_results", "counties_passing", "share_passing")
    )


_COUNTS = {
    **{
        f"{kind}_{stage}": f"{kind}_{stage}"
        for kind in ("classes", "students", "teachers")
        for stage in STAGES
    },
}


def stored_counts(county_ids) -> dict[str, Any]:
    """Classes, pupils and full-time teachers of these counties (ids or a subquery of them) as their latest stored
    results counted them, summed in one query that reads single values out of the reports: never the roster."""
    latest = CountyResult.objects.filter(county_id=OuterRef("county_id")).order_by("-year").values("year")
    rows = list(
        CountyResult.objects.filter(county_id__in=county_ids, year=Subquery(latest[:1])).values(
            "year", "computed_at", *_COUNTS
        )
    )

    def total(kind: str) -> int | None:
        values = [r[f"{kind}_{stage}"] for r in rows for stage in STAGES if r[f"{kind}_{stage}"] is not None]
        return int(sum(values)) if values else None

    return {
        "counties": len(rows),
        "year": max((r["year"] for r in rows), default=None),
        "computed_at": max((r["computed_at"] for r in rows), default=None),
        "classes": total("classes"),
        "students": total("students"),
        "teachers": total("teachers"),
    }


def recompute_pending(county_id: int) -> RecomputeRun | None:
    """The run that is to recompute this county (queued, possibly waiting for the broker, or running), if any:
    pages say the figures shown are about to change."""
    return (
        RecomputeRun.objects.filter(
            status__in=[RecomputeRun.Status.QUEUED, RecomputeRun.Status.RUNNING],
            counties__has_key=str(county_id),
        )
        .order_by("pk")
        .first()
    )


# ---------------------------------------------------------------- freshness of a stored result


def rule_set_params(code: str, version: int) -> dict[str, Any]:
    """The params of one version of a rule set as the engine read them (a "how computed" names its settings)."""
    row = RuleSet.objects.filter(code=code, version=version).values_list("params", flat=True).first()
    return rules.effective_params(code, row or {})


def freshness(county_id: int, year: int, computed_at) -> dict[str, Any]:
    """Whether a county-year's stored result still reflects its inputs: the run that is to recompute the county
    (queued after a data change, or running, with its progress: see recompute_pending), or inputs saved after
    the result was computed and no recompute under way (a run that failed). One query whatever the size of the
    county."""
    pending = RecomputeRun.objects.filter(
        status__in=[RecomputeRun.Status.QUEUED, RecomputeRun.Status.RUNNING], counties__has_key=str(county_id)
    ).order_by("pk")
    in_county = {"school__county_id": county_id, "year": year, "updated_at__gt": computed_at}
    row = (
        Region.objects.filter(pk=county_id)
        .annotate(
            changed=Exists(School.objects.filter(county_id=county_id, updated_at__gt=computed_at))
            | Exists(SchoolYear.objects.filter(**in_county))
            | Exists(SchoolClass.objects.filter(**in_county))
            | Exists(Teacher.objects.filter(**in_county))
            | Exists(Funding.objects.filter(**in_county))
            | Exists(Achievement.objects.filter(**in_county))
            | Exists(CountyYear.objects.filter(county_id=county_id, year=year, updated_at__gt=computed_at))
            | Exists(Monitoring.objects.filter(county_id=county_id, year=year, updated_at__gt=computed_at)),
            run_id=Subquery(pending.values("pk")[:1]),
            run_status=Subquery(pending.values("status")[:1]),
            run_counties=Subquery(pending.values("counties")[:1]),
        )
        .values("changed", "run_id", "run_status", "run_counties")
        .first()
    ) or {"changed": False, "run_id": None, "run_status": None, "run_counties": None}
    progress = None
    if row["run_id"] is not None:
        entries = row["run_counties"]
        if isinstance(entries, str):  # a JSON subquery comes back as text on some backends
            entries = json.loads(entries)
        entries = entries or {}
        finished = sum(1 for e in entries.values() if (e or {}).get("status") not in (None, "", "queued"))
        progress = {
            "run_id": row["run_id"],
            "finished": finished,
            "total": len(entries),
            "percent": round(100 * finished / len(entries)) if entries else None,
        }
    changed = bool(row["changed"])
    if progress is not None and row["run_status"] == RecomputeRun.Status.RUNNING:
        state = "running"
    elif progress is not None:
        state = "queued"
    elif changed:
        state = "stale"
    else:
        state = "fresh"
    return {"state": state, "progress": progress, "inputs_changed": changed}
