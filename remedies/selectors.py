"""Reads of the remedy planner: scenarios and planner runs (scoped: another county's answers 404), the county's
inputs as the engine reads them, and a scenario's report computed beside the actual one.

Nothing here writes. A scenario's report is computed on request from the real inputs (`indicators.inputs`) with
its changes applied over them in memory (`remedies.changes.apply_changes`, copy-on-write): neither the data nor
the stored results are touched.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import F, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from core.models import Region
from core.scoping import scope, visible_counties
from indicators import engine, inputs, rules
from indicators import selectors as indicator_selectors
from indicators.models import RuleSet
from indicators.presenter.views import ReportView
from indicators.report.model import Report, RuleSetRef, Stamp
from schools.models import School, SchoolYear
from teachers.models import Teacher

from . import compare
from .changes import apply_changes
from .costs import cost_of_change, resolve_costs
from .models import RemedyRun, Scenario
from .rule_params import costs_of

# ---------------------------------------------------------------- scoped lookups


def county_get(*, user, code: str) -> Region:
    return get_object_or_404(visible_counties(user), code=code)


def scenario_list(*, user, county: Region | None = None) -> QuerySet[Scenario]:
    scenarios = scope(Scenario.objects.select_related("county", "created_by"), user)
    return scenarios if county is None else scenarios.filter(county=county)


def scenario_get(*, user, pk: int) -> Scenario:
    return get_object_or_404(scenario_list(user=user), pk=pk)


def run_list(*, user, county: Region | None = None) -> QuerySet[RemedyRun]:
    runs = scope(RemedyRun.objects.select_related("county", "requested_by", "rule_set"), user)
    return runs if county is None else runs.filter(county=county)


def run_get(*, user, pk: int) -> RemedyRun:
    return get_object_or_404(run_list(user=user), pk=pk)


def data_years(county: Region) -> list[int]:
    """The years with school data in the county, newest first (a scenario or a run is of one of them)."""
    return list(
        SchoolYear.objects.filter(school__county=county)
        .values_list("year", flat=True)
        .distinct()
        .order_by("-year")
    )


def school_names(county: Region) -> dict[str, str]:
    return indicator_selectors.school_names(county.pk)


def schools_of(county: Region) -> list[tuple[str, str]]:
    """(code, name) of the county's schools, for the change forms."""
    return list(School.objects.filter(county=county).order_by("code").values_list("code", "name"))


# ---------------------------------------------------------------- the engine's inputs


@dataclass(frozen=True)
class Inputs:
    """A county-year's inputs as the engine reads them, with the rule sets (current versions) and their params."""

    data: engine.CountyData
    quality: RuleSet
    basic: RuleSet
    quality_params: dict[str, Any]
    basic_params: dict[str, Any]

    def stamp(self) -> Stamp:
        refs = (
            RuleSetRef(self.quality.code, self.quality.version),
            RuleSetRef(self.basic.code, self.basic.version),
        )
        return Stamp(timezone.localtime().isoformat(), refs[0], refs)

    def costs(self) -> dict[str, Any]:
        return resolve_costs(costs_of(self.quality_params))


def county_inputs(county: Region, year: int) -> Inputs:
    """Read once per request or task: the county's inputs of the year and the current rule sets' params."""
    row, quality, basic, _ = inputs.recompute_context(county.pk)
    qp = rules.effective_params(rules.QUALITY_2017, quality.params)
    bp = rules.effective_params(rules.BASIC_2012, basic.params)
    return Inputs(inputs.county_inputs(row, year, qp), quality, basic, qp, bp)


def roster_rows(county: Region, year: int) -> list[dict[str, Any]]:
    """The county's roster as the rotation planner reads it: teacher numbers and what the rules look at, never
    names."""
    return list(
        Teacher.objects.filter(school__county=county, year=year)
        .order_by("teacher_id")
        .values(
            "teacher_id",
            "stage",
            "subject",
            "degree",
            "backbone_level",
            "rotation_eligible",
            "full_time",
            school_code=F("school__code"),
        )
    )


def teacher_names(county: Region, year: int, teacher_ids: Sequence[str]) -> dict[str, str]:
    """Teacher number → name of the county's teachers listed (for the transfer list and its file only)."""
    return dict(
        Teacher.objects.filter(
            school__county=county, year=year, teacher_id__in=list(teacher_ids)
        ).values_list("teacher_id", "name")
    )


# ---------------------------------------------------------------- a scenario's report beside the actual one


@dataclass(frozen=True)
class Outcome:
    actual: Report
    scenario: Report
    actual_view: ReportView
    scenario_view: ReportView
    changed: list[compare.Changed]
    sentence: str
    cost: float | None  # the priced changes at the rule set's unit costs (元)
    unpriced: int  # changes without a unit cost (moves, split classes, hires of an unpriced degree)

    @property
    def changed_ids(self) -> dict[str, compare.Changed]:
        return {c.id: c for c in self.changed}


def scenario_outcome(scenario: Scenario, county_inputs_read: Inputs | None = None) -> Outcome:
    """The actual report and the scenario's, computed now from the real inputs (the same rule sets for both), the
    figures that differ and the verdict difference in one sentence. ChangeError when a change no longer fits the
    data (a school gone, a class no longer over its limit): it names the change."""
    read = county_inputs_read or county_inputs(scenario.county, scenario.year)
    actual = engine.compute_report(read.data, read.quality_params, read.basic_params).stamped(read.stamp())
    changed_data = apply_changes(read.data, scenario.changes, read.quality_params)
    report = engine.compute_report(changed_data, read.quality_params, read.basic_params).stamped(read.stamp())
    a, b, changed, sentence = compare.compare(actual, report, school_names(scenario.county))
    costs = read.costs()
    prices = [cost_of_change(c, costs) for c in scenario.changes]
    priced = [p for p in prices if p is not None]
    return Outcome(
        actual,
        report,
        a,
        b,
        changed,
        sentence,
        float(sum(priced)) if priced else None,
        sum(1 for p in prices if p is None),
    )
