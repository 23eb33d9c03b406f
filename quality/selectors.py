"""Reads of the quality app: rules, a county-year's stored check and its violations, and the two hook providers
(open violations for sign-off, entry warnings for the data-entry pages)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Max, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from core.scoping import visible_counties
from schools.models import School, SchoolYear

from .kinds import KINDS
from .models import CheckRun, Severity, ValidationRule, Violation


def rule_list() -> QuerySet[ValidationRule]:
    return ValidationRule.objects.order_by("position", "code")


def rule_get(code: str) -> ValidationRule:
    rule = ValidationRule.objects.filter(code=code).first()
    if rule is None:
        raise Http404
    return rule


def rule_name(rule: ValidationRule) -> str:
    """The rule's name in the reader's language: a default name translates, an administrator's own shows as typed."""
    return _(rule.name) if rule.name else rule.code


def describe(kind_code: str, values: dict) -> str:
    kind = KINDS.get(kind_code)
    if kind is None:
        return ""
    try:
        return kind.describe(values)
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return ""


def record_url(model: str, school_code: str | None, year: int) -> str | None:
    if not school_code:
        return None
    if model == "school":
        return reverse("schools:school_edit", args=[school_code])
    if model == "school_class":
        return reverse("schools:school_classes", args=[school_code, year])
    if model == "school_year":
        return reverse("schools:school_year", args=[school_code, year])
    return reverse("dashboards:school_detail", args=[school_code])


@dataclass
class Row:
    """A violation as pages, the export and sign-off show it."""

    rule: str
    rule_code: str
    severity: str
    severity_label: str
    label: str
    school_code: str
    message: str
    url: str | None


def _row(violation: Violation, year: int) -> Row:
    school_code = violation.school.code if violation.school_id else ""
    return Row(
        rule=rule_name(violation.rule),
        rule_code=violation.rule.code,
        severity=violation.severity,
        severity_label=str(Severity(violation.severity).label),
        label=violation.label,
        school_code=school_code,
        message=describe(violation.rule.kind, violation.values),
        url=record_url(violation.model, school_code, year),
    )


def county_for(user, code: str):
    """A county the user may see (404 otherwise)."""
    county = visible_counties(user).filter(code=code).first()
    if county is None:
        raise Http404
    return county


def county_years(county) -> list[int]:
    """Years with data or a stored check, newest first."""
    years = set(CheckRun.objects.filter(county=county).values_list("year", flat=True))
    years |= set(SchoolYear.objects.filter(school__county=county).values_list("year", flat=True).distinct())
    return sorted(years, reverse=True)


def check_get(county, year: int) -> CheckRun | None:
    return CheckRun.objects.filter(county=county, year=year).first()


def violation_rows(run: CheckRun | None, *, rule: str = "", severity: str = "") -> list[Row]:
    if run is None:
        return []
    found = Violation.objects.filter(run=run).select_related("rule", "school")
    if rule:
        found = found.filter(rule__code=rule)
    if severity in Severity.values:
        found = found.filter(severity=severity)
    found = found.order_by("rule__position", "rule__code", "label", "pk")
    return [_row(v, run.year) for v in found]


@dataclass
class Panel:
    county: object
    year: int | None
    run: CheckRun | None
    by_rule: list[dict]
    rules_changed_since: bool


def panel(county, year: int | None) -> Panel:
    """The county-year's data-quality summary: the stored check and its counts per rule (three queries)."""
    run = check_get(county, year) if year else None
    by_rule: list[dict] = []
    changed = False
    if run is not None:
        counted = (
            Violation.objects.filter(run=run)
            .values("rule__code", "rule__name", "rule__position", "severity")
            .annotate(n=Count("pk"))
            .order_by("rule__position", "rule__code")
        )
        by_rule = [
            {
                "code": c["rule__code"],
                "name": _(c["rule__name"]),
                "severity": c["severity"],
                "severity_label": Severity(c["severity"]).label,
                "count": c["n"],
            }
            for c in counted
        ]
        last_edit = ValidationRule.objects.aggregate(at=Max("updated_at"))["at"]
        changed = bool(run.finished_at and last_edit and last_edit > run.finished_at)
    return Panel(county, year, run, by_rule, changed)


def county_overview(user) -> QuerySet:
    """The visible counties (their latest checks come from latest_checks, one query per page)."""
    return visible_counties(user).order_by("code")


def latest_checks(counties) -> dict[int, CheckRun]:
    ids = [c.pk for c in counties]
    found: dict[int, CheckRun] = {}
    for run in CheckRun.objects.filter(county_id__in=ids).order_by("county_id", "-year"):
        found.setdefault(run.county_id, run)
    return found


# ---------------------------------------------------------------- hook providers


def open_violations(county_id: int, year: int) -> list[dict]:
    """core.hooks.open_violations: the county-year's violations found by its latest check."""
    run = CheckRun.objects.filter(county_id=county_id, year=year).first()
    return [
        {"rule": row.rule, "severity": row.severity, "message": f"{row.label}：{row.message}", "url": row.url}
        for row in violation_rows(run)
    ]


def entry_warnings(school_id: int, year: int | None, page: str) -> list[dict]:
    """core.hooks.entry_warnings: what the enabled rules find now about one school, for one page. Evaluated live
    (the stored check may still be queued), narrowed to the school: one query per rule that belongs on the page."""
    school = School.objects.filter(pk=school_id).only("pk", "county_id", "code").first()
    if school is None:
        return []
    if year is None:
        year = SchoolYear.objects.filter(school=school).aggregate(y=Max("year"))["y"]
        if year is None and page != "school":
            return []
    found = []
    rules = ValidationRule.objects.filter(enabled=True).order_by("position", "code")
    for rule in rules:
        kind = KINDS.get(rule.kind)
        if kind is None or page not in kind.pages:
            continue
        try:
            params = kind.clean_params(rule.params)
        except Exception:  # noqa: BLE001 - a broken rule shows nothing here; the county page names it
            continue
        for finding in kind.find(params, school.county_id, year or 0, school_ids=[school.pk]):
            found.append(
                {
                    "rule": rule_name(rule),
                    "severity": rule.severity,
                    "message": kind.describe(finding.values),
                    "model": finding.model,
                    "object_id": finding.object_id,
                    "field": finding.field,
                }
            )
    return found


def severity_counts(run: CheckRun | None) -> dict[str, int]:
    if run is None:
        return {"error": 0, "warning": 0}
    counts = Violation.objects.filter(run=run).aggregate(
        error=Count("pk", filter=Q(severity=Severity.ERROR)),
        warning=Count("pk", filter=Q(severity=Severity.WARNING)),
    )
    return counts
