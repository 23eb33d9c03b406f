"""City and province roll-ups of the stored county results: how many counties pass, their share, a ranking."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.db.models import Max
from django.utils import timezone

from core import hooks
from core.choices import RegionLevel
from core.models import Region

from .models import CountyResult, RegionRollup

logger = logging.getLogger(__name__)


# ---------------------------------------------------------------- roll-ups


def _ranking_key(row: dict[str, Any]):
    order = {True: 0, None: 1, False: 2}
    cvs = [c for c in (row["composite_cv_primary"], row["composite_cv_junior"]) if c is not None]
    return (order[row["pass_2017"]], max(cvs) if cvs else float("inf"), row["county__code"])


def rollups_refresh(year: int | None = None, region_ids: Iterable[int] | None = None) -> list[RegionRollup]:
    """Write the roll-up of each city and province (or the given ones) for a year (None = latest result year):
    counties passing the 2017 standard, their share, and a ranking."""
    if year is None:
        year = CountyResult.objects.aggregate(y=Max("year"))["y"]
        if year is None:
            return []
    counties = list(
        Region.objects.filter(level=RegionLevel.COUNTY).values("pk", "parent_id", "parent__parent_id")
    )
    results = list(
        CountyResult.objects.filter(year=year).values(
            "county_id",
            "county__code",
            "county__name",
            "pass_2017",
            "composite_cv_primary",
            "composite_cv_junior",
            "degree_ratio",
        )
    )
    by_county = {r["county_id"]: r for r in results}
    regions = Region.objects.filter(level__in=[RegionLevel.CITY, RegionLevel.PROVINCE])
    if region_ids is not None:
        regions = regions.filter(pk__in=list(region_ids))
    now, written = timezone.now(), []
    for region in regions.only("pk"):
        members = [c["pk"] for c in counties if region.pk in (c["parent_id"], c["parent__parent_id"])]
        rows = sorted((by_county[c] for c in members if c in by_county), key=_ranking_key)
        ranking = [
            {
                "rank": i + 1,
                "code": r["county__code"],
                "name": r["county__name"],
                "pass_2017": r["pass_2017"],
                "composite_cv": {"primary": r["composite_cv_primary"], "junior": r["composite_cv_junior"]},
                "urban_rural_degree_ratio": r["degree_ratio"],
            }
            for i, r in enumerate(rows)
        ]
        passing = sum(1 for r in rows if r["pass_2017"] is True)
        rollup, _ = RegionRollup.objects.update_or_create(
            region=region,
            year=year,
            defaults={
                "computed_at": now,
                "counties": len(members),
                "counties_with_results": len(rows),
                "counties_passing": passing,
                "share_passing": passing / len(members) if members else None,
                "ranking": ranking,
            },
        )
        written.append(rollup)
    hooks.results_changed(by_county)  # the counties with results this year: plans re-judge their targets
    return written


def rollups_refresh_above(county_ids: Iterable[int], year: int) -> list[RegionRollup]:
    """Refresh, for one year, the roll-ups of the cities and provinces above these counties: what every run does
    when it finishes, whichever way it was executed."""
    parents = Region.objects.filter(pk__in=list(county_ids)).values_list("parent_id", "parent__parent_id")
    region_ids = {r for pair in parents for r in pair if r}
    return rollups_refresh(year, region_ids) if region_ids else []
