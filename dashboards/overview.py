"""What a city's or province's overview shows, from the stored figures the view read: the counties ranked by
verdict and by their worst CV, one ranked bar chart per indicator, the share of counties passing against the plans'
targets on the way, and the indicators that fail most often across the region.

Pure presentation: no query here. The view reads (dashboards.selectors.overview_data) and passes the rows in.
"""

from __future__ import annotations

import dataclasses
import functools
from collections import Counter
from collections.abc import Iterable

from django.utils import translation
from django.utils.translation import gettext as _

from core import charts
from indicators import presenter
from indicators.presenter.numbers import judged, plain

INDICATOR_CODES = tuple(f"Q{n}" for n in range(1, 8))


def county_url(code: str) -> str:
    """The county dashboard a row drills into."""
    return f"/counties/{code}/"


def indicator_name(stage: str, code: str) -> str:
    return _("%(stage)s %(code)s %(label)s") % {
        "stage": presenter.labels.STAGES.get(stage, stage),
        "code": code,
        "label": presenter.labels.INDICATORS.get(code, code),
    }


# ---------------------------------------------------------------- one row per county


@functools.lru_cache(maxsize=1024)
def _parts(language: str | None, verdict: tuple) -> tuple:
    """The verdict's four parts with their words resolved once per language (a page of 120 counties would
    otherwise look up the same few words thousands of times)."""
    return tuple(
        dataclasses.replace(
            part,
            label=str(part.label),
            mark=dataclasses.replace(part.mark, label=str(part.mark.label)),
            sentences=[str(s) for s in part.sentences],
        )
        for part in presenter.verdict_parts(dict(verdict))
    )


@functools.lru_cache(maxsize=64)
def _words(language: str | None) -> dict:
    return {
        "stages": {k: str(v) for k, v in presenter.labels.STAGES.items()},
        "overall": {
            passed: dataclasses.replace(m, label=str(m.label))
            for passed in (True, False, None)
            for m in [presenter.mark(passed, presenter.labels.VERDICTS)]
        },
    }


def summary_row(county, summary: dict | None) -> dict:
    """One row from a county summary (indicators.selectors.county_summaries); None = not computed."""
    row = {
        "county": county,
        "url": county_url(county.code),
        "has_result": summary is not None,
        "parts": [],
        "stages": [],
    }
    if summary is None:
        return row
    language = translation.get_language()
    words = _words(language)
    row["parts"] = list(_parts(language, tuple(sorted((summary.get("verdict") or {}).items()))))
    row["pass_2017"] = summary.get("pass_2017") is True  # derived once by the engine, stored with the result
    row["overall"] = words["overall"][summary.get("pass_2017")]
    row["parts_passed"] = sum(1 for p in row["parts"] if p.mark.status == "pass")
    for stage_key, stage_label in words["stages"].items():
        if stage_key not in summary["stages"]:
            continue
        stage = summary["stages"][stage_key]
        worst = stage["worst_cv"]
        row["stages"].append(
            {
                "key": stage_key,
                "label": stage_label,
                "worst_cv": worst,
                "worst_cv_text": judged(worst["cv"], 3, worst["limit"], "<=", worst["pass"])
                if worst
                else None,
                "worst_cv_limit": plain(worst["limit"]) if worst else None,
                "composite_text": judged(
                    stage["basic_composite_cv"], 3, stage["basic_limit"], "<=", stage["basic_pass"]
                ),
                "composite_2012": stage["basic_composite_cv"],
                "composite_limit": stage["basic_limit"],
                "composite_pass": stage["basic_pass"],
                "large": stage["large"],
                "super_large": stage["super_large"],
            }
        )
    row["ratio"] = summary["urban_rural_degree_ratio"]
    row["ratio_target"] = summary["urban_rural_degree_ratio_target"]
    row["ratio_pass"] = summary["urban_rural_degree_ratio_pass"]
    row["ratio_text"] = judged(row["ratio"], 3, row["ratio_target"], "<=", row["ratio_pass"])
    row["large_classes"] = summary.get("large_classes") or 0
    row["super_large_classes"] = summary.get("super_large_classes") or 0
    row["year"] = summary["year"]
    row["computed_at"] = summary["computed_at"]
    return row


def worst_ratio(row: dict) -> float:
    """The county's worst 2017 CV as a share of its limit (over 1: over the limit); no CV: infinitely bad."""
    ratios = [s["worst_cv"]["cv"] / s["worst_cv"]["limit"] for s in row["stages"] if s["worst_cv"]]
    return max(ratios) if ratios else float("inf")


def rollup(rows: list[dict]) -> dict:
    """Share of the counties in scope passing the 2017 standard (a county without results does not pass) and a
    ranking: passing first, then by parts passed, then by the worst CV relative to its limit."""
    total = len(rows)
    with_results = [r for r in rows if r["has_result"]]
    passing = sum(1 for r in with_results if r.get("pass_2017"))
    ranked = sorted(with_results, key=lambda r: (not r.get("pass_2017"), -r["parts_passed"], worst_ratio(r)))
    for rank, row in enumerate(ranked, start=1):
        row["rank"] = rank
    return {
        "total": total,
        "with_results": len(with_results),
        "passing": passing,
        "share": (100.0 * passing / total) if total else None,
    }


# ---------------------------------------------------------------- charts


def _uniform(values: Iterable[float | None]) -> float | None:
    distinct = {v for v in values if v is not None}
    return distinct.pop() if len(distinct) == 1 else None


