"""What each audited model is, for the set-wise SQL and the readable pages: its kind (the name used by the API's
`model`), where its county comes from, its natural key, and the workbook sheet that writes it."""

from dataclasses import dataclass

from schools.models import (
    Achievement,
    CountyYear,
    Declaration,
    Funding,
    Monitoring,
    School,
    SchoolClass,
    SchoolYear,
)
from teachers.models import Teacher

SCHOOL, SCHOOL_ROW, COUNTY_ROW = "school", "school_row", "county_row"


@dataclass(frozen=True)
class Audited:
    kind: str  # "school", "school_year", … (the API's `model`)
    model: type
    place: str  # SCHOOL (has county_id), SCHOOL_ROW (has school_id and year), COUNTY_ROW (county_id and year)
    key: tuple[str, ...]  # natural key after the school's or county's code
    sheet: str | None  # the workbook sheet that writes it

    @property
    def history(self):
        return self.model.history.model

    @property
    def verbose_name(self):
        return self.model._meta.verbose_name


AUDITED = (
    Audited("school", School, SCHOOL, (), "schools"),
    Audited("school_year", SchoolYear, SCHOOL_ROW, ("year",), "school_years"),
    Audited("school_class", SchoolClass, SCHOOL_ROW, ("year", "name"), "classes"),
    Audited("funding", Funding, SCHOOL_ROW, ("year",), "funding"),
    Audited("achievement", Achievement, SCHOOL_ROW, ("year", "stage", "subject"), "achievement"),
    Audited("teacher", Teacher, SCHOOL_ROW, ("teacher_id", "year"), "teachers"),
    Audited("county_year", CountyYear, COUNTY_ROW, ("year",), "county_years"),
    Audited("monitoring", Monitoring, COUNTY_ROW, ("year", "stage", "subject"), "monitoring"),
    Audited("declaration", Declaration, COUNTY_ROW, ("year", "item_code"), None),
)
BY_KIND = {a.kind: a for a in AUDITED}
BY_SHEET = {a.sheet: a for a in AUDITED if a.sheet}
BY_MODEL = {a.model: a for a in AUDITED}


def tracked_fields(audited: Audited) -> list:
    """The history model's copies of the record's fields (its id excluded)."""
    return [
        f
        for f in audited.history._meta.concrete_fields
        if not f.name.startswith("history_") and f.name != "id"
    ]
