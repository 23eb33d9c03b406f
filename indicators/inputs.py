"""Reading the engine's inputs: one county's (or a batch of counties') data of a year, aggregated in the database
(one GROUP BY per source, never a loop over model instances) into `formulas.CountyData`, and the rule sets a
recompute uses. Nothing here is shown to users; callers that serve users scope county ids through core.scoping.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models import Max

from core.choices import RegionLevel
from core.models import Region
from schools.choices import BackboneLevel, Degree, Title
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

from . import rules
from .formulas import CountyData
from .models import RuleSet

SCHOOL_YEAR_FIELDS = SchoolYear.FACT_FIELDS
ASSOCIATE_PLUS = [Degree.POSTGRADUATE, Degree.BACHELOR, Degree.ASSOCIATE]
BACHELOR_PLUS = [Degree.POSTGRADUATE, Degree.BACHELOR]
BACKBONE = [BackboneLevel.COUNTY, BackboneLevel.CITY, BackboneLevel.PROVINCE, BackboneLevel.NATIONAL]
MID_TITLE = [Title.FIRST, Title.SENIOR, Title.SENIOR_PROFESSOR]
PE_ART = ["体育", "音乐", "美术", "艺术"]


def _float(value):
    return None if value is None else float(value)


# ---------------------------------------------------------------- rule sets


def current_rule_set(code: str) -> RuleSet:
    """The latest version of a standard's rule set (seeded as version 1 by migration)."""
    rule_set = RuleSet.objects.filter(code=code).order_by("-version").first()
    if rule_set is None:  # a database created without the data migration (should not happen)
        rule_set = RuleSet.objects.create(
            code=code, version=1, name=rules.NAMES[code], params=rules.default_params(code)
        )
    return rule_set


def _rule_set_from_row(row) -> RuleSet:
    pk, code, version, name, params = row
    rule_set = RuleSet(pk=pk, code=code, version=version, name=name)
    rule_set.params = json.loads(params) if isinstance(params, (str, bytes)) else params
    rule_set._state.adding, rule_set._state.db = False, connection.alias
    return rule_set


def recompute_context(
    county_id: int, *, latest_year: bool = False
) -> tuple[tuple[int, str, str], RuleSet, RuleSet, int | None]:
    """What one county's recompute needs before reading its inputs, in one plain-SQL round trip: the county's
    (id, code, name), the latest version of both rule sets (read afresh every time, so a revision is used by the
    very next recompute) and, with latest_year, the county's latest year of school data (as latest_data_year;
    otherwise None). Raises Region.DoesNotExist when county_id is not a county."""
    region, rule_set = _table(Region), _table(RuleSet)
    year = "NULL"
    if latest_year:
        schools = f"SELECT s.id FROM {_table(School)} s WHERE s.county_id = r.id"
        if (
            connection.vendor == "postgresql"
        ):  # through the (school, year) index, not a scan of every school-year
            schools = f"ARRAY({schools})"
            year = f"(SELECT MAX(y.year) FROM {_table(SchoolYear)} y WHERE y.school_id = ANY({schools}))"
        else:
            year = f"(SELECT MAX(y.year) FROM {_table(SchoolYear)} y WHERE y.school_id IN ({schools}))"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT r.id, r.code, r.name, {year}, rs.id, rs.code, rs.version, rs.name, rs.params FROM {region} r "
            f"LEFT JOIN {rule_set} rs ON rs.code IN (%s, %s) AND rs.version = "
            f"(SELECT MAX(v.version) FROM {rule_set} v WHERE v.code = rs.code) "
            "WHERE r.id = %s AND r.level = %s",
            [rules.QUALITY_2017, rules.BASIC_2012, county_id, RegionLevel.COUNTY.value],
        )
        rows = cursor.fetchall()
    if not rows:
        Region.objects.get(pk=county_id, level=RegionLevel.COUNTY)  # raises DoesNotExist, as the ORM words it
    by_code = {r[5]: _rule_set_from_row(r[4:]) for r in rows if r[4] is not None}
    quality = by_code.get(rules.QUALITY_2017) or current_rule_set(rules.QUALITY_2017)
    basic = by_code.get(rules.BASIC_2012) or current_rule_set(rules.BASIC_2012)
    return rows[0][:3], quality, basic, rows[0][3]


def latest_data_year(county_id: int) -> int | None:
    return SchoolYear.objects.filter(school__county_id=county_id).aggregate(y=Max("year"))["y"]


def latest_data_years(county_ids: Iterable[int]) -> dict[int, int]:
    """Each county's latest year of school data (counties without any are left out)."""
    rows = (
        SchoolYear.objects.filter(school__county_id__in=list(county_ids))
        .values_list("school__county_id")
        .annotate(y=Max("year"))
        .order_by()
    )
    return dict(rows)


