"""What an import's problems say to the person who uploaded the file: rows of another county in one sentence each,
the other problems grouped by cause with their count and first rows. The full list stays in the error workbook.

Presentation only: the problems are the importer's error dicts {sheet, row, column, value, message, col}; nothing
here changes what is checked.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Mapping

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.models import Region
from schools.models import School

FIRST_ROWS = 5
# The importer's messages for a row of a county the uploader may not import (workbook/importer.py).
OTHER_COUNTY_BY_CODE = {"无权导入其他区县的数据", "无权新增或修改本区县以外的行政区"}
OTHER_COUNTY_BY_SCHOOL = {"该学校属于其他区县，无权导入"}


def _county_of(error: Mapping, school_county: Mapping[str, str]) -> str | None:
    message = error.get("message")
    if message in OTHER_COUNTY_BY_CODE:
        return str(error.get("value") or "")
    if message in OTHER_COUNTY_BY_SCHOOL:
        return school_county.get(str(error.get("value") or ""))
    return None


def other_county_codes(errors: Iterable[Mapping]) -> tuple[set[str], set[str]]:
    """(county codes, school codes) named by the rows of other counties: what `group` needs looked up."""
    counties, schools = set(), set()
    for error in errors:
        if error.get("message") in OTHER_COUNTY_BY_CODE:
            counties.add(str(error.get("value") or ""))
        elif error.get("message") in OTHER_COUNTY_BY_SCHOOL:
            schools.add(str(error.get("value") or ""))
    return counties, schools


def lookup(errors: list[Mapping]) -> tuple[dict[str, str], dict[str, str]]:
    """(county code → name, school code → its county's code) for the other counties' rows; two queries at most.
    Codes of counties the uploader may not see are named by code only in the sentence they read: the name of a
    county is not secret (it is on every map), a school's is not given."""
    county_codes, school_codes = other_county_codes(errors)
    school_county = (
        dict(School.objects.filter(code__in=list(school_codes)[:5000]).values_list("code", "county__code"))
        if school_codes
        else {}
    )
    codes = county_codes | set(school_county.values())
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name")) if codes else {}
    return names, school_county


def other_county_sentences(
    errors: list[Mapping], names: Mapping[str, str], school_county: Mapping[str, str]
) -> list[str]:
    """One sentence per other county: "文件中有 3628 行属于罗庄区（371311），您无权导入该区县的数据。"."""
    rows: OrderedDict[str, set] = OrderedDict()
    for error in errors:
        code = _county_of(error, school_county)
        if code is None:
            continue
        rows.setdefault(code or "", set()).add((error.get("sheet"), error.get("row")))
    sentences = []
    for code, found in rows.items():
        county = (
            _("%(name)s（%(code)s）") % {"name": names[code], "code": code}
            if code in names
            else (code or _("其他区县"))
        )
        sentences.append(
            ngettext(
                "文件中有 %(n)s 行属于%(county)s，您无权导入该区县的数据：请删去这些行，或交由该区县导入。",
                "文件中有 %(n)s 行属于%(county)s，您无权导入该区县的数据：请删去这些行，或交由该区县导入。",
                len(found),
            )
            % {"n": len(found), "county": county}
        )
    return sentences


def group(errors: list[Mapping], *, first: int = FIRST_ROWS) -> list[dict]:
    """The problems that are not another county's rows, grouped by cause (sheet, column, message), the largest
    group first: each with its count and the first `first` problems (row, value)."""
    groups: OrderedDict[tuple, dict] = OrderedDict()
    for error in errors:
        message = error.get("message")
        if message in OTHER_COUNTY_BY_CODE or message in OTHER_COUNTY_BY_SCHOOL:
            continue
        key = (error.get("sheet") or "", error.get("column") or "", message or "")
        entry = groups.get(key)
        if entry is None:
            entry = groups[key] = {
                "sheet": key[0],
                "column": key[1],
                "message": key[2],
                "count": 0,
                "first": [],
            }
        entry["count"] += 1
        if len(entry["first"]) < first:
            entry["first"].append({"row": error.get("row"), "value": error.get("value") or ""})
    ordered = sorted(groups.values(), key=lambda g: -g["count"])  # stable: file order among equal counts
    for entry in ordered:
        entry["more"] = entry["count"] - len(entry["first"])
    return ordered


def summary(errors: list[Mapping]) -> dict:
    """Everything the batch page shows about the problems of a file."""
    names, school_county = lookup(errors)
    groups = group(errors)
    return {
        "total": len(errors),
        "other_counties": other_county_sentences(errors, names, school_county),
        "groups": groups,
        "causes": len(groups),
    }
