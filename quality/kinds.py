"""What a validation rule can check: one `Kind` per kind of rule, each a query over a whole county-year.

A kind knows its parameters (names, types, bounds, defaults: `ParamSpec`), how to find the offending records of
a county-year in the database (`find`: a constant number of queries — one per rule, two for the z-score — however
many schools the county has) and how to say what is wrong in a sentence of the reader's language (`describe`).
`school_ids` narrows a check to some schools: the warnings shown next to a form use the same definitions.

To add a kind: write a subclass below, add it to KINDS, and seed or create a rule of that kind (docs/quality.md).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import (
    Avg,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Abs, Cast, Coalesce, NullIf, Substr
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.choices import RegionLevel
from core.models import Region
from schools.models import School, SchoolClass, SchoolYear
from teachers.models import Teacher


@dataclass
class Finding:
    """One offending record. model: "school" | "school_year" | "school_class" | "teacher"."""

    school_id: int | None
    model: str
    object_id: int | None
    field: str
    label: str
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ParamSpec:
    name: str
    label: Any
    type: type  # int, float, list (of measure names)
    default: Any
    minimum: float | None = None
    maximum: float | None = None
    optional: bool = False  # None allowed (e.g. no upper bound)


# ------------------------------------------------------------------------------------------------ measures
# A school-year's figures the outlier checks compare. Per-pupil measures divide by the whole enrolment (小学 +
# 初中 + 高中), so schools of different sizes compare.


def _enrolment(prefix: str = ""):
    return (
        Coalesce(F(f"{prefix}primary_students"), 0)
        + Coalesce(F(f"{prefix}junior_students"), 0)
        + Coalesce(F(f"{prefix}senior_students"), 0)
    )


def _as_float(expression):
    return Cast(expression, FloatField())


@dataclass(frozen=True)
class Measure:
    label: Any
    unit: Any
    field_name: str | None  # a SchoolYear field; None: the enrolment
    per: float | None = (
        None  # per `per` pupils (1 = per pupil, 100 = per hundred pupils); None: the raw figure
    )

    def expression(self, prefix: str = ""):
        value = (
            _as_float(_enrolment(prefix))
            if self.field_name is None
            else _as_float(F(prefix + self.field_name))
        )
        if self.per is None:
            return value
        return value * Value(self.per) / NullIf(_as_float(_enrolment(prefix)), Value(0.0))


MEASURES: dict[str, Measure] = {
    "enrolment": Measure(gettext_lazy("在校生数"), gettext_lazy("人"), None),
    "boarders": Measure(gettext_lazy("寄宿生数"), gettext_lazy("人"), "boarders"),
    "staff": Measure(gettext_lazy("教职工数"), gettext_lazy("人"), "staff"),
    "teaching_area": Measure(gettext_lazy("教学及辅助用房面积"), "m²", "teaching_area"),
    "sports_ground_area": Measure(gettext_lazy("运动场地面积"), "m²", "sports_ground_area"),
    "equipment_value": Measure(gettext_lazy("教学仪器设备值"), gettext_lazy("元"), "equipment_value"),
    "multimedia_rooms": Measure(gettext_lazy("网络多媒体教室数"), gettext_lazy("间"), "multimedia_rooms"),
    "computers": Measure(gettext_lazy("计算机台数"), gettext_lazy("台"), "computers"),
    "books": Measure(gettext_lazy("图书册数"), gettext_lazy("册"), "books"),
    "teaching_area_per_pupil": Measure(gettext_lazy("生均教学及辅助用房面积"), "m²", "teaching_area", 1),
    "sports_ground_area_per_pupil": Measure(gettext_lazy("生均运动场地面积"), "m²", "sports_ground_area", 1),
    "equipment_value_per_pupil": Measure(
        gettext_lazy("生均教学仪器设备值"), gettext_lazy("元"), "equipment_value", 1
    ),
    "books_per_pupil": Measure(gettext_lazy("生均图书册数"), gettext_lazy("册"), "books", 1),
    "computers_per_100": Measure(gettext_lazy("每百名学生计算机台数"), gettext_lazy("台"), "computers", 100),
    "staff_per_100": Measure(gettext_lazy("每百名学生教职工数"), gettext_lazy("人"), "staff", 100),
}


def _number(value: float | None) -> str:
    if value is None:
        return "—"
    if abs(value - round(value)) < 1e-9:
        return f"{round(value):,}"
    return f"{value:,.2f}" if abs(value) >= 10 else f"{value:.3f}"


# ------------------------------------------------------------------------------------------------ kinds


class Kind:
    code = ""
    label: Any = ""
    params: tuple[ParamSpec, ...] = ()
    # The data-entry pages on which a finding of this kind is shown as a warning.
    pages: tuple[str, ...] = ()

    def find(self, params: dict, county_id: int, year: int, school_ids=None) -> list[Finding]:
        raise NotImplementedError

    def describe(self, values: dict) -> str:
        raise NotImplementedError

    def clean_params(self, raw: Any) -> dict:
        """The rule's parameters checked against this kind's spec: defaults filled in, Chinese messages."""
        if raw in (None, ""):
            raw = {}
        if not isinstance(raw, dict):
            raise ValidationError(_('参数应为 JSON 对象，例如 {"min_students": 56}'))
        known = {spec.name for spec in self.params}
        unknown = sorted(set(raw) - known)
        if unknown:
            raise ValidationError(
                _("未知参数：%(names)s。可用参数：%(known)s")
                % {"names": "、".join(unknown), "known": "、".join(sorted(known)) or "—"}
            )
        cleaned: dict[str, Any] = {}
        for spec in self.params:
            value = raw.get(spec.name, spec.default)
            cleaned[spec.name] = _clean_value(spec, value)
        return cleaned

    def school_filter(self, queryset, school_ids, path: str = "school_id"):
        return queryset if school_ids is None else queryset.filter(**{f"{path}__in": list(school_ids)})


def _clean_value(spec: ParamSpec, value: Any) -> Any:
    name = f"{spec.name}（{spec.label}）"
    if value is None:
        if spec.optional:
            return None
        raise ValidationError(_("参数 %(name)s 不能为空") % {"name": name})
    if spec.type is list:
        if not isinstance(value, list) or not value:
            raise ValidationError(_("参数 %(name)s 应为非空列表") % {"name": name})
        bad = [str(v) for v in value if v not in MEASURES]
        if bad:
            raise ValidationError(
                _("参数 %(name)s 中的 %(bad)s 不是可比较的数据项；可用：%(known)s")
                % {"name": name, "bad": "、".join(bad), "known": "、".join(MEASURES)}
            )
        return list(dict.fromkeys(value))
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError(_("参数 %(name)s 应为数字") % {"name": name})
    if spec.type is int and float(value) != int(value):
        raise ValidationError(_("参数 %(name)s 应为整数") % {"name": name})
    value = spec.type(value)
    if spec.minimum is not None and value < spec.minimum:
        raise ValidationError(
            _("参数 %(name)s 不能小于 %(min)s") % {"name": name, "min": _number(spec.minimum)}
        )
    if spec.maximum is not None and value > spec.maximum:
        raise ValidationError(
            _("参数 %(name)s 不能大于 %(max)s") % {"name": name, "max": _number(spec.maximum)}
        )
    return value


def _school_label(name: str, code: str) -> str:
    return f"{name}（{code}）"


class ClassSize(Kind):
    """Classes whose pupils fall in a band: 大班额 56–65, 超大班额 66 and more (国发〔2016〕40号)."""

    code = "class_size"
    label = gettext_lazy("班额区间")
    params = (
        ParamSpec("min_students", gettext_lazy("班额下限（含）"), int, 56, minimum=1),
        ParamSpec(
            "max_students", gettext_lazy("班额上限（含，空为不限）"), int, None, minimum=1, optional=True
        ),
    )
    pages = ("classes",)

    def find(self, params, county_id, year, school_ids=None):
        rows = SchoolClass.objects.filter(
            school__county_id=county_id, year=year, students__gte=params["min_students"]
        )
        if params.get("max_students") is not None:
            rows = rows.filter(students__lte=params["max_students"])
        rows = self.school_filter(rows, school_ids).order_by("school__code", "grade", "name")
        return [
            Finding(
                row["school_id"],
                "school_class",
                row["pk"],
                "students",
                f"{_school_label(row['school__name'], row['school__code'])} {row['name']}",
                {
                    "students": row["students"],
                    "min": params["min_students"],
                    "max": params.get("max_students"),
                    "class": row["name"],
                },
            )
            for row in rows.values("pk", "school_id", "school__code", "school__name", "name", "students")
        ]

    def describe(self, values):
        if values.get("max") is not None:
            return _("班级 %(class)s 有 %(students)s 名学生，在 %(min)s–%(max)s 人之间") % values
        return _("班级 %(class)s 有 %(students)s 名学生，达到 %(min)s 人及以上") % values


class BoardersWithinEnrolment(Kind):
    code = "boarders_within_enrolment"
    label = gettext_lazy("寄宿生数不超过在校生数")
    params = (ParamSpec("tolerance_pupils", gettext_lazy("允许超出的人数"), int, 0, minimum=0),)
    pages = ("school_year",)

    def find(self, params, county_id, year, school_ids=None):
        rows = (
            SchoolYear.objects.filter(school__county_id=county_id, year=year, boarders__isnull=False)
            .filter(
                Q(primary_students__isnull=False)
                | Q(junior_students__isnull=False)
                | Q(senior_students__isnull=False)
            )
            .annotate(enrolment=ExpressionWrapper(_enrolment(), output_field=IntegerField()))
            .filter(boarders__gt=F("enrolment") + params["tolerance_pupils"])
        )
        rows = self.school_filter(rows, school_ids).order_by("school__code")
        return _school_year_findings(rows, "boarders", "boarders", "enrolment")

    def describe(self, values):
        return _("寄宿生 %(boarders)s 人，多于在校生 %(enrolment)s 人") % values


def _school_year_findings(rows, field_name: str, *values: str) -> list[Finding]:
    """One finding per school-year row of `rows` (a queryset), on `field_name`, with the named values."""
    return [
        Finding(
            row["school_id"],
            "school_year",
            row["pk"],
            field_name,
            _school_label(row["school__name"], row["school__code"]),
            {name: row[name] for name in values},
        )
        for row in rows.values("pk", "school_id", "school__code", "school__name", *values)
    ]


def _class_sum(stage: str):
    classes = (
        SchoolClass.objects.filter(school_id=OuterRef("school_id"), year=OuterRef("year"), stage=stage)
        .order_by()
        .values("school_id")
        .annotate(total=Sum("students"))
        .values("total")
    )
    return Subquery(classes, output_field=IntegerField())


class ClassesMatchEnrolment(Kind):
    """The pupils of a school's classes, per stage, against the school-year's enrolment of that stage. Checked
    only for schools that reported classes that year (no class rows = the class sheet was not filled in)."""

    code = "classes_match_enrolment"
    label = gettext_lazy("班级学生数与在校生数一致")
    params = (
        ParamSpec("tolerance_pupils", gettext_lazy("允许相差的人数"), int, 3, minimum=0),
        ParamSpec(
            "tolerance_share", gettext_lazy("允许相差的比例（0–1）"), float, 0.02, minimum=0, maximum=1
        ),
    )
    pages = ("school_year", "classes")

    def find(self, params, county_id, year, school_ids=None):
        any_class = SchoolClass.objects.filter(school_id=OuterRef("school_id"), year=OuterRef("year"))
        rows = (
            SchoolYear.objects.filter(school__county_id=county_id, year=year)
            .filter(Exists(any_class))
            .annotate(primary_classes=Coalesce(_class_sum("primary"), 0))
            .annotate(junior_classes=Coalesce(_class_sum("junior"), 0))
        )
        mismatch = Q()
        for stage in ("primary", "junior"):
            enrolled = Coalesce(F(f"{stage}_students"), 0)
            gap = Abs(F(f"{stage}_classes") - enrolled)
            allowed = _as_float(enrolled) * Value(params["tolerance_share"])
            rows = rows.annotate(
                **{
                    f"{stage}_gap": ExpressionWrapper(gap, output_field=IntegerField()),
                    f"{stage}_allowed": ExpressionWrapper(allowed, output_field=FloatField()),
                }
            )
            mismatch |= Q(**{f"{stage}_gap__gt": params["tolerance_pupils"]}) & Q(
                **{f"{stage}_gap__gt": F(f"{stage}_allowed")}
            )
        rows = self.school_filter(rows.filter(mismatch), school_ids).order_by("school__code")
        findings = []
        for row in rows.values(
            "pk", "school_id", "school__code", "school__name", "primary_students", "junior_students",
            "primary_classes", "junior_classes", "primary_gap", "primary_allowed", "junior_gap", "junior_allowed",
        ):  # fmt: skip
            for stage in ("primary", "junior"):
                gap = row[f"{stage}_gap"]
                if gap > params["tolerance_pupils"] and gap > row[f"{stage}_allowed"]:
                    findings.append(
                        Finding(
                            row["school_id"],
                            "school_year",
                            row["pk"],
                            f"{stage}_students",
                            _school_label(row["school__name"], row["school__code"]),
                            {
                                "stage": stage,
                                "classes": row[f"{stage}_classes"],
                                "enrolment": row[f"{stage}_students"] or 0,
                            },
                        )
                    )
        return findings

    def describe(self, values):
        stage = _("小学") if values["stage"] == "primary" else _("初中")
        return _("%(stage)s各班学生合计 %(classes)s 人，与%(stage)s在校生数 %(enrolment)s 人不一致") % {
            **values,
            "stage": stage,
        }


class TeachersWithinStaff(Kind):
    """The roster of a school-year (every row: 专任教师 and other staff) against its reported 教职工数."""

    code = "teachers_within_staff"
    label = gettext_lazy("教师名册人数不超过教职工数")
    params = (ParamSpec("tolerance_pupils", gettext_lazy("允许超出的人数"), int, 0, minimum=0),)
    pages = ("school_year", "teachers")

    def find(self, params, county_id, year, school_ids=None):
        roster = (
            Teacher.objects.filter(school_id=OuterRef("school_id"), year=OuterRef("year"))
            .order_by()
            .values("school_id")
            .annotate(n=Count("pk"))
            .values("n")
        )
        rows = (
            SchoolYear.objects.filter(school__county_id=county_id, year=year, staff__isnull=False)
            .annotate(roster=Coalesce(Subquery(roster, output_field=IntegerField()), 0))
            .filter(roster__gt=F("staff") + params["tolerance_pupils"])
        )
        rows = self.school_filter(rows, school_ids).order_by("school__code")
        return _school_year_findings(rows, "staff", "roster", "staff")

    def describe(self, values):
        return _("教师名册有 %(roster)s 人，多于填报的教职工数 %(staff)s 人") % values


class SchoolCodePrefix(Kind):
    """A school whose code begins with another county's 行政区划代码 (the school may belong to that county)."""

    code = "school_code_prefix"
    label = gettext_lazy("学校标识码与所属区县一致")
    params = (ParamSpec("prefix_length", gettext_lazy("比较的前几位"), int, 6, minimum=2, maximum=10),)
    pages = ("school",)

    def find(self, params, county_id, year, school_ids=None):
        length = params["prefix_length"]
        other_counties = Region.objects.filter(level=RegionLevel.COUNTY).exclude(pk=county_id)
        rows = (
            School.objects.filter(county_id=county_id)
            .annotate(prefix=Substr("code", 1, length))
            .filter(prefix__in=Subquery(other_counties.annotate(p=Substr("code", 1, length)).values("p")))
        )
        rows = self.school_filter(rows, school_ids, "pk").order_by("code")
        return [
            Finding(
                row["pk"],
                "school",
                row["pk"],
                "code",
                _school_label(row["name"], row["code"]),
                {"code": row["code"], "prefix": row["prefix"]},
            )
            for row in rows.values("pk", "code", "name", "prefix")
        ]

    def describe(self, values):
        return (
            _("学校标识码 %(code)s 的前几位 %(prefix)s 是另一区县的行政区划代码，请核对学校所属区县") % values
        )


