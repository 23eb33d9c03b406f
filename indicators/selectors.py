"""Reads of the indicator engine.

`county_inputs` aggregates one county's data in the database (one GROUP BY per source, never a loop over model
instances) into `formulas.CountyData`. The report readers return stored results only: nothing is recomputed on
read. Callers that serve users must scope county ids through `accounts.scoping` first.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, F, Max, OuterRef, Q, Subquery, Sum
from django.utils import timezone

from schools.choices import BackboneLevel, Degree, Title
from schools.models import (
    Achievement,
    CountyYear,
    Declaration,
    Funding,
    Monitoring,
    Region,
    SchoolClass,
    SchoolYear,
)
from teachers.models import Teacher

from . import rules
from .formulas import CountyData
from .models import CountyResult, IndicatorResult, RegionRollup, RuleSet, UnitResult

SCHOOL_YEAR_FIELDS = (
    "primary_students",
    "junior_students",
    "senior_students",
    "boarders",
    "staff",
    "teaching_area",
    "indoor_sports_area",
    "sports_ground_area",
    "equipment_value",
    "multimedia_rooms",
    "computers",
    "books",
    "music_rooms",
    "art_rooms",
)
ASSOCIATE_PLUS = [Degree.POSTGRADUATE, Degree.BACHELOR, Degree.ASSOCIATE]
BACHELOR_PLUS = [Degree.POSTGRADUATE, Degree.BACHELOR]
BACKBONE = [BackboneLevel.COUNTY, BackboneLevel.CITY, BackboneLevel.PROVINCE, BackboneLevel.NATIONAL]
MID_TITLE = [Title.FIRST, Title.SENIOR, Title.SENIOR_PROFESSOR]
PE_ART = ["体育", "音乐", "美术", "艺术"]


def _float(value):
    return None if value is None else float(value)


# ---------------------------------------------------------------- rule sets


def current_rule_set(code: str) -> RuleSet:
    """The latest version of a standard's rule set (seeded as version 1 by migration)."""
    rule_set = RuleSet.objects.filter(code=code).order_by("-version").first()
    if rule_set is None:  # a database created without the data migration (should not happen)
        rule_set = RuleSet.objects.create(
            code=code, version=1, name=rules.NAMES[code], params=rules.default_params(code)
        )
    return rule_set


# ---------------------------------------------------------------- inputs


def latest_data_year(county_id: int) -> int | None:
    return SchoolYear.objects.filter(school__county_id=county_id).aggregate(y=Max("year"))["y"]


def county_inputs(county: Region, year: int, params: dict[str, Any]) -> CountyData:
    """Every input of one county and year, aggregated in the database."""
    school_rows = SchoolYear.objects.filter(school__county=county, year=year).values(
        "school_id",
        "school__code",
        "school__name",
        "school__kind",
        "school__urban_rural_code",
        "school__ownership",
        "school__boarding",
        "school__urban_quality_reference",
        *SCHOOL_YEAR_FIELDS,
    )
    schools = []
    for row in school_rows:
        school = {
            "id": row["school_id"],
            "code": row["school__code"],
            "name": row["school__name"],
            "kind": row["school__kind"],
            "urban_rural_code": row["school__urban_rural_code"],
            "ownership": row["school__ownership"],
            "boarding": row["school__boarding"],
            "urban_quality_reference": row["school__urban_quality_reference"],
        }
        for key in SCHOOL_YEAR_FIELDS:
            school[key] = _float(row[key]) if key.endswith(("area", "value")) else row[key]
        schools.append(school)
    schools.sort(key=lambda s: s["code"])

    full = Q(full_time=True)
    teacher_rows = (
        Teacher.objects.filter(school__county=county, year=year)
        .values("school__code", "stage")
        .annotate(
            n_full_time=Count("pk", filter=full),
            n_all_staff=Count("pk"),
            n_associate_plus=Count("pk", filter=full & Q(degree__in=ASSOCIATE_PLUS)),
            n_bachelor_plus=Count("pk", filter=full & Q(degree__in=BACHELOR_PLUS)),
            n_backbone=Count("pk", filter=full & Q(backbone_level__in=BACKBONE)),
            n_pe_art=Count("pk", filter=full & Q(subject__in=PE_ART)),
            n_mid_title=Count("pk", filter=full & Q(title__in=MID_TITLE)),
            n_certified=Count("pk", filter=full & Q(certified=True)),
            n_certified_reported=Count("pk", filter=full & Q(certified__isnull=False)),
            n_trained=Count("pk", filter=full & Q(training_hours__gte=params["training_hours"])),
            n_training_reported=Count("pk", filter=full & Q(training_hours__isnull=False)),
            n_rotation_eligible=Count("pk", filter=full & Q(rotation_eligible=True)),
            n_rotated=Count("pk", filter=full & Q(rotated=True)),
            n_rotated_backbone=Count("pk", filter=full & Q(rotated=True, backbone_level__in=BACKBONE)),
        )
        .order_by()
    )
    # annotations are prefixed: several counts share a name with a Teacher field (full_time, certified, …)
    teachers = {
        (r.pop("school__code"), r.pop("stage")): {k.removeprefix("n_"): v for k, v in r.items()}
        for r in teacher_rows
    }

    limits = params["class_limits"]
    over = Q(stage="primary", students__gt=limits["primary"]) | Q(
        stage="junior", students__gt=limits["junior"]
    )
    class_qs = SchoolClass.objects.filter(school__county=county, year=year)
    class_rows = (
        class_qs.values("school__code", "stage")
        .annotate(
            n_classes=Count("pk"),
            n_students=Sum("students"),
            n_max=Max("students"),
            n_over_limit=Count("pk", filter=over),
            n_large=Count("pk", filter=Q(students__gte=params["large_class"])),
            n_super_large=Count("pk", filter=Q(students__gte=params["super_large_class"])),
        )
        .order_by()
    )
    classes = {
        (r.pop("school__code"), r.pop("stage")): {k.removeprefix("n_"): v for k, v in r.items()}
        for r in class_rows
    }
    offending = [
        {"school_code": r["school__code"], "stage": r["stage"], "name": r["name"], "students": r["students"]}
        for r in class_qs.filter(over)
        .order_by("school__code", "grade", "name")
        .values("school__code", "stage", "name", "students")
    ]

    funding = {
        r["school__code"]: {k: _float(r[k]) for k in ("public_funds", "public_budget", "training_funds")}
        for r in Funding.objects.filter(school__county=county, year=year).values(
            "school__code", "public_funds", "public_budget", "training_funds"
        )
    }
    achievement = [
        {
            "school_code": r["school__code"],
            "stage": r["stage"],
            "subject": r["subject"],
            "tested": r["tested"],
            "mean_score": float(r["mean_score"]),
        }
        for r in Achievement.objects.filter(school__county=county, year=year).values(
            "school__code", "stage", "subject", "tested", "mean_score"
        )
    ]
    county_year = (
        CountyYear.objects.filter(county=county, year=year)
        .values("teacher_pay", "civil_servant_pay", *CountyYear.PERCENT_FIELDS)
        .first()
    )
    if county_year:
        county_year = {k: _float(v) for k, v in county_year.items()}
    monitoring = [
        {**r, "difference_rate": float(r["difference_rate"])}
        for r in Monitoring.objects.filter(county=county, year=year)
        .order_by("stage", "subject")
        .values("stage", "subject", "level", "difference_rate")
    ]
    declarations = dict(Declaration.objects.filter(county=county, year=year).values_list("item_code", "met"))
    return CountyData(
        county_code=county.code,
        county_name=county.name,
        year=year,
        schools=schools,
        teachers=teachers,
        classes=classes,
        offending_classes=offending,
        funding=funding,
        achievement=achievement,
        county_year=county_year,
        monitoring=monitoring,
        declarations=declarations,
    )