TEACHER_COUNTS = (
    "full_time",
    "all_staff",
    "associate_plus",
    "bachelor_plus",
    "backbone",
    "pe_art",
    "mid_title",
    "certified",
    "certified_reported",
    "trained",
    "training_reported",
    "rotation_eligible",
    "rotated",
    "rotated_backbone",
)
CLASS_COUNTS = ("classes", "students", "max", "over_limit", "large", "super_large")


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _in(values) -> tuple[str, list]:
    values = list(values)
    return "(" + ", ".join(["%s"] * len(values)) + ")", values


def _count_if(condition: str) -> str:
    if connection.features.supports_aggregate_filter_clause:
        return f"COUNT(*) FILTER (WHERE {condition})"
    return f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END)"


def _teacher_sql(counties: str) -> tuple[str, int]:
    """Teachers GROUP BY school and stage with the 14 conditional counts of TEACHER_COUNTS (spec §teachers)."""
    ft = "t.full_time"
    associate, bachelor, backbone = _in(ASSOCIATE_PLUS)[0], _in(BACHELOR_PLUS)[0], _in(BACKBONE)[0]
    conditions = [
        ft,
        None,
        f"{ft} AND t.degree IN {associate}",
        f"{ft} AND t.degree IN {bachelor}",
        f"{ft} AND t.backbone_level IN {backbone}",
        f"{ft} AND t.subject IN {_in(PE_ART)[0]}",
        f"{ft} AND t.title IN {_in(MID_TITLE)[0]}",
        f"{ft} AND t.certified",
        f"{ft} AND t.certified IS NOT NULL",
        f"{ft} AND t.training_hours >= %s",
        f"{ft} AND t.training_hours IS NOT NULL",
        f"{ft} AND t.rotation_eligible",
        f"{ft} AND t.rotated",
        f"{ft} AND t.rotated AND t.backbone_level IN {backbone}",
    ]
    counts = ", ".join("COUNT(*)" if c is None else _count_if(c) for c in conditions)
    return (
        f"SELECT s.county_id, s.code, t.stage, {counts} FROM {_table(Teacher)} t "
        f"JOIN {_table(School)} s ON s.id = t.school_id "
        f"WHERE s.county_id IN {counties} AND t.year = %s GROUP BY s.county_id, s.code, t.stage"
    )


def _teacher_params(params: dict[str, Any]) -> list:
    codes = [*ASSOCIATE_PLUS, *BACHELOR_PLUS, *BACKBONE, *PE_ART, *MID_TITLE]
    return [*(str(c) for c in codes), params["training_hours"], *(str(c) for c in BACKBONE)]


