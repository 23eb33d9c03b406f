"""The chart specs of the county dashboard and the school page, built with core.charts from what the presenter
already labelled and judged (no ORM, no formatting rules of their own)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from core import charts
from indicators.presenter import labels
from indicators.presenter.dashboard import StageHistory, unit_of
from indicators.presenter.views import ClassSizeView, RatioView, StageView


def indicator_bars(stage: StageView, thresholds: dict[str, float | None]) -> dict[str, dict]:
    """code → the schools' values of that indicator against its threshold (code → minimum), sorted, the schools
    short of it marked."""
    specs = {}
    for i, row in enumerate(stage.indicators):
        rows = []
        for school in stage.schools:
            figure = school.values[i]
            if figure.value is None:
                continue
            short = any(g.code == row.code for g in school.shortfalls)
            rows.append((school.name, figure.value, not short))
        specs[row.code] = charts.bar_against_threshold(
            f"{stage.label} {row.code} {row.label}",
            unit_of(row.code),
            rows,
            thresholds.get(row.code),
            threshold_label=_("标准值"),
            key=f"{stage.key}-{row.code}",
        )
    return specs


def class_histogram(view: ClassSizeView, sizes: list[tuple[int, int]]) -> dict:
    """The stage's class sizes in bins of five, with the standard size and the 56 / 66 bands."""
    values = [students for students, n in sizes for _i in range(n)]
    large = view.large_threshold or 56
    super_large = view.super_large_threshold or 66
    limits = [(view.limit, _("标准班额"))] if view.limit else []
    return charts.histogram(
        f"{view.label} {labels.INDICATORS['class_size']}",
        _("人"),
        values,
        limits=limits,
        bands=[(large, super_large - 1, _("大班额")), (super_large, None, _("超大班额"))],
        key=f"classes-{view.key}",
    )


def ratio_trend(ratio: RatioView, history: list[dict]) -> dict | None:
    """The urban–rural degree ratio of each stage and pooled over the stored years, against its target."""
    if not history:
        return None
    years = [h["year"] for h in history]
    series = [(_("合计"), [h["pooled"] for h in history])]
    for stage, label in labels.STAGES.items():
        values = [h["by_stage"].get(stage) for h in history]
        if any(v is not None for v in values):
            series.append((str(label), values))
    target = history[-1]["target"]
    return charts.line_against_target(
        str(labels.INDICATORS["urban_rural_degree_ratio"]),
        "",
        years,
        series,
        target=target,
        target_label=_("目标"),
        direction=charts.MAX,
        digits=3,
        key="degree-ratio",
    )


def school_multiples(stage: StageHistory) -> dict:
    """The school's seven indicators of one stage over the years, each against its threshold."""
    panels = []
    for indicator in stage.indicators:
        panels.append(
            charts.panel(
                f"{indicator.code} {indicator.label}",
                indicator.unit,
                [p.value for p in indicator.years],
                threshold=indicator.threshold,
                threshold_label=_("标准值"),
            )
        )
    return charts.small_multiples(
        _("%(stage)s资源配置指标历年变化") % {"stage": stage.label},
        stage.years,
        panels,
        key=f"school-{stage.key}",
    )
