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
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

from core.scoping import can_edit_county, visible_counties
from indicators import presenter
from indicators import selectors as indicator_selectors
from indicators.presenter import dashboard as words
from indicators.presenter.views import computed_at, rule_set_text
from indicators.report.model import Report
from indicators.selectors import StoredResult

from . import charts, selectors


def _year(request) -> int | None:
    year = request.GET.get("year")
    return int(year) if year and year.isdigit() else None


def explain_base(code: str) -> str:
    """The URL of a figure's "how computed" without the figure id: pages append "<id>/?year=…" (one reverse per
    page, not one per number)."""
    return reverse("dashboards:explain", args=[code, "_"])[:-2]


def result_key(stored: StoredResult | None, *switches: object) -> str:
    """The identity of a stored result as a page shows it, which keys the page's cached fragments
    (templatetags/result_fragments.py): county, year, when it was computed (a recompute stores a new time), the
    rule-set versions, the reader's language and the page's own switches (the dashboard's trend over the years
    names every year's computation). Empty when nothing is stored."""
    if stored is None or stored.stamp is None:
        return ""
    stamp = stored.stamp
    parts = [
        stored.county.code,
        str(stored.year),
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


def freshness(stored: StoredResult | None):
    """The stamp and notice of a stored result (None: nothing stored)."""
    if stored is None:
        return None
    result_at = computed_at(stored)
    state = indicator_selectors.freshness(stored.county_id, stored.year, result_at)
    return words.freshness_of(result_at, rule_set_text(stored), state)


class _Dashboard:
    """What the dashboard shows of the stored figures, built only when a cached part of the page is missing: a
    page whose parts are cached reads neither the report's JSON nor the school names, and presents nothing."""

    def __init__(self, county, stored: StoredResult):
        self.county = county
        self.stored = stored

    @functools.cached_property
    def report(self) -> Report:
        return self.stored.report()

    @functools.cached_property
    def view(self):
        return presenter.present(self.report, indicator_selectors.school_names(self.county.pk))

    @functools.cached_property
    def stages(self) -> list[dict]:
        stages = []
        for stage in self.view.resource:
            block = self.report.quality_2017.stages[stage.key]
            bars = _StageCharts(stage, {code: f.threshold for code, f in block.indicators.items()})
            cards = [
                {"row": row, "chart": functools.partial(bars.of, row.code), "unit": words.unit_of(row.code)}
                for row in stage.indicators
            ]
            stages.append({"view": stage, "cards": cards})
        return stages

    @functools.cached_property
    def class_size(self) -> list[dict]:
        sizes = functools.cache(
            lambda: selectors.class_sizes(county_id=self.county.pk, year=self.stored.year)
        )
        return [{"view": c, "chart": functools.partial(_histogram, c, sizes)} for c in self.view.class_size]

    @functools.cached_property
    def ratio_chart(self):
        return charts.ratio_trend(self.view.ratio, selectors.ratio_history(county_id=self.county.pk))

    @functools.cached_property
    def achievement(self):
        return words.achievement_rows(self.report, self.view)


@login_required
def county_dashboard(request, code: str):
    county = get_object_or_404(visible_counties(request.user), code=code)
    year = _year(request)
    stored = indicator_selectors.stored_result(county.pk, year=year)
    # every year's computation, newest first: the year switch, and the trend chart's part of the key
    computations = selectors.result_computations(county_id=county.pk)
    context = {
        "county": county,
        "year": year,
        "report": stored,
        "tab": "dashboard",
        "may_recompute": can_edit_county(request.user, county.pk),
        "years": [y for y, _at in computations],
    }
    if stored is None:
        return render(request, "dashboards/county.html", context)
    shown = _Dashboard(county, stored)
    context.update(
        {
            # the template reads these inside its cached part only: built on a miss
            "view": SimpleLazyObject(lambda: shown.view),
            "stages": SimpleLazyObject(lambda: shown.stages),
            "class_size": SimpleLazyObject(lambda: shown.class_size),
            "ratio_chart": SimpleLazyObject(lambda: shown.ratio_chart),
            "achievement": SimpleLazyObject(lambda: shown.achievement),
            "freshness": freshness(stored),
            "explain_base": explain_base(county.code),
            "rounded_up": words.WORDS["rounded_up"],
            "result_key": result_key(stored, ",".join(f"{y}@{at.isoformat()}" for y, at in computations)),
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