def counties_inputs(
    county_ids: Iterable[int],
    year: int,
    params: dict[str, Any],
    *,
    regions: Iterable[tuple[int, str, str]] | None = None,
) -> dict[int, CountyData]:
    """Every input of these counties for one year, aggregated in the database: one query per source for all the
    counties (GROUP BY county, school, stage), split per county in memory. Counties without a school-year row
    still get a CountyData (with no schools). regions: the counties' (id, code, name) when the caller has
    already read them (then county_ids is ignored)."""
    if regions is None:
        regions = Region.objects.filter(pk__in=list(county_ids)).values_list("pk", "code", "name")
    counties = {r[0]: CountyData(county_code=r[1], county_name=r[2], year=year, schools=[]) for r in regions}
    if not counties:
        return {}
    ids, ids_params = _in(counties)
    school, sy = _table(School), _table(SchoolYear)
    with connection.cursor() as cursor:

        def rows(sql: str, extra_before: list | None = None, extra_after: list | None = None):
            cursor.execute(sql, [*(extra_before or []), *ids_params, year, *(extra_after or [])])
            return cursor.fetchall()

        # One county on PostgreSQL: the one-row-per-school tables are read through their (school, year) index
        # for the county's schools; the planner's default (a hash join over the whole table, right for a batch)
        # reads every school of the database.
        by_school, by_school_params = "", []
        if connection.vendor == "postgresql" and len(counties) == 1:
            by_school = f" AND {{}}.school_id = ANY(ARRAY(SELECT id FROM {school} WHERE county_id IN {ids}))"
            by_school_params = ids_params
        school_columns = ", ".join(f"y.{c}" for c in SCHOOL_YEAR_FIELDS)
        for r in rows(
            f"SELECT s.county_id, s.id, s.code, s.name, s.kind, s.urban_rural_code, s.ownership, s.boarding, "
            f"s.urban_quality_reference, {school_columns} FROM {sy} y JOIN {school} s ON s.id = y.school_id "
            f"WHERE s.county_id IN {ids} AND y.year = %s{by_school.format('y')} ORDER BY s.code",
            extra_after=by_school_params,
        ):
            item = dict(zip(_SCHOOL_KEYS, r[1:], strict=True))
            for key in _DECIMAL_SCHOOL_FIELDS:
                item[key] = _float(item[key])
            item["boarding"], item["urban_quality_reference"] = (
                bool(item["boarding"]),
                bool(item["urban_quality_reference"]),
            )
            counties[r[0]].schools.append(item)

        for r in rows(_teacher_sql(ids), extra_before=_teacher_params(params)):
            counties[r[0]].teachers[(r[1], r[2])] = dict(zip(TEACHER_COUNTS, r[3:], strict=True))

        limits = params["class_limits"]
        over = "((c.stage = 'primary' AND c.students > %s) OR (c.stage = 'junior' AND c.students > %s))"
        klass = _table(SchoolClass)
        for r in rows(
            f"SELECT s.county_id, s.code, c.stage, COUNT(*), SUM(c.students), MAX(c.students), {_count_if(over)}, "
            f"{_count_if('c.students >= %s')}, {_count_if('c.students >= %s')} FROM {klass} c "
            f"JOIN {school} s ON s.id = c.school_id WHERE s.county_id IN {ids} AND c.year = %s "
            "GROUP BY s.county_id, s.code, c.stage",
            extra_before=[
                limits["primary"],
                limits["junior"],
                params["large_class"],
                params["super_large_class"],
            ],
        ):
            counties[r[0]].classes[(r[1], r[2])] = dict(zip(CLASS_COUNTS, r[3:], strict=True))

        for r in rows(
            f"SELECT s.county_id, s.code, c.stage, c.name, c.students FROM {klass} c "
            f"JOIN {school} s ON s.id = c.school_id WHERE s.county_id IN {ids} AND c.year = %s AND {over} "
            "ORDER BY s.code, c.grade, c.name",
            extra_after=[limits["primary"], limits["junior"]],
        ):
            counties[r[0]].offending_classes.append(
                {"school_code": r[1], "stage": r[2], "name": r[3], "students": r[4]}
            )

        for r in rows(
            f"SELECT s.county_id, s.code, f.public_funds, f.public_budget, f.training_funds "
            f"FROM {_table(Funding)} f JOIN {school} s ON s.id = f.school_id "
            f"WHERE s.county_id IN {ids} AND f.year = %s{by_school.format('f')}",
            extra_after=by_school_params,
        ):
            counties[r[0]].funding[r[1]] = {
                "public_funds": _float(r[2]),
                "public_budget": _float(r[3]),
                "training_funds": _float(r[4]),
            }

        for r in rows(
            f"SELECT s.county_id, s.code, a.stage, a.subject, a.tested, a.mean_score "
            f"FROM {_table(Achievement)} a JOIN {school} s ON s.id = a.school_id "
            f"WHERE s.county_id IN {ids} AND a.year = %s ORDER BY s.code, a.stage, a.subject"
        ):
            counties[r[0]].achievement.append(
                {
                    "school_code": r[1],
                    "stage": r[2],
                    "subject": r[3],
                    "tested": r[4],
                    "mean_score": float(r[5]),
                }
            )

        county_fields = ("teacher_pay", "civil_servant_pay", *CountyYear.PERCENT_FIELDS)
        for r in rows(
            f"SELECT county_id, {', '.join(county_fields)} FROM {_table(CountyYear)} "
            f"WHERE county_id IN {ids} AND year = %s"
        ):
            counties[r[0]].county_year = {k: _float(v) for k, v in zip(county_fields, r[1:], strict=True)}
        for r in rows(
            f"SELECT county_id, stage, subject, level, difference_rate FROM {_table(Monitoring)} "
            f"WHERE county_id IN {ids} AND year = %s ORDER BY county_id, stage, subject"
        ):
            counties[r[0]].monitoring.append(
                {"stage": r[1], "subject": r[2], "level": r[3], "difference_rate": float(r[4])}
            )
        for county_id, code, met in rows(
            f"SELECT county_id, item_code, met FROM {_table(Declaration)} WHERE county_id IN {ids} AND year = %s"
        ):
            counties[county_id].declarations[code] = None if met is None else bool(met)
    return counties


_SCHOOL_KEYS = (
    "id",
    "code",
    "name",
    "kind",
    "urban_rural_code",
    "ownership",
    "boarding",
    "urban_quality_reference",
    *SCHOOL_YEAR_FIELDS,
)
_DECIMAL_SCHOOL_FIELDS = tuple(k for k in SCHOOL_YEAR_FIELDS if k.endswith(("area", "value")))


def county_inputs(county: Region | tuple[int, str, str], year: int, params: dict[str, Any]) -> CountyData:
    """Every input of one county and year, aggregated in the database (see counties_inputs). county: the Region,
    or its (id, code, name)."""
    row = county if isinstance(county, tuple) else (county.pk, county.code, county.name)
    return counties_inputs([row[0]], year, params, regions=[row])[row[0]]


# ---------------------------------------------------------------- stored results