def _measure_params(default_measures: list[str]) -> ParamSpec:
    return ParamSpec("measures", gettext_lazy("比较的数据项"), list, default_measures)


class ChangeFromLastYear(Kind):
    """A school's figure against its own previous year: flagged when it changed by more than max_change (a share)
    of last year's value, for last-year values of at least min_base."""

    code = "change_from_last_year"
    label = gettext_lazy("与上年相比变化过大")
    params = (
        _measure_params(["enrolment", "staff", "teaching_area", "equipment_value", "books", "computers"]),
        ParamSpec("max_change", gettext_lazy("允许的变化比例（0.5 = ±50%）"), float, 0.5, minimum=0),
        ParamSpec("min_base", gettext_lazy("上年数值至少为"), float, 20, minimum=0),
    )
    pages = ("school_year",)

    def find(self, params, county_id, year, school_ids=None):
        # The school joined to its two years (two LEFT JOINs on the (school, year) key): one pass over the county.
        measures = params["measures"]
        rows = (
            School.objects.filter(county_id=county_id)
            .annotate(
                now=FilteredRelation("years", condition=Q(years__year=year)),
                last=FilteredRelation("years", condition=Q(years__year=year - 1)),
            )
            .filter(now__id__isnull=False, last__id__isnull=False)
        )
        flagged = Q()
        for name in measures:
            measure = MEASURES[name]
            rows = rows.annotate(
                **{f"now_{name}": measure.expression("now__"), f"last_{name}": measure.expression("last__")}
            )
            rows = rows.annotate(
                **{
                    f"change_{name}": Abs(F(f"now_{name}") - F(f"last_{name}"))
                    / NullIf(F(f"last_{name}"), Value(0.0))
                }
            )
            flagged |= Q(
                **{f"last_{name}__gte": params["min_base"], f"change_{name}__gt": params["max_change"]}
            )
        rows = self.school_filter(rows.filter(flagged), school_ids, "pk").order_by("code")
        rows = rows.annotate(school_year_id=F("now__id"))
        fields = ["pk", "school_year_id", "code", "name"]
        for name in measures:
            fields += [f"now_{name}", f"last_{name}"]
        findings = []
        for row in rows.values(*fields):
            for name in measures:
                now, before = row[f"now_{name}"], row[f"last_{name}"]
                if now is None or before is None or before < params["min_base"] or before == 0:
                    continue
                if abs(now - before) / before > params["max_change"]:
                    findings.append(
                        Finding(
                            row["pk"],
                            "school_year",
                            row["school_year_id"],
                            _form_field(name),
                            _school_label(row["name"], row["code"]),
                            {"measure": name, "now": now, "last": before, "year": year},
                        )
                    )
        return findings

    def describe(self, values):
        measure = MEASURES.get(values["measure"])
        return _("%(measure)s %(now)s，上年 %(last)s（变化 %(change)s）") % {
            "measure": measure.label if measure else values["measure"],
            "now": _number(values["now"]),
            "last": _number(values["last"]),
            "change": f"{(values['now'] - values['last']) / values['last']:+.0%}",
        }