def worst_cv_charts(rows: list[dict]) -> list[dict]:
    """Per stage, the counties ranked by their worst 2017 CV (the lowest first), against the limit."""
    out = []
    for stage_key, stage_label in presenter.labels.STAGES.items():
        points = [
            (r["county"].name, s["worst_cv"]["cv"], s["worst_cv"]["pass"])
            for r in rows
            for s in r["stages"]
            if s["key"] == stage_key and s["worst_cv"]
        ]
        if not points:
            continue
        limits = [
            s["worst_cv"]["limit"]
            for r in rows
            for s in r["stages"]
            if s["key"] == stage_key and s["worst_cv"]
        ]
        out.append(
            charts.ranked_bars(
                _("%(stage)s：各区县最差一项差异系数") % {"stage": stage_label},
                "",
                points,
                threshold=_uniform(limits),
                threshold_label=_("差异系数上限"),
                direction=charts.MAX,
                digits=3,
                key=f"worst-cv-{stage_key}",
            )
        )
    return out


def indicator_choices(indicator_rows: list[dict]) -> list[dict]:
    """The 2017 indicators present in the rows, stage by stage, with how many counties exceed each CV limit."""
    failing = Counter((r["stage"], r["code"]) for r in indicator_rows if r["cv_pass"] is False)
    present = {(r["stage"], r["code"]) for r in indicator_rows}
    choices = []
    for stage in presenter.labels.STAGES:
        for code in INDICATOR_CODES:
            if (stage, code) in present:
                choices.append(
                    {
                        "key": f"{stage}-{code}",
                        "stage": stage,
                        "code": code,
                        "label": indicator_name(stage, code),
                        "short": f"{presenter.labels.STAGES[stage]} {code}",
                        "failing": failing[(stage, code)],
                    }
                )
    return choices


def pick_indicator(choices: list[dict], wanted: str | None) -> dict | None:
    """The indicator asked for, else the one failing in most counties (the first on a tie)."""
    if not choices:
        return None
    for choice in choices:
        if choice["key"] == wanted:
            return choice
    return max(choices, key=lambda c: c["failing"])


def indicator_chart(choice: dict, indicator_rows: list[dict], names: dict[int, str]) -> dict:
    """The counties ranked by one indicator's CV (the lowest first) against its limit."""
    rows = [r for r in indicator_rows if (r["stage"], r["code"]) == (choice["stage"], choice["code"])]
    return charts.ranked_bars(
        _("%(indicator)s：各区县差异系数") % {"indicator": choice["label"]},
        "",
        [(names.get(r["result__county_id"], "—"), r["cv"], r["cv_pass"]) for r in rows],
        threshold=_uniform(r["cv_limit"] for r in rows),
        threshold_label=_("差异系数上限"),
        direction=charts.MAX,
        digits=3,
        key=f"indicator-{choice['key']}",
    )


def most_failing(rows: list[dict], indicator_rows: list[dict], limit: int = 12) -> tuple[dict | None, list]:
    """How many counties fail each thing, most first: the four parts of the 2017 verdict, each indicator's CV,
    the urban–rural degree ratio, classes over 56 and over 66. Only what fails somewhere is listed."""
    counted = [r for r in rows if r["has_result"]]
    tally: list[tuple[str, int]] = []
    for key, label in presenter.labels.PARTS.items():
        n = sum(1 for r in counted for p in r["parts"] if p.key == key and p.mark.status == "fail")
        tally.append((_("%(part)s未达标") % {"part": label}, n))
    per_indicator = Counter((r["stage"], r["code"]) for r in indicator_rows if r["cv_pass"] is False)
    for (stage, code), n in per_indicator.items():
        tally.append((_("%(indicator)s 差异系数超限") % {"indicator": indicator_name(stage, code)}, n))
    tally.append(
        (_("城乡本科学历教师比例之比超过目标"), sum(1 for r in counted if r.get("ratio_pass") is False))
    )
    tally.append((_("有大班额（56人及以上）"), sum(1 for r in counted if r.get("large_classes"))))
    tally.append((_("有超大班额（66人及以上）"), sum(1 for r in counted if r.get("super_large_classes"))))
    top = sorted((t for t in tally if t[1] > 0), key=lambda t: -t[1])[:limit]
    if not top:
        return None, []
    chart = charts.ranked_bars(
        _("最常见的未达标项"),
        _("个区县"),
        top,
        digits=0,
        label_heading=_("未达标项"),
        caption=_("共 %(n)s 个已计算的区县；一个区县可同时计入多项") % {"n": len(counted)},
        key="most-failing",
    )
    return chart, top


def progress_chart(
    history: list[dict],
    targets: list,
    *,
    current_year: int | None,
    current_share: float | None,
    region_code: str,
) -> dict | None:
    """The share of counties passing per year (the stored roll-ups) against the plans' targets on the way.

    targets: plans.models.Target rows (value in %, a deadline); a target of a region containing this one is
    labelled with that region's name. Without any stored roll-up (a county, the whole country) the year's counted
    share stands alone."""
    actual = [(h["year"], h["share_passing"]) for h in history if h["share_passing"] is not None]
    if not actual and current_year is not None and current_share is not None:
        actual = [(current_year, current_share / 100.0)]
    goals, seen = [], set()
    for target in targets:
        if target.deadline is None:
            continue
        point = (target.deadline.year, float(target.value) / 100.0)
        if point in seen:
            continue
        seen.add(point)
        label = target.region_name if target.region_code != region_code else ""
        goals.append((*point, label))
    if not actual and not goals:
        return None
    return charts.progress_against_targets(
        _("达到2017优质均衡标准的区县比例"),
        actual,
        goals,
        digits=0,
        actual_label=_("达标比例"),
        key="progress",
    )
