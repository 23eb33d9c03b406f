"""Government, quality and recognition items as people read them: the value column, a one-phrase summary of what
the item found and its detail lines, from the facts the engine judged it on. A fact without a label here is left
out rather than shown by its key."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..report.model import Item
from . import labels as L
from .numbers import NONE, fixed, percent, plain, whole

Names = Mapping[str, str]


def _school(code: str | None, names: Names) -> str:
    return NONE if code is None else names.get(code, code)


def _share(value: Any, threshold: Any, op: str = ">=") -> str:
    """A share as a percentage: written as a fraction when its threshold is ≤ 1 (G9, G11, G12), in percent
    otherwise (county inputs)."""
    if value is None:
        return str(L.NOT_REPORTED)
    as_fraction = threshold is not None and threshold <= 1
    return percent(value, as_fraction, threshold, op)


def _limit(threshold: Any) -> str:
    """A share's threshold, written the way its values are."""
    return _share(threshold, threshold)


def _yuan(value: Any) -> str:
    return NONE if value is None else f"{whole(value)} {L.UNITS['元']}"


def _line(label: Any, value: Any) -> str:
    return str(L.LINE % {"label": label, "value": value})


def _facts(school: Mapping[str, Any], names: Names, parts: list[tuple[Any, str]]) -> str:
    return str(
        L.SCHOOL_LINE
        % {
            "school": _school(school.get("code"), names),
            "facts": "，".join(f"{label} {value}" for label, value in parts),
        }
    )


# ---------------------------------------------------------------- summaries


def summary(item: Item) -> str:
    """One short phrase for the value column of the inspection tables."""
    f, code = item.facts, item.code
    if item.declared is not None:
        return str(L.DECLARED[bool(item.declared)])
    if code in L.SUMMARY["schools_failing"]:
        n = len(f.get("failing_schools") or [])
        return str(L.SUMMARY["schools_failing"][code] % {"n": n}) if n else str(L.SUMMARY["all_schools"])
    if "over_limit" in f:
        return str(L.SUMMARY["over_limit"] % {"n": f.get("over_limit") or 0})
    if "small_schools" in f:
        small = f.get("small_schools") or []
        short = sum(1 for s in small if s.get("funds") is None or s["funds"] < s["required"])
        return str(L.SUMMARY["small_schools"] % {"n": len(small), "short": short})
    if "special_schools" in f:
        amounts = [
            str(L.SUMMARY["per_pupil"] % {"amount": whole(s["per_pupil"])})
            for s in f.get("special_schools") or []
            if s.get("per_pupil") is not None
        ]
        return "；".join(amounts) if amounts else str(L.SUMMARY["no_special_funding"])
    if "teacher_pay" in f:
        pay, civil = f.get("teacher_pay"), f.get("civil_servant_pay")
        if pay is None or civil is None:
            return str(L.NOT_REPORTED)
        return str(L.SUMMARY["pay"] % {"teacher": whole(float(pay)), "civil": whole(float(civil))})
    if "backbone_share" in f:
        return str(
            L.SUMMARY["rotation"]
            % {
                "share": _share(f.get("value"), f.get("threshold")),
                "backbone": _share(f.get("backbone_share"), f.get("backbone_threshold")),
            }
        )
    if "subjects" in f:
        subjects = f.get("subjects") or []
        if not subjects:
            return str(L.SUMMARY["no_monitoring"])
        failing = sum(1 for s in subjects if s.get("pass") is False)
        return str(L.SUMMARY["monitoring"] % {"n": len(subjects), "failing": failing})
    if "urban_nearby" in f:
        return str(
            L.SUMMARY["nearby"]
            % {"urban": _share(f.get("urban_nearby"), None), "town": _share(f.get("town_nearby"), None)}
        )
    if "value" in f:
        return _share(f.get("value"), f.get("threshold"))
    return ""


def below(item: Item) -> str:
    """ "82.6% < 100.0%": the item's own figure against the threshold it misses ("" when it does not)."""
    value, threshold = item.value, item.threshold
    if value is None or threshold is None or value >= threshold - 1e-9:
        return ""
    return f"{_share(value, threshold)} < {_limit(threshold)}"


def value_text(item: Item) -> str | None:
    """The item's own figure, when it has one (shares of teachers, county inputs)."""
    if "value" not in item.facts:
        return None
    return _share(item.value, item.threshold)


# ---------------------------------------------------------------- detail lines


def _g3(f: Mapping[str, Any], names: Names) -> list[str]:
    return [
        _facts(
            s,
            names,
            [
                (L.FACTS["classes"], plain(s.get("classes"))),
                (L.FACTS["required"], plain(s.get("required"))),
                (L.FACTS["music"], plain(s.get("music"))),
                (L.FACTS["art"], plain(s.get("art"))),
            ],
        )
        for s in f.get("failing_schools") or []
    ]


