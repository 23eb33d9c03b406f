"""The figures an overview shows of its counties in one year: the ranked rows, the roll-up, the worst-CV charts,
the indicator picker and chart, the most failing items. They change only when a stored result of those counties
changes (a recompute), so they are built once and kept in the cache, keyed on the results' stamp
(indicators.selectors.results_stamp: the latest computed_at and the count, read with the counties), the counties
(code and name) and the reader's language.

Building them reads 120 counties' summaries and 1 680 indicator rows and ranks them (about half of a province
overview's time); a page read from the cache reads none of them.
"""

from __future__ import annotations

import hashlib

from django.utils import translation

from core import caching
from indicators import selectors as indicator_selectors
from indicators.presenter import labels
from plans import results

from . import overview

KEY_PREFIX = "overview-figures"
TIMEOUT = 7 * 24 * 3600  # a stamp changes with the results; old entries only wait to expire
# the ?indicator= values there can be (anything else picks the default: one cache entry, not one per value)
INDICATOR_KEYS = frozenset(f"{stage}-{code}" for stage in labels.STAGES for code in overview.INDICATOR_CODES)


def _build(counties: list, year: int | None, wanted: str | None) -> dict:
    ids = [c.pk for c in counties]
    summaries = {s["county_id"]: s for s in results.county_summaries(ids, year=year)} if year else {}
    rows = [overview.summary_row(county, summaries.get(county.pk)) for county in counties]
    counted = overview.rollup(rows)
    rows.sort(key=lambda r: (r.get("rank") is None, r.get("rank") or 0, r["county"].code))
    indicator_rows = indicator_selectors.indicator_rows(ids, year) if year else []
    choices = overview.indicator_choices(indicator_rows)
    chosen = overview.pick_indicator(choices, wanted)
    names = {c.pk: c.name for c in counties}
    most_failing_chart, most_failing_rows = overview.most_failing(rows, indicator_rows)
    return {
        "rows": rows,
        "rollup": counted,
        "worst_cv_charts": overview.worst_cv_charts(rows),
        "indicator_choices": choices,
        "indicator": chosen,
        "indicator_chart": overview.indicator_chart(chosen, indicator_rows, names) if chosen else None,
        "most_failing_chart": most_failing_chart,
        "most_failing": most_failing_rows,
    }


def overview_figures(counties: list, year: int | None, wanted: str | None) -> dict:
    """The figures of these counties (as dashboards.selectors.overview_counties read them, with their results'
    stamp) in `year` (None: no results yet), with the indicator `wanted` (a ?indicator= value) charted, from the
    cache when the results have not changed."""
    if year is None:
        return _build(counties, None, None)
    wanted = wanted if wanted in INDICATOR_KEYS else None
    stamp = indicator_selectors.results_stamp(counties)
    who = "\n".join(f"{c.pk}:{c.code}:{c.name}" for c in counties)
    digest = hashlib.sha1(f"{who}\n{year}\n{wanted}\n{stamp}".encode()).hexdigest()
    key = f"{KEY_PREFIX}:{translation.get_language()}:{digest}"
    by_id = {c.pk: c for c in counties}
    # the rows keep their county's id in the cache: this request's Region rows go back in
    return caching.get_or_build(
        key,
        lambda: _build(counties, year, wanted),
        TIMEOUT,
        pack=lambda built: {**built, "rows": [{**r, "county": r["county"].pk} for r in built["rows"]]},
        unpack=lambda stored: {
            **stored,
            "rows": [{**r, "county": by_id[r["county"]]} for r in stored["rows"]],
        },
    )
