"""One county's dashboard (/counties/<code>/?year=) and the "how computed" of each of its figures
(/counties/<code>/explain/<figure id>/?year=, a page of its own or the body of the drawer the dashboard opens).

Reads stored results only, through core.scoping (another county answers 404) and the one presenter.
"""

import functools
import hashlib

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import get_language

from core.scoping import can_edit_county, visible_counties
from indicators import presenter
from indicators import selectors as indicator_selectors
from indicators.presenter import dashboard as words
from indicators.presenter.views import computed_at
from indicators.report.model import Report

from . import charts, selectors


def _year(request) -> int | None:
    year = request.GET.get("year")
    return int(year) if year and year.isdigit() else None


def explain_base(code: str) -> str:
    """The URL of a figure's "how computed" without the figure id: pages append "<id>/?year=…" (one reverse per
    page, not one per number)."""
    return reverse("dashboards:explain", args=[code, "_"])[:-2]


def result_key(report: Report | None, *switches: object) -> str:
    """The identity of a stored result as a page shows it, which keys the page's cached fragments
    (templatetags/result_fragments.py): county, year, when it was computed (a recompute stores a new time), the
    rule-set versions, the reader's language and the page's own switches. Empty when nothing is stored."""
    if report is None or report.stamp is None:
        return ""
    stamp = report.stamp
    parts = [
        report.county.code,
        str(report.year),
        stamp.computed_at,
        ",".join(f"{r.code}@{r.version}" for r in stamp.rule_sets),
        get_language() or "",
        *(str(s) for s in switches),
    ]
    return hashlib.sha1("|".join(parts).encode()).hexdigest()


class _StageCharts:
    """A stage's bar chart of each indicator, built when the page first asks for one: a page whose chart fragments
    are cached never builds them."""

    def __init__(self, stage, thresholds: dict):
        self.stage = stage
        self.thresholds = thresholds

    @functools.cached_property
    def specs(self) -> dict:
        return charts.indicator_bars(self.stage, self.thresholds)

    def of(self, code: str) -> dict | None:
        return self.specs.get(code)


def _histogram(view, sizes) -> dict:
    return charts.class_histogram(view, sizes().get(view.key, []))


def freshness(report: Report | None, county_id: int):
    """The stamp and notice of a stored result (None: nothing stored)."""
    if report is None or report.stamp is None:
        return None
    result_at = computed_at(report)
    state = indicator_selectors.freshness(county_id, report.year, result_at)
    return words.freshness(report, state)


@login_required
def county_dashboard(request, code: str):
    county = get_object_or_404(visible_counties(request.user), code=code)
    year = _year(request)
    report = indicator_selectors.report(county.pk, year=year)
    context = {
        "county": county,
        "year": year,
        "report": report,
        "tab": "dashboard",
        "may_recompute": can_edit_county(request.user, county.pk),
        "years": selectors.result_years(county_id=county.pk),
    }
    if report is None:
        return render(request, "dashboards/county.html", context)
    view = presenter.present(report, indicator_selectors.school_names(county.pk))
    stages = []
    for stage in view.resource:
        block = report.quality_2017.stages[stage.key]
        bars = _StageCharts(stage, {code: f.threshold for code, f in block.indicators.items()})
        # the template calls each chart (a partial) inside its cached fragment: built only on a miss
        cards = [
            {"row": row, "chart": functools.partial(bars.of, row.code), "unit": words.unit_of(row.code)}
            for row in stage.indicators
        ]
        stages.append({"view": stage, "cards": cards})
    sizes = functools.cache(lambda: selectors.class_sizes(county_id=county.pk, year=report.year))
    context.update(
        {
            "view": view,
            "stages": stages,
            "basic": {b.key: b for b in view.basic},
            "class_size": [
                {"view": c, "chart": functools.partial(_histogram, c, sizes)} for c in view.class_size
            ],
            "ratio_chart": charts.ratio_trend(view.ratio, selectors.ratio_history(county_id=county.pk)),
            "achievement": words.achievement_rows(report, view),
            "freshness": freshness(report, county.pk),
            "explain_base": explain_base(county.code),
            "rounded_up": words.WORDS["rounded_up"],
            "result_key": result_key(report),
        }
    )
    return render(request, "dashboards/county.html", context)


@login_required
def explain(request, code: str, figure: str):
    county = get_object_or_404(visible_counties(request.user), code=code)
    report = indicator_selectors.report(county.pk, year=_year(request))
    if report is None or report.stamp is None:
        raise Http404
    parts = figure.split(".")
    facts = None
    if len(parts) >= 5 and parts[2] == "schools" and parts[1] in presenter.labels.STAGES:
        facts = selectors.school_facts(school_code=parts[3], county_id=county.pk, year=report.year)
    rule_set = report.stamp.rule_set
    params = indicator_selectors.rule_set_params(rule_set.code, rule_set.version)
    explanation = presenter.explain(report, figure, params, facts)
    if explanation is None:
        raise Http404
    template = "dashboards/_explain.html" if request.GET.get("partial") else "dashboards/explain.html"
    return render(
        request,
        template,
        {
            "county": county,
            "report": report,
            "explanation": explanation,
            "rule_set_code": rule_set.code,
            "freshness": words.freshness(report, None),
        },
    )