def _g4(f: Mapping[str, Any], names: Names) -> list[str]:
    return [
        _facts(
            s,
            names,
            [(L.FACTS["students"], plain(s.get("students"))), (L.FACTS["limit"], plain(s.get("limit")))],
        )
        for s in f.get("failing_schools") or []
    ]


def _g6(f: Mapping[str, Any], names: Names) -> list[str]:
    lines = []
    rate = f.get("rate")
    if rate:
        lines.append(
            str(
                L.RATE_LINE
                % {
                    "group": L.WORDS.get(rate.get("group"), ""),
                    "primary": plain(rate.get("primary")),
                    "junior": plain(rate.get("junior")),
                }
            )
        )
    lines += [
        _facts(
            s,
            names,
            [
                (L.FACTS["students"], plain(s.get("students"))),
                (L.FACTS["funds"], _yuan(s.get("funds"))),
                (L.FACTS["required"], _yuan(s.get("required"))),
            ],
        )
        for s in f.get("small_schools") or []
    ]
    return lines


def _g7(f: Mapping[str, Any], names: Names) -> list[str]:
    return [
        _facts(
            s,
            names,
            [
                (L.FACTS["per_pupil"], _yuan(s.get("per_pupil"))),
                (L.FACTS["required"], _yuan(s.get("required"))),
            ],
        )
        for s in f.get("special_schools") or []
    ]


def _against_threshold(f: Mapping[str, Any], names: Names) -> list[str]:
    """A share beside its threshold (the value itself is the item's value column)."""
    lines = [_line(L.FACTS["threshold"], _limit(f.get("threshold")))]
    if f.get("not_reported"):
        lines.append(_line(L.FACTS["not_reported"], plain(f.get("not_reported"))))
    return lines


def _g11(f: Mapping[str, Any], names: Names) -> list[str]:
    return [
        _line(L.FACTS["eligible"], plain(f.get("eligible"))),
        _line(L.FACTS["rotated"], plain(f.get("rotated"))),
        _line(L.FACTS["threshold"], _limit(f.get("threshold"))),
        _line(L.FACTS["backbone_share"], _share(f.get("backbone_share"), f.get("backbone_threshold"))),
        _line(L.FACTS["backbone_threshold"], _limit(f.get("backbone_threshold"))),
    ]


def _e4(f: Mapping[str, Any], names: Names) -> list[str]:
    return [
        _facts(
            s,
            names,
            [
                (L.FACTS["public_budget"], _yuan(s.get("public_budget"))),
                (L.FACTS["training_funds"], _yuan(s.get("training_funds"))),
            ],
        )
        for s in f.get("failing_schools") or []
    ]


def _e9(f: Mapping[str, Any], names: Names) -> list[str]:
    return [
        str(
            L.SUBJECT_LINE
            % {
                "stage": L.STAGES.get(s.get("stage"), ""),
                "subject": s.get("subject", ""),
                "level": plain(s.get("level")),
                "rate": fixed(s.get("difference_rate"), 3),
                "mark": L.JUDGED[_status(s.get("pass"))],
            }
        )
        for s in f.get("subjects") or []
    ]


def _status(passed: bool | None) -> str:
    return {True: "pass", False: "fail"}.get(passed, "incomplete")  # type: ignore[arg-type]


def _generic(f: Mapping[str, Any], names: Names) -> list[str]:
    """An item without its own reading: its figure against its threshold and the plain facts that have a label."""
    lines = []
    for key, value in f.items():
        if key not in L.FACTS or isinstance(value, list | dict):
            continue
        if key == "value":  # the item's value column
            continue
        if key == "threshold":
            value = _limit(value)
        elif isinstance(value, bool):
            value = L.YES_NO[value]
        else:
            value = plain(value)
        lines.append(_line(L.FACTS[key], value))
    return lines


def _said(f: Mapping[str, Any], names: Names) -> list[str]:
    """An item whose summary says everything (G5: the classes over the standard size)."""
    return []


READERS: dict[str, Callable[[Mapping[str, Any], Names], list[str]]] = {
    "G3": _g3,
    "G4": _g4,
    "G5": _said,
    "G6": _g6,
    "G7": _g7,
    "G8": _said,
    "G9": _against_threshold,
    "G11": _g11,
    "G12": _against_threshold,
    "G13": _said,
    "G14": _against_threshold,
    "G15": _against_threshold,
    "E1": _against_threshold,
    "E2": _against_threshold,
    "E4": _e4,
    "E9": _e9,
    "S1": _against_threshold,
}


def lines(item: Item, names: Names) -> list[str]:
    """The facts the item was judged on, as readable lines (school names for codes)."""
    if item.declared is not None:
        return []
    return READERS.get(item.code, _generic)(item.facts, names)