# ---------------------------------------------------------------- stored results


def _with_stamp(result: CountyResult) -> dict[str, Any]:
    report = dict(result.report)
    report["computed_at"] = timezone.localtime(result.computed_at).isoformat()
    report["rule_set"] = {"code": result.rule_set.code, "version": result.rule_set.version}
    report["rule_sets"] = [
        {"code": rs.code, "version": rs.version} for rs in (result.rule_set, result.basic_rule_set)
    ]
    return report


def latest_result_year(county_id: int) -> int | None:
    return CountyResult.objects.filter(county_id=county_id).aggregate(y=Max("year"))["y"]


def county_result(county_id: int, year: int | None = None) -> CountyResult | None:
    qs = CountyResult.objects.select_related("rule_set", "basic_rule_set", "county").filter(
        county_id=county_id
    )
    if year is None:
        return qs.order_by("-year").first()
    return qs.filter(year=year).first()


def county_report(county_id: int, year: int | None = None) -> dict[str, Any] | None:
    """The stored report of a county (year None = latest stored), stamped with computed_at and rule set."""
    result = county_result(county_id, year)
    return None if result is None else _with_stamp(result)


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


# values read out of the stored report inside the database (one scalar each, never the whole document)
_REPORT_SCALARS = {
    "ratio_pass": "report__urban_rural_degree_ratio__pass",
    "ratio_target": "report__urban_rural_degree_ratio__target",
    "recognition_s1": "report__quality_2017__recognition__S1__value",
    **{
        f"{stage}_{key}": f"report__{path}__{stage}__{key}"
        for stage in STAGES
        for path, key in (
            ("basic_2012", "limit"),
            ("basic_2012", "pass"),
            ("class_size", "large"),
            ("class_size", "super_large"),
        )
    },
}


def _worst_rate_vs_urban_quality(achievement) -> float | None:
    rates = [
        school.get("rate_vs_urban_quality")
        for stage in (achievement or {}).values()
        if isinstance(stage, dict)
        for subject in stage.values()
        if isinstance(subject, dict)
        for school in subject.get("schools") or []
        if isinstance(school, dict)
    ]
    rates = [r for r in rates if r is not None]
    return max(rates) if rates else None


def county_summaries(
    county_ids: Iterable[int], year: int | None = None, *, with_achievement: bool = False
) -> list[dict[str, Any]]:
    """One row per county that has results, ordered by county code: verdict parts, pass flags, per stage the
    worst 2017 CV against its limit, the 2012 composite CV and the large classes, and the urban–rural ratio.

    year None = each county's latest stored year. Two queries whatever the number of counties: typed columns and
    single values picked out of the stored report by the database, then the worst-CV indicator rows. The full
    report is never loaded; with_achievement also reads its `achievement` block for the worst
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
        qs.order_by("county__code").values(
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
                    "large": r[f"{stage}_large"],
                    "super_large": r[f"{stage}_super_large"],
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
            summary["worst_rate_vs_urban_quality"] = _worst_rate_vs_urban_quality(r["report__achievement"])
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
        return {"year": result.year, "computed_at": timezone.localtime(result.computed_at), "stages": []}
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
        "min_met": params.get("school_min_met"),
        "floor_percent": round(floor * 100),
        "stages": stages,
    }
