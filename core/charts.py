"""Chart specs: pure functions that turn plain values into what `templates/includes/chart.html` renders.

A page builds one spec per chart in its view (no ORM here: pass numbers, labels and pass/fail already computed)
and includes it: `{% include "includes/chart.html" with chart=spec %}`. The include renders a
`<figure class="chart">` holding the chart's JSON (`json_script`) and a table of the same numbers;
`static/js/charts.js` draws the chart from the JSON. The table is the source of truth: it is what a screen reader,
a printout and a browser without JavaScript get, and the chart's tooltips show the same `display` strings.

Every helper returns

    {"id": "chart-…",         # the json_script id; pass key= when two charts on a page share a title
     "kind": "...", "title": str, "caption": str,
     "data": {...},            # the JSON charts.js reads; its shape per kind is documented at the top of charts.js
     "table": {"columns": [str], "rows": [[{"text": str, "num": bool, "status": "pass"|"fail"|None}]]}}

Numbers are displayed with the `digits` asked for, except where that rounding would put a value on the other side
of its threshold (0.996 against 1.0 is shown "0.996", not "1.00"): see `display_number`.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

MIN = "min"  # a value meets its threshold when it is at least the threshold (e.g. area per pupil)
MAX = "max"  # a value meets its threshold when it is at most the threshold (e.g. a CV, a class size)
MAX_EXTRA_DIGITS = 6


# ---------------------------------------------------------------- numbers


def number(value: Any) -> float | None:
    """A float for JSON (Decimal from the database included); None for missing, NaN or infinite."""
    if value is None or isinstance(value, bool):
        return None
    result = float(value) if isinstance(value, int | float | Decimal) else float(str(value))
    return result if math.isfinite(result) else None


def meets(value: float | None, threshold: float | None, direction: str = MIN) -> bool | None:
    if value is None or threshold is None:
        return None
    _check_direction(direction)
    return value >= threshold if direction == MIN else value <= threshold


def display_number(value: Any, digits: int = 2, *, threshold: Any = None, direction: str = MIN) -> str:
    """`value` with `digits` decimals and thousands separators; "—" when missing.

    Against a threshold the displayed figure must read on the same side as the true one: while rounding moves it
    across (or onto) the threshold, one more digit is shown, up to MAX_EXTRA_DIGITS more.
    """
    value, threshold = number(value), number(threshold)
    if value is None:
        return "—"
    digits = max(0, int(digits))
    text = f"{value:,.{digits}f}"
    if threshold is None:
        return text
    truth = meets(value, threshold, direction)
    for extra in range(1, MAX_EXTRA_DIGITS + 1):
        if meets(float(text.replace(",", "")), threshold, direction) == truth:
            break
        text = f"{value:,.{digits + extra}f}"
    return text


def display_percent(share: Any, digits: int = 0, *, threshold: Any = None) -> str:
    """A share (0..1) as a percentage, never rounded onto a target it misses (29.6 % against 30 %: "29.6%")."""
    share, threshold = number(share), number(threshold)
    if share is None:
        return "—"
    return (
        display_number(
            share * 100, digits, threshold=None if threshold is None else threshold * 100, direction=MIN
        )
        + "%"
    )


def _check_direction(direction: str) -> None:
    if direction not in (MIN, MAX):
        raise ValueError(f"direction must be {MIN!r} or {MAX!r}, not {direction!r}")


# ---------------------------------------------------------------- table cells and the envelope


def _cell(text: Any, *, num: bool = False, status: str | None = None, head: bool = False) -> dict:
    return {"text": str(text), "num": num, "status": status, "head": head}


def _status(passed: bool | None) -> str | None:
    return None if passed is None else ("pass" if passed else "fail")


def _status_text(passed: bool | None) -> str:
    if passed is None:
        return "—"
    return _("达标") if passed else _("未达标")


def _status_texts() -> dict[bool | None, str]:
    """The pass words once per chart, not once per row (a dashboard's charts have ~2 000 rows)."""
    return {passed: _status_text(passed) for passed in (True, False, None)}


def _threshold(value: Any, label: Any, direction: str) -> dict | None:
    value = number(value)
    if value is None:
        return None
    _check_direction(direction)
    return {"value": value, "label": str(label) if label else "", "direction": direction}


def _spec(
    kind: str, title: Any, caption: Any, key: str | None, data: dict, columns: list, rows: list
) -> dict:
    title = str(title)
    if key is None:
        key = hashlib.sha1(f"{kind}\n{title}".encode()).hexdigest()[:10]
    return {
        "id": f"chart-{key}",
        "kind": kind,
        "title": title,
        "caption": str(caption) if caption else "",
        "data": {"kind": kind, "title": title, **data},
        "table": {"columns": [str(c) for c in columns], "rows": rows},
    }


def _labelled(label: Any, value: Any) -> str:
    return _("%(label)s：%(value)s") % {"label": label, "value": value}


def _with_unit(name: Any, unit: str) -> str:
    return _("%(name)s（%(unit)s）") % {"name": name, "unit": unit} if unit else str(name)


def _sentences(parts: Iterable[str]) -> str:
    return _("；").join(p for p in parts if p)


def _rule_text(threshold: dict, unit: str = "") -> str:
    """ "≥ 4.5 m²" / "≤ 0.45": a threshold written with the digits it was given."""
    sign = "≥" if threshold["direction"] == MIN else "≤"
    value = display_number(threshold["value"], _digits_of(threshold["value"]))
    return f"{sign} {value}{(' ' + unit) if unit else ''}"


def _threshold_caption(threshold: dict | None, unit: str) -> str:
    if not threshold:
        return ""
    return _labelled(threshold["label"] or _("标准"), _rule_text(threshold, unit))


def _digits_of(value: float) -> int:
    """Decimals that show a threshold as written (0.45 → 2, 1.05 → 2, 45 → 0)."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return len(text.split(".")[1]) if "." in text else 0


def _ranked_rows(rows: Iterable[Sequence], threshold: dict | None, direction: str, digits: int) -> list[dict]:
    """(label, value, passed) rows sorted best first (missing values last), each with its display string."""
    out = []
    for row in rows:
        label, value = row[0], number(row[1])
        passed = row[2] if len(row) > 2 else None
        if passed is None and threshold is not None:
            passed = meets(value, threshold["value"], direction)
        shown = display_number(
            value,
            digits,
            threshold=threshold["value"] if threshold else None,
            direction=direction,
        )
        out.append({"label": str(label), "value": value, "display": shown, "pass": passed})
    present = [r for r in out if r["value"] is not None]
    missing = [r for r in out if r["value"] is None]
    present.sort(key=lambda r: r["value"], reverse=direction == MIN)
    return present + missing


# ---------------------------------------------------------------- (a) schools against a threshold


def bar_against_threshold(
    title: Any,
    unit: Any,
    rows: Iterable[Sequence],
    threshold: Any,
    *,
    direction: str = MIN,
    digits: int = 2,
    threshold_label: Any = None,
    label_heading: Any = None,
    caption: Any = None,
    key: str | None = None,
) -> dict:
    """Vertical bars of one value per school, best first, coloured by pass/fail, with the threshold as a line.

    rows: (label, value, passed) — passed may be None, then it is read from the value against the threshold.
    """
    _check_direction(direction)
    unit = str(unit or "")
    line = _threshold(threshold, threshold_label, direction)
    ranked = _ranked_rows(rows, line, direction, digits)
    data = {"unit": unit, "digits": digits, "threshold": line, "rows": ranked}
    columns = [label_heading or _("学校"), _with_unit(_("数值"), unit), _("是否达标")]
    words = _status_texts()
    table = [
        [
            _cell(r["label"], head=True),
            _cell(r["display"], num=True),
            _cell(words[r["pass"]], status=_status(r["pass"])),
        ]
        for r in ranked
    ]
    caption = caption or _threshold_caption(line, unit)
    return _spec("bar_threshold", title, caption, key, data, columns, table)


# ---------------------------------------------------------------- (d) counties ranked


def ranked_bars(
    title: Any,
    unit: Any,
    rows: Iterable[Sequence],
    *,
    threshold: Any = None,
    direction: str = MIN,
    digits: int = 2,
    threshold_label: Any = None,
    label_heading: Any = None,
    caption: Any = None,
    key: str | None = None,
) -> dict:
    """Horizontal bars, rank 1 (the best) on top: counties by one indicator. Equal values share a rank.

    rows: (label, value) or (label, value, passed); direction says which end is best (MAX: lower is better, a CV).
    """
    _check_direction(direction)
    unit = str(unit or "")
    line = _threshold(threshold, threshold_label, direction)
    ranked = _ranked_rows(rows, line, direction, digits)
    previous, rank = None, 0
    for position, row in enumerate(ranked, start=1):
        if row["value"] is None:
            row["rank"] = None
            continue
        if row["value"] != previous:
            rank, previous = position, row["value"]
        row["rank"] = rank
    data = {"unit": unit, "digits": digits, "threshold": line, "rows": ranked}
    columns = [_("排名"), label_heading or _("区县"), _with_unit(_("数值"), unit)]
    if any(r["pass"] is not None for r in ranked):
        columns.append(_("是否达标"))
    table = []
    words = _status_texts()
    for r in ranked:
        cells = [
            _cell(r["rank"] if r["rank"] is not None else "—", num=True),
            _cell(r["label"], head=True),
            _cell(r["display"], num=True),
        ]
        if len(columns) == 4:
            cells.append(_cell(words[r["pass"]], status=_status(r["pass"])))
        table.append(cells)
    caption = caption or _threshold_caption(line, unit)
    return _spec("ranked_bar", title, caption, key, data, columns, table)


# ---------------------------------------------------------------- (b) histogram (class sizes)


def histogram(
    title: Any,
    unit: Any,
    values: Iterable[Any],
    *,
    bin_width: int = 5,
    limits: Iterable[Sequence] = (),
    bands: Iterable[Sequence] = (),
    label_heading: Any = None,
    caption: Any = None,
    key: str | None = None,
) -> dict:
    """Counts of whole-number values (class sizes) in bins of `bin_width`, with limit lines and shaded bands.

    Bins end on multiples of the width (41–45, 46–50, …) so a limit of 45 or 50 falls between two bins and a band
    starting at 56 or 66 starts a bin. limits: (value, label) — "at most value" (45 pupils); bands: (from, to or
    None, label), inclusive (56–65 large, 66+ super-large). The axis covers every limit and band start even when no
    value reaches it, so the reader sees how far the largest class is from them.
    """
    if bin_width < 1:
        raise ValueError("bin_width must be a positive whole number")
    sizes = []
    for value in values:
        value = number(value)
        if value is None:
            continue
        if value != int(value):
            raise ValueError(f"histogram() counts whole numbers; got {value}")
        sizes.append(int(value))
    limit_list = [{"value": int(v), "label": str(label)} for v, label in limits]
    band_list = [
        {"from": int(lo), "to": None if hi is None else int(hi), "label": str(label)}
        for lo, hi, label in bands
    ]
    marks = [m["value"] for m in limit_list] + [b["from"] for b in band_list]
    low = min(sizes + marks, default=0)
    high = max(
        sizes + [m + 1 for m in marks], default=0
    )  # a bin past every mark, so each line has a right side
    first = (max(low, 1) - 1) // bin_width * bin_width + 1
    bins = []
    start = first
    while start <= high:
        end = start + bin_width - 1
        bins.append({"from": start, "to": end, "count": sum(start <= s <= end for s in sizes)})
        start = end + 1
    for b in bins:
        inside = [
            band["label"]
            for band in band_list
            if b["from"] >= band["from"] and (band["to"] is None or b["to"] <= band["to"])
        ]
        b["band"] = inside[-1] if inside else ""
    unit = str(unit or "")
    data = {
        "unit": unit,
        "bin_width": bin_width,
        "total": len(sizes),
        "bins": bins,
        "limits": limit_list,
        "bands": band_list,
    }
    columns = [label_heading or _("班额"), _("个数"), _("区间")]
    table = [
        [_cell(f"{b['from']}–{b['to']}", head=True), _cell(b["count"], num=True), _cell(b["band"] or "")]
        for b in bins
    ]
    if caption is None:
        caption = _sentences(
            [_labelled(m["label"], f"≤ {m['value']}") for m in limit_list]
            + [
                _labelled(b["label"], f"≥ {b['from']}" if b["to"] is None else f"{b['from']}–{b['to']}")
                for b in band_list
            ]
        )
    return _spec("histogram", title, caption, key, data, columns, table)


# ---------------------------------------------------------------- (c) line over years against a target


def line_against_target(
    title: Any,
    unit: Any,
    x: Sequence[Any],
    series: Iterable[Sequence],
    *,
    planned: Iterable[Sequence] = (),
    target: Any = None,
    target_label: Any = None,
    direction: str = MIN,
    deadline: Any = None,
    deadline_label: Any = None,
    digits: int = 2,
    x_heading: Any = None,
    caption: Any = None,
    key: str | None = None,
) -> dict:
    """Lines over `x` (years) against a horizontal target, optionally with a vertical deadline marker.

    series: (name, values) drawn solid; planned: (name, values) drawn dashed (a plan's trajectory). values align
    with x, None for a year without a figure. When the deadline is a year past the last of x, the axis is extended
    to it (empty years) so the marker shows where it falls.
    """
    _check_direction(direction)
    x = list(x)
    if deadline is not None and deadline not in x and all(isinstance(v, int) for v in [*x, deadline]):
        x = x + list(range((max(x) + 1) if x else deadline, deadline + 1))
    line = _threshold(target, target_label, direction)
    lines = []
    for is_planned, group in ((False, series), (True, planned)):
        for name, values in group:
            values = [number(v) for v in values]
            if len(values) > len(x):
                raise ValueError(f"series {name!r} has {len(values)} values for {len(x)} x positions")
            values += [None] * (len(x) - len(values))
            lines.append(
                {
                    "name": str(name),
                    "planned": is_planned,
                    "values": values,
                    "display": [
                        display_number(
                            v, digits, threshold=line["value"] if line else None, direction=direction
                        )
                        for v in values
                    ],
                    "pass": [meets(v, line["value"], direction) if line else None for v in values],
                }
            )
    unit = str(unit or "")
    data = {
        "unit": unit,
        "digits": digits,
        "x": [str(v) for v in x],
        "series": lines,
        "target": line,
        "deadline": {"x": str(deadline), "label": str(deadline_label or "")}
        if deadline is not None
        else None,
    }
    columns = [x_heading or _("学年"), *[s["name"] for s in lines]]
    table = [
        [
            _cell(xv, head=True),
            *[_cell(s["display"][i], num=True, status=_status(s["pass"][i])) for s in lines],
        ]
        for i, xv in enumerate(x)
    ]
    if caption is None:
        parts = [_threshold_caption(line, unit)]
        if deadline is not None:
            parts.append(_labelled(deadline_label or _("目标时限"), deadline))
        caption = _sentences(parts)
    return _spec("line_target", title, caption, key, data, columns, table)


# ---------------------------------------------------------------- (e) share of counties passing against targets


def _goal_text(goal: dict | None) -> str:
    if goal is None:
        return ""
    return _("未到期") if goal["met"] is None else _status_text(goal["met"])


def progress_against_targets(
    title: Any,
    actual: Iterable[Sequence],
    targets: Iterable[Sequence],
    *,
    digits: int = 0,
    actual_label: Any = None,
    x_heading: Any = None,
    caption: Any = None,
    key: str | None = None,
) -> dict:
    """The share (0..1) of counties passing per year, and the plan's target points (30 % by 2027, …).

    actual: (year, share); targets: (year, share) or (year, share, label). A target is met (True) once the share
    of its year, or of the latest year before it, reaches it; missed (False) when its year has a figure below it;
    not yet due (None) while its year has no figure and the latest share is still below. Each year's share is
    displayed against the next target due, so 29.6 % before a 30 % target reads "29.6%", not "30%".
    """
    points = sorted((int(year), number(share)) for year, share in actual)
    known = [(y, s) for y, s in points if s is not None]
    goals = []
    for target in targets:
        year, share = int(target[0]), number(target[1])
        label = str(target[2]) if len(target) > 2 and target[2] else ""
        so_far = [s for y, s in known if y <= year]
        met = meets(so_far[-1] if so_far else None, share, MIN)
        if not met and not any(y == year for y, _s in known):
            met = None
        goals.append(
            {"x": year, "value": share, "display": display_percent(share, digits), "label": label, "met": met}
        )
    goals.sort(key=lambda g: g["x"])
    goal_by_year = {g["x"]: g for g in goals}

    def next_target(year):
        due = [g["value"] for g in goals if g["x"] >= year]
        return due[0] if due else None

    actual_rows = [
        {"x": year, "value": share, "display": display_percent(share, digits, threshold=next_target(year))}
        for year, share in points
    ]
    data = {
        "digits": digits,
        "actual_label": str(actual_label or _("达标比例")),
        "actual": actual_rows,
        "targets": goals,
    }
    by_year = {r["x"]: r for r in actual_rows}
    years = sorted(set(by_year) | set(goal_by_year))
    columns = [x_heading or _("学年"), data["actual_label"], _("目标"), _("是否达标")]
    table = []
    for year in years:
        goal = goal_by_year.get(year)
        table.append(
            [
                _cell(year, head=True),
                _cell(by_year[year]["display"] if year in by_year else "—", num=True),
                _cell(goal["display"] if goal else "—", num=True),
                _cell(_goal_text(goal), status=_status(goal["met"]) if goal else None),
            ]
        )
    if caption is None:
        caption = _sentences(
            _labelled(g["x"], f"{g['display']}{(' ' + g['label']) if g['label'] else ''}") for g in goals
        )
    return _spec("progress", title, caption, key, data, columns, table)


# ---------------------------------------------------------------- (f) small multiples


def panel(
    title: Any,
    unit: Any,
    values: Sequence[Any],
    *,
    threshold: Any = None,
    direction: str = MIN,
    digits: int = 2,
    threshold_label: Any = None,
) -> dict:
    """One small chart of `small_multiples`: an indicator's values over the shared x, against its threshold."""
    _check_direction(direction)
    line = _threshold(threshold, threshold_label, direction)
    values = [number(v) for v in values]
    return {
        "title": str(title),
        "unit": str(unit or ""),
        "digits": digits,
        "threshold": line,
        "values": values,
        "display": [
            display_number(v, digits, threshold=line["value"] if line else None, direction=direction)
            for v in values
        ],
        "pass": [meets(v, line["value"], direction) if line else None for v in values],
    }


def small_multiples(
    title: Any,
    x: Sequence[Any],
    panels: Iterable[dict],
    *,
    caption: Any = None,
    key: str | None = None,
) -> dict:
    """A grid of small line charts sharing x (years), one per indicator (`panel(...)`), each with its threshold."""
    x = [str(v) for v in x]
    padded = []
    for p in panels:
        if len(p["values"]) > len(x):
            raise ValueError(f"panel {p['title']!r} has {len(p['values'])} values for {len(x)} x positions")
        missing = len(x) - len(p["values"])
        padded.append(
            {
                **p,
                "values": p["values"] + [None] * missing,
                "display": p["display"] + ["—"] * missing,
                "pass": p["pass"] + [None] * missing,
            }
        )
    data = {"x": x, "panels": padded}
    columns = [_("指标"), _("标准"), *x]
    table = []
    for p in padded:
        table.append(
            [
                _cell(_with_unit(p["title"], p["unit"]), head=True),
                _cell(_rule_text(p["threshold"]) if p["threshold"] else "—", num=True),
                *[_cell(p["display"][i], num=True, status=_status(p["pass"][i])) for i in range(len(x))],
            ]
        )
    return _spec("small_multiples", title, caption, key, data, columns, table)
