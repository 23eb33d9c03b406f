"""The county dashboard and the school page as people read them, from the same report view as every other reader
(`present`): the freshness line and notice, the units of the seven indicators, official monitoring beside the
portal's estimate, a school's indicators over the years and its rank in the county. Numbers are formatted by
`numbers` (never on the wrong side of a limit, shortfalls rounded up); every word is a gettext string here or in
`labels`."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..report.model import Report
from . import labels as L
from .numbers import NONE, fixed, judged, plain
from .views import Mark, ReportView, computed_at, indicator_label, mark, rule_set_text

# the natural unit of each 2017 resource indicator's value (the chart's axis, the card's mean)
INDICATOR_UNITS = {
    "Q1": _("人/百名学生"),
    "Q2": _("人/百名学生"),
    "Q3": _("人/百名学生"),
    "Q4": "m²",
    "Q5": "m²",
    "Q6": _("元"),
    "Q7": _("间/百名学生"),
}

WORDS = {
    "stamp": _("计算于 %(at)s（规则版本 %(rule_set)s）"),
    "running": _("数据已更新，正在重新计算：已完成 %(finished)s / %(total)s 个区县（%(percent)s%%）。"),
    "queued": _("数据已更新，正在重新计算（排队中）。下列数字仍是上次计算的结果。"),
    "stale": _("计算之后数据又有修改，下列数字可能已过时。重新计算后即可更新。"),
    "rank": _("第 %(rank)s / %(n)s"),
    "rank_met": _("按达标项数在全县%(stage)s中排第 %(rank)s / %(n)s"),
    "rounded_up": _("缺口按可执行的单位向上取整：教师和教室取整数，面积取 1 m²，金额取 1 元。"),
}


def unit_of(code: str) -> str:
    return str(INDICATOR_UNITS.get(code, ""))


# ---------------------------------------------------------------- freshness


@dataclass(frozen=True)
class Freshness:
    """ "计算于 …（规则版本 …）" and, when the figures may be out of date, why: a recompute running (with its
    progress), queued after a data change, or inputs changed after the computation with none under way."""

    stamp: str
    state: str
    notice: str
    run_id: int | None = None
    percent: int | None = None

    @property
    def busy(self) -> bool:
        return self.state in ("running", "queued")


def _local(at: datetime.datetime | str | None) -> str:
    if isinstance(at, datetime.datetime):
        if timezone.is_aware(at):
            at = timezone.localtime(at)
        return at.strftime("%Y-%m-%d %H:%M")
    return str(at or NONE)


def rule_set_words(code: str, version: int | None) -> str:
    """ "县域义务教育优质均衡（2017） v3": a rule set as people name it."""
    return f"{L.STANDARDS.get(code, code)} v{version}" if code else ""


def freshness(view_or_report: ReportView | Report, state: Mapping[str, Any] | None) -> Freshness:
    """state: indicators.selectors.freshness(...) (None: not known)."""
    if isinstance(view_or_report, Report):
        at, rule_set = computed_at(view_or_report), rule_set_text(view_or_report)
    else:
        at, rule_set = view_or_report.computed_at, view_or_report.rule_set
    return freshness_of(at, rule_set, state)


def freshness_of(
    at: datetime.datetime | str | None, rule_set: str, state: Mapping[str, Any] | None
) -> Freshness:
    stamp = str(WORDS["stamp"] % {"at": _local(at), "rule_set": rule_set or NONE})
    state = state or {"state": "fresh"}
    word = state.get("state", "fresh")
    progress = state.get("progress") or {}
    notice = ""
    if word == "running":
        notice = str(
            WORDS["running"]
            % {
                "finished": progress.get("finished", 0),
                "total": progress.get("total", 0),
                "percent": progress.get("percent") if progress.get("percent") is not None else 0,
            }
        )
    elif word in ("queued", "stale"):
        notice = str(WORDS[word])
    return Freshness(stamp, word, notice, progress.get("run_id"), progress.get("percent"))


# ---------------------------------------------------------------- achievement: official monitoring beside the estimate


@dataclass(frozen=True)
class AchievementRow:
    stage_label: str
    subject: str
    estimate: str
    estimate_id: str
    official: str
    official_level: str
    official_mark: Mark | None
    limit: str
    schools: int
    failing: int
    worst: str
    worst_mark: Mark


def achievement_rows(report: Report, view: ReportView) -> list[AchievementRow]:
    """Per stage and subject: the portal's estimate of the inter-school difference rate, the official national
    monitoring's rate and level beside it (E9, when the county filed it), and how many schools are 0.15 or more
    behind the urban quality schools."""
    e9 = report.quality_2017.quality.get("E9")
    official = {
        (s.get("stage"), s.get("subject")): s
        for s in ((e9.facts.get("subjects") if e9 else None) or [])
        if isinstance(s, Mapping)
    }
    rows = []
    for a in view.achievement:
        found = official.get((a.stage, a.subject))
        rates = [s.rate.value for s in a.schools if s.rate.value is not None]
        worst = max(rates) if rates else None
        stored = report.achievement[a.stage][a.subject].limit
        limit = stored if stored is not None else 0.15
        rows.append(
            AchievementRow(
                stage_label=a.stage_label,
                subject=a.subject,
                estimate=a.rate.text,
                estimate_id=a.rate.id,
                official=fixed(found.get("difference_rate"), 3) if found else NONE,
                official_level=plain(found.get("level")) if found else NONE,
                official_mark=mark(found.get("pass"), L.JUDGED) if found else None,
                limit=a.limit,
                schools=len(a.schools),
                failing=a.failing,
                worst=judged(worst, 3, limit, "<"),
                worst_mark=mark(None if worst is None else worst < limit),
            )
        )
    return rows


# ---------------------------------------------------------------- the school page: over the years, rank in county


@dataclass(frozen=True)
class YearValue:
    year: int
    value: float | None
    text: str
    met: bool | None


@dataclass(frozen=True)
class IndicatorHistory:
    code: str
    label: str
    unit: str
    threshold: float | None
    threshold_text: str
    years: list[YearValue]
    rank: str = ""


@dataclass(frozen=True)
class StageHistory:
    key: str
    label: str
    years: list[int]
    indicators: list[IndicatorHistory]
    rank: str
    mark: Mark
    met: int | None
    marks: list[tuple[int, Mark]] = field(default_factory=list)


def _rank(value: float | None, others: Iterable[float | None]) -> tuple[int, int] | None:
    """Competition rank (1 = highest; equal values share a rank) of value among others (which include it)."""
    known = [v for v in others if v is not None]
    if value is None or not known:
        return None
    return 1 + sum(1 for v in known if v > value), len(known)


def school_history(history: Mapping[str, Any], school_code: str) -> list[StageHistory]:
    """dashboards.selectors.school_history → per stage the school's seven indicators over the years against each
    year's threshold, its rank in the county on each (latest year) and by indicators met."""
    units = history["units"]
    thresholds = history["thresholds"]
    peers = history["peers"]
    out = []
    for stage in L.STAGES:
        mine = [u for u in units if u["stage"] == stage]
        if not mine:
            continue
        years = [u["result__year"] for u in mine]
        latest = mine[-1]
        stage_peers = [p for p in peers if p["stage"] == stage]
        codes = sorted({c for u in mine for c in (u["values"] or {})}, key=lambda c: (len(c), c))
        indicators = []
        for code in codes:
            threshold = thresholds.get((latest["result__year"], stage, code))
            points = []
            for u in mine:
                value = (u["values"] or {}).get(code)
                limit = thresholds.get((u["result__year"], stage, code))
                met = None if value is None or limit is None else value >= limit - 1e-9
                points.append(YearValue(u["result__year"], value, judged(value, 2, limit, ">="), met))
            ranked = _rank(
                (latest["values"] or {}).get(code), [(p["values"] or {}).get(code) for p in stage_peers]
            )
            indicators.append(
                IndicatorHistory(
                    code=code,
                    label=indicator_label(code),
                    unit=unit_of(code),
                    threshold=threshold,
                    threshold_text=plain(threshold),
                    years=points,
                    rank=str(WORDS["rank"] % {"rank": ranked[0], "n": ranked[1]}) if ranked else NONE,
                )
            )
        by_met = _rank(latest["met"], [p["met"] for p in stage_peers])
        out.append(
            StageHistory(
                key=stage,
                label=str(L.STAGES[stage]),
                years=years,
                indicators=indicators,
                rank=str(WORDS["rank_met"] % {"stage": L.STAGES[stage], "rank": by_met[0], "n": by_met[1]})
                if by_met
                else "",
                mark=mark(latest["passed"]),
                met=latest["met"],
                marks=[(u["result__year"], mark(u["passed"])) for u in mine],
            )
        )
    return out


def roster_rows(roster: Mapping[str, Any]) -> list[dict[str, Any]]:
    """dashboards.selectors.school_roster → one row per stage with its classes and teachers, labelled."""
    rows = []
    for stage in ("primary", "junior", "senior"):
        c = roster["classes"].get(stage)
        t = roster["teachers"].get(stage)
        if not c and not t:
            continue
        pupils = (c or {}).get("pupils")
        n = (c or {}).get("n") or 0
        rows.append(
            {
                "label": str(L.STAGES[stage]),
                "classes": n,
                "average": fixed(pupils / n, 1) if n and pupils is not None else NONE,
                "largest": plain((c or {}).get("largest")),
                "large": (c or {}).get("large", 0),
                "super_large": (c or {}).get("super_large", 0),
                "teachers": (t or {}).get("n", 0),
                "full_time": (t or {}).get("n_full_time", 0),
                "bachelor_plus": (t or {}).get("n_bachelor_plus", 0),
                "backbone": (t or {}).get("n_backbone", 0),
            }
        )
    return rows