class CountyZScore(Kind):
    """A school's figure against the county's schools that year: |z| = |value − county mean| ÷ standard deviation
    (population) above z_max, when at least min_schools schools report the figure. Two queries per rule: the
    county's means and deviations, then the schools beyond them."""

    code = "county_zscore"
    label = gettext_lazy("与全县学校相比异常（z 分数）")
    params = (
        _measure_params(
            [
                "teaching_area_per_pupil",
                "sports_ground_area_per_pupil",
                "equipment_value_per_pupil",
                "books_per_pupil",
                "computers_per_100",
                "staff_per_100",
            ]
        ),
        ParamSpec("z_max", gettext_lazy("z 分数上限"), float, 3.0, minimum=0.5),
        ParamSpec("min_schools", gettext_lazy("至少几所学校才比较"), int, 10, minimum=3),
    )
    pages = ("school_year",)

    def find(self, params, county_id, year, school_ids=None):
        measures = params["measures"]
        base = SchoolYear.objects.filter(school__county_id=county_id, year=year)
        annotated = base.annotate(**{f"v_{name}": MEASURES[name].expression() for name in measures})
        stats_spec = {}
        for name in measures:
            stats_spec[f"mean_{name}"] = Avg(f"v_{name}")
            # E[x²] − E[x]²: portable (SQLite's STDDEV_POP fails on a column of NULLs)
            stats_spec[f"sq_{name}"] = Avg(F(f"v_{name}") * F(f"v_{name}"))
            stats_spec[f"n_{name}"] = Count(f"v_{name}")
        stats = annotated.aggregate(**stats_spec)
        for name in measures:
            mean, square = stats[f"mean_{name}"], stats[f"sq_{name}"]
            stats[f"sd_{name}"] = (
                math.sqrt(max(0.0, square - mean * mean)) if mean is not None and square is not None else None
            )
        flagged = Q()
        usable = []
        for name in measures:
            mean, sd, n = stats[f"mean_{name}"], stats[f"sd_{name}"], stats[f"n_{name}"]
            if n < params["min_schools"] or mean is None or not sd or sd <= 1e-9 * max(1.0, abs(mean)):
                continue
            usable.append(name)
            reach = params["z_max"] * sd
            flagged |= Q(**{f"v_{name}__gt": mean + reach}) | Q(**{f"v_{name}__lt": mean - reach})
        if not usable:
            return []
        rows = self.school_filter(annotated.filter(flagged), school_ids).order_by("school__code")
        findings = []
        for row in rows.values(
            "pk", "school_id", "school__code", "school__name", *[f"v_{n}" for n in usable]
        ):
            for name in usable:
                value = row[f"v_{name}"]
                if value is None:
                    continue
                z = (value - stats[f"mean_{name}"]) / stats[f"sd_{name}"]
                if abs(z) > params["z_max"]:
                    findings.append(
                        Finding(
                            row["school_id"],
                            "school_year",
                            row["pk"],
                            _form_field(name),
                            _school_label(row["school__name"], row["school__code"]),
                            {
                                "measure": name,
                                "value": value,
                                "mean": stats[f"mean_{name}"],
                                "z": round(z, 2),
                            },
                        )
                    )
        return findings

    def describe(self, values):
        measure = MEASURES.get(values["measure"])
        return _("%(measure)s %(value)s，全县学校平均 %(mean)s，z 分数 %(z)s") % {
            "measure": measure.label if measure else values["measure"],
            "value": _number(values["value"]),
            "mean": _number(values["mean"]),
            "z": f"{values['z']:+.2f}",
        }


def _form_field(measure_name: str) -> str:
    """The school-year form's field a measure is shown next to."""
    measure = MEASURES[measure_name]
    return measure.field_name or "primary_students"


KINDS: dict[str, Kind] = {
    kind.code: kind
    for kind in (
        ClassSize(),
        BoardersWithinEnrolment(),
        ClassesMatchEnrolment(),
        TeachersWithinStaff(),
        SchoolCodePrefix(),
        ChangeFromLastYear(),
        CountyZScore(),
    )
}

KIND_CHOICES = [(code, kind.label) for code, kind in KINDS.items()]
