"""The ONE table of the engine: every item of the report — resource indicators (Q1–Q7, B1–B8), government,
quality and recognition items (G…, E…, S1) and the report's other blocks (class size, degree ratio, achievement,
staffing) — registered with the function that computes it, the rule-set params it reads (with defaults, types
and bounds) and its label key. `compute.compute_report` iterates it; `indicators.rules` builds the rule sets'
defaults from it; the rule-set form reads the params' bounds from it; the presenter looks labels up by its keys.

Adding an indicator = one function and one `TABLE.register(...)` call in an engine module, its label in
`indicators/presenter/labels.py` (and the English in the catalogue). Nothing else.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from copy import deepcopy
from dataclasses import dataclass, field
from typing import Any, Literal

QUALITY_2017 = "quality_2017"
BASIC_2012 = "basic_2012"
STANDARDS = (QUALITY_2017, BASIC_2012)

# Where an entry's result goes in the report. "resource": a per-unit value with an inter-school CV (per stage);
# "government" / "quality" / "recognition": one judged item of the 2017 verdict; the rest are whole blocks.
Part = Literal[
    "resource",
    "government",
    "quality",
    "recognition",
    "class_size",
    "degree_ratio",
    "achievement",
    "staffing",
]
ITEM_PARTS: tuple[Part, ...] = ("government", "quality", "recognition")
BLOCK_PARTS: tuple[Part, ...] = ("class_size", "degree_ratio", "achievement", "staffing")

# How a param's value looks, for the rule-set form and for documentation:
#   number / integer / bool; codes (a list of codes); table (nested settings edited field by field);
#   weights (a small mapping edited as one JSON box, or a word); word (one of `words`).
ParamKind = Literal["number", "integer", "bool", "codes", "table", "weights", "word"]
# The rule-set page's sections, in order (label keys of presenter.labels.PARAM_SECTIONS).
SECTIONS = ("units", "resource", "government", "quality", "grouping", "staffing", "other")


@dataclass(frozen=True)
class Param:
    """One top-level setting of a rule set: its default in each standard that has it, and its bounds.

    Numbers are never negative; `maximum` bounds every number inside the setting (1 for shares written as
    fractions, 100 for percentages). `words`: words accepted in place of the usual value ("enrolment")."""

    key: str
    defaults: Mapping[str, Any]
    kind: ParamKind = "number"
    maximum: float | Callable[[], float] | None = None
    nullable: bool = False
    words: frozenset[str] = frozenset()
    section: str = "other"

    def default(self, standard: str) -> Any:
        return self.defaults[standard]

    def bound(self) -> float | None:
        """The largest number allowed (a callable maximum follows the table, e.g. the number of indicators)."""
        return self.maximum() if callable(self.maximum) else self.maximum


def fraction(key: str, defaults: Mapping[str, Any], section: str, kind: ParamKind = "number") -> Param:
    """A share written as a fraction (0–1)."""
    return Param(key, defaults, kind, maximum=1, section=section)


def percent(key: str, defaults: Mapping[str, Any], section: str) -> Param:
    """A share written in percent (0–100), as the county inputs are."""
    return Param(key, defaults, "number", maximum=100, section=section)


@dataclass(frozen=True)
class Entry:
    """One row of the table.

    compute: resource entries take a `data.Unit` and return the unit's value (None = not computable); item
    entries take a `compute.Context` and return (pass, facts); block entries take a `Context` and return their
    block of the report model.
    thresholds: a 2017 resource indicator's minimum per stage (its entry of the `thresholds` setting).
    unit / per / whole: a shortfall's natural unit, the value's scale (100 = per hundred pupils) and whether the
    shortfall is counted in whole persons or rooms."""

    code: str
    standard: str
    part: Part
    compute: Callable[..., Any]
    params: tuple[Param, ...] = ()
    stages: tuple[str, ...] = ("primary", "junior")
    thresholds: Mapping[str, float] | None = None
    unit: str = ""
    per: float = 1.0
    whole: bool = False
    label: str = ""

    @property
    def label_key(self) -> str:
        return self.label or self.code


@dataclass
class Table:
    """The registry. Entries keep their registration order: it is the order of the report's keys."""

    _entries: dict[str, Entry] = field(default_factory=dict)
    _shared: dict[str, Param] = field(default_factory=dict)
    # lookups every report repeats, dropped whenever the table changes
    _cache: dict[tuple[Any, ...], Any] = field(default_factory=dict)

    def register(self, entry: Entry) -> Entry:
        key = self._key(entry.standard, entry.code)
        if key in self._entries:
            raise ValueError(f"{entry.code} is already registered for {entry.standard}")
        for param in entry.params:
            self._check_param(param)
        self._entries[key] = entry
        self._cache.clear()
        return entry

    def unregister(self, standard: str, code: str) -> None:
        """Take an entry out again (tests that register a made-up indicator)."""
        del self._entries[self._key(standard, code)]
        self._cache.clear()

    def share(self, *params: Param) -> None:
        """Settings read by the engine as a whole (unit inclusion, asset split, CV limits, the school rule)."""
        for param in params:
            self._check_param(param)
            self._shared[param.key] = param
        self._cache.clear()

    def entries(self, standard: str | None = None, part: str | None = None) -> list[Entry]:
        key = ("entries", standard, part)
        if key not in self._cache:
            self._cache[key] = [
                e
                for e in self._entries.values()
                if (standard is None or e.standard == standard) and (part is None or e.part == part)
            ]
        return list(self._cache[key])

    def get(self, standard: str, code: str) -> Entry:
        return self._entries[self._key(standard, code)]

    def find(self, code: str) -> Entry | None:
        """The entry of a code in whichever standard has it (the 2017 one first)."""
        for standard in STANDARDS:
            entry = self._entries.get(self._key(standard, code))
            if entry is not None:
                return entry
        return None

    def __iter__(self) -> Iterator[Entry]:
        return iter(list(self._entries.values()))

    # ------------------------------------------------------------ the params schema

    def params(self, standard: str | None = None) -> list[Param]:
        """Every setting (of one standard), each once: shared ones first, then the entries' in table order."""
        seen: dict[str, Param] = {}
        for param in [*self._shared.values(), *(p for e in self._entries.values() for p in e.params)]:
            if standard is None or standard in param.defaults:
                seen.setdefault(param.key, param)
        return list(seen.values())

    def param(self, key: str) -> Param | None:
        return next((p for p in self.params() if p.key == key), None)

    def thresholds(self, standard: str) -> dict[str, dict[str, float]]:
        """The `thresholds` setting's default, composed from the resource entries' own minimums."""
        out: dict[str, dict[str, float]] = {}
        for entry in self.entries(standard, "resource"):
            for stage, minimum in (entry.thresholds or {}).items():
                out.setdefault(stage, {})[entry.code] = minimum
        return out

    def defaults(self, standard: str) -> dict[str, Any]:
        """The default params of a standard's rule set, in the order the rule-set page lists them (a fresh copy
        each time: callers may change it)."""
        return deepcopy(self.defaults_shared(standard))

    def defaults_shared(self, standard: str) -> dict[str, Any]:
        """defaults() without the copy, for reading only (every report completes its params with them)."""
        key = ("defaults", standard)
        if key not in self._cache:
            out: dict[str, Any] = {}
            for param in self.params(standard):
                out[param.key] = (
                    self.thresholds(standard) if param.key == "thresholds" else param.default(standard)
                )
            self._cache[key] = out
        return self._cache[key]  # type: ignore[no-any-return]

    def _check_param(self, param: Param) -> None:
        known = self._shared.get(param.key) or next(
            (p for e in self._entries.values() for p in e.params if p.key == param.key), None
        )
        if known is not None and known != param:
            raise ValueError(f"setting {param.key} is declared twice, differently")

    @staticmethod
    def _key(standard: str, code: str) -> str:
        return f"{standard}:{code}"


TABLE = Table()
