"""The engine's inputs: one county-year's aggregated data (`CountyData`, built by `indicators.inputs` from the
database or by a test from a workbook) and the school-stage units of §0 and §1 that resource indicators read."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

PRIMARY, JUNIOR, SENIOR = "primary", "junior", "senior"
STAGES = (PRIMARY, JUNIOR)

# Which compulsory stages a school kind can contribute units to (§0).
KIND_STAGES: dict[str, tuple[str, ...]] = {
    "primary": (PRIMARY,),
    "teaching_point": (PRIMARY,),
    "junior": (JUNIOR,),
    "nine_year": (PRIMARY, JUNIOR),
    "twelve_year": (PRIMARY, JUNIOR),
    "complete_secondary": (JUNIOR,),
    "special": (PRIMARY, JUNIOR),
}
STAGE_STUDENTS = {PRIMARY: "primary_students", JUNIOR: "junior_students", SENIOR: "senior_students"}

School = Mapping[str, Any]
Params = Mapping[str, Any]


@dataclass
class CountyData:
    """Aggregated inputs of one county and year (built by selectors from the DB, or by a test from a workbook)."""

    county_code: str
    county_name: str
    year: int
    schools: list[dict[str, Any]]
    teachers: dict[tuple[str, str], dict[str, int]] = field(default_factory=dict)
    classes: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    offending_classes: list[dict[str, Any]] = field(default_factory=list)
    funding: dict[str, dict[str, float | None]] = field(default_factory=dict)
    achievement: list[dict[str, Any]] = field(default_factory=list)
    county_year: dict[str, Any] | None = None
    monitoring: list[dict[str, Any]] = field(default_factory=list)
    declarations: dict[str, bool | None] = field(default_factory=dict)


def stage_share(
    students: Mapping[str, int | float | None], stage: str, weights: Mapping[str, float] | str
) -> float | None:
    """Share of a whole-school asset that belongs to `stage` (§1); weights "enrolment" = plain enrolment shares."""

    def weight(s: str) -> float:
        return 1.0 if isinstance(weights, str) else float(weights[s])

    denominator = sum(weight(s) * float(students.get(s) or 0) for s in (PRIMARY, JUNIOR, SENIOR))
    if denominator <= 0:
        return None
    return weight(stage) * float(students.get(stage) or 0) / denominator


def school_stage_share(school: School, stage: str, weights: Mapping[str, float] | str) -> float | None:
    return stage_share({s: school.get(STAGE_STUDENTS[s]) for s in (PRIMARY, JUNIOR, SENIOR)}, stage, weights)


def shared(
    school: School, stage: str, value: float | None, weights: Mapping[str, float] | str
) -> float | None:
    """The stage's part of a whole-school figure (areas, equipment, rooms, books, staff)."""
    if value is None:
        return None
    part = school_stage_share(school, stage, weights)
    return None if part is None else part * float(value)


def unit_stages(school: School) -> list[str]:
    """Compulsory stages the school has students in, restricted to the stages its kind reports."""
    return [s for s in KIND_STAGES.get(school["kind"], ()) if (school.get(STAGE_STUDENTS[s]) or 0) > 0]


def unit_included(school: School, params: Params) -> bool:
    """§0 inclusion in resource indicators and CVs."""
    kind = school["kind"]
    if kind == "special":
        return False
    if school.get("ownership") == "private" and not params.get("include_private", True):
        return False
    if kind == "teaching_point":
        below = params.get("exclude_teaching_points_below")
        if below is None:  # null = every teaching point excluded (2012 default)
            return False
        students = (school.get("primary_students") or 0) + (school.get("junior_students") or 0)
        return bool(students >= below)
    return True


def compulsory_students(school: School) -> float:
    """Primary plus junior pupils, as reported (the JSON keeps the input's int or float)."""
    total: float = (school.get("primary_students") or 0) + (school.get("junior_students") or 0)
    return total


class Unit:
    """One school-stage unit as a resource indicator's function reads it: the school's facts, the stage, its
    pupils P_i, its full-time teachers' counts and the rule set's params. The stage's share of whole-school assets
    (§1) is worked out once per unit."""

    __slots__ = ("school", "stage", "students", "teachers", "params", "_part")

    def __init__(self, school: School, stage: str, teachers: Mapping[str, int], params: Params) -> None:
        self.school = school
        self.stage = stage
        self.students = float(school.get(STAGE_STUDENTS[stage]) or 0)
        self.teachers = teachers
        self.params = params
        self._part: float | None | bool = False  # False = not worked out yet

    def part(self) -> float | None:
        if self._part is False:
            self._part = school_stage_share(self.school, self.stage, self.params["split_weights"])
        return self._part

    def shared(self, value: float | None) -> float | None:
        """The stage's part of a whole-school figure."""
        if value is None:
            return None
        part = self.part()
        return None if part is None else part * float(value)

    def per_student(self, numerator: float | None, scale: float = 1.0) -> float | None:
        """scale × numerator ÷ P_i (None when the numerator is unknown or there are no pupils)."""
        if numerator is None or not self.students:
            return None
        return scale * numerator / self.students

    def fact(self, key: str) -> Any:
        return self.school.get(key)
