"""The county report's shape (../shared/spec/report.md) for the OpenAPI schema of /api/v1/counties/{code}/report/.

These serializers describe the document; they do not produce it. The endpoint returns the stored report as the
engine wrote it, so a key the engine adds later reaches clients at once (the contract allows more keys) and numbers
are never re-rounded on the way out. Every object here therefore allows keys beyond those listed, and a figure
that could not be computed is null, never 0.
"""

from drf_spectacular.utils import OpenApiExample
from rest_framework import serializers


def Float(**kwargs):  # noqa: N802 - reads like the other field classes below
    return serializers.FloatField(allow_null=True, **kwargs)


VERDICTS = ["pass", "fail", "incomplete"]


def with_pass(cls):
    """Add the contract's `pass` key (a Python keyword, so it cannot be a class attribute): true, false, or null
    when the data do not allow a verdict."""
    cls._declared_fields["pass"] = serializers.BooleanField(allow_null=True)
    return cls


class CountyRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class RuleSetRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    version = serializers.IntegerField()


class IndicatorFigureSerializer(serializers.Serializer):
    mean = Float(help_text="enrolment-weighted mean over the included school-stage units")
    cv = Float(help_text="coefficient of variation (population form)")
    threshold = Float(required=False, help_text="2017 standard: the value each school must reach")
    cv_limit = Float(required=False)
    cv_pass = serializers.BooleanField(allow_null=True, required=False)
    detail = serializers.DictField(
        required=False, help_text="how the figure was reached: sd, students, formula …"
    )


class ShortfallSerializer(serializers.Serializer):
    value = Float()
    threshold = Float()
    missing = Float(help_text="what the school lacks to reach the threshold, in `unit`")
    unit = serializers.CharField()


@with_pass
class SchoolFiguresSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField(required=False)
    students = serializers.IntegerField(allow_null=True)
    values = serializers.DictField(child=Float(), help_text="indicator code → the school's value")
    met = serializers.IntegerField(help_text="how many of the seven indicators the school reaches")
    shortfalls = serializers.DictField(child=ShortfallSerializer(), required=False)


@with_pass
class Quality2017StageSerializer(serializers.Serializer):
    units = serializers.IntegerField()
    indicators = serializers.DictField(child=IndicatorFigureSerializer(), help_text="Q1 … Q7")
    composite_cv = Float()
    cv_limit = Float(required=False)
    schools = SchoolFiguresSerializer(many=True)
    schools_passing = serializers.IntegerField()


@with_pass
class ItemCheckSerializer(serializers.Serializer):
    """One item of government guarantee, quality or recognition; each item adds its own evidence keys."""

    value = Float(required=False)
    threshold = Float(required=False)
    declared = serializers.BooleanField(
        required=False, help_text="the item is declared by the county, not computed"
    )
    detail = serializers.CharField(required=False)


class VerdictSerializer(serializers.Serializer):
    resource = serializers.ChoiceField(VERDICTS)
    government = serializers.ChoiceField(VERDICTS)
    quality = serializers.ChoiceField(VERDICTS)
    recognition = serializers.ChoiceField(VERDICTS)


@with_pass
class Quality2017Serializer(serializers.Serializer):
    primary = Quality2017StageSerializer()
    junior = Quality2017StageSerializer()
    government = serializers.DictField(child=ItemCheckSerializer(), help_text="G1 … G12")
    quality = serializers.DictField(child=ItemCheckSerializer(), help_text="E1 … E9")
    recognition = serializers.DictField(child=ItemCheckSerializer(), help_text="S1")
    verdict = VerdictSerializer()
    failing_items = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False
    )


@with_pass
class Basic2012StageSerializer(serializers.Serializer):
    units = serializers.IntegerField(required=False)
    indicators = serializers.DictField(child=IndicatorFigureSerializer(), help_text="B1 … B8")
    composite_cv = Float()
    limit = Float()


class Basic2012Serializer(serializers.Serializer):
    primary = Basic2012StageSerializer()
    junior = Basic2012StageSerializer()


class ClassSizeStageSerializer(serializers.Serializer):
    classes = serializers.IntegerField()
    students = serializers.IntegerField()
    limit = serializers.IntegerField(required=False, help_text="standard class size of the stage (45 / 50)")
    over_limit = serializers.IntegerField()
    large = serializers.IntegerField(help_text="large classes (56 and more)")
    super_large = serializers.IntegerField(help_text="super-large classes (66 and more)")
    over_limit_share = Float()
    large_share = Float()
    max = serializers.IntegerField(allow_null=True)


class ClassSizeSerializer(serializers.Serializer):
    primary = ClassSizeStageSerializer()
    junior = ClassSizeStageSerializer()


class DegreeSharesSerializer(serializers.Serializer):
    urban_share = Float()
    rural_share = Float()
    ratio = Float()


@with_pass
class UrbanRuralDegreeRatioSerializer(DegreeSharesSerializer):
    target = Float()
    by_stage = serializers.DictField(child=DegreeSharesSerializer())
    alternative_grouping = DegreeSharesSerializer()
    rural_teachers_needed = serializers.IntegerField(allow_null=True)


class StaffingStageSerializer(serializers.Serializer):
    student_teacher_ratio = Float()
    staff_ratio = Float()


class StaffingSerializer(serializers.Serializer):
    primary = StaffingStageSerializer()
    junior = StaffingStageSerializer()


class CountyReportSerializer(serializers.Serializer):
    county = CountyRefSerializer()
    year = serializers.IntegerField()
    computed_at = serializers.DateTimeField(help_text="when the stored results were computed (Beijing time)")
    rule_set = RuleSetRefSerializer()
    rule_sets = RuleSetRefSerializer(many=True, required=False)
    quality_2017 = Quality2017Serializer()
    basic_2012 = Basic2012Serializer()
    class_size = ClassSizeSerializer()
    urban_rural_degree_ratio = UrbanRuralDegreeRatioSerializer()
    achievement = serializers.DictField(
        help_text="stage → subject → {inter_school_difference_rate, reference_mean, schools: [...]}"
    )
    staffing = StaffingSerializer(required=False)


def _stage_example(schools_pass: bool) -> dict:
    return {
        "units": 18,
        "indicators": {"Q1": {"mean": 5.21, "cv": 0.31, "threshold": 4.2, "cv_limit": 0.5, "cv_pass": True}},
        "composite_cv": 0.36,
        "schools": [
            {
                "code": "3713990001",
                "name": "示例第一小学",
                "students": 612,
                "values": {"Q1": 5.4, "Q4": 4.1},
                "met": 6,
                "pass": schools_pass,
                "shortfalls": {"Q4": {"value": 4.1, "threshold": 4.5, "missing": 245.0, "unit": "m²"}},
            }
        ],
        "schools_passing": 15,
        "pass": False,
    }


# The example of report.md, shortened to one indicator and one school per list.
REPORT_EXAMPLE = OpenApiExample(
    "示例县 2024",
    summary="A county report (shortened)",
    response_only=True,
    value={
        "county": {"code": "371399", "name": "示例县"},
        "year": 2024,
        "computed_at": "2026-11-22T10:00:00+08:00",
        "rule_set": {"code": "quality_2017", "version": 3},
        "quality_2017": {
            "primary": _stage_example(False),
            "junior": _stage_example(True),
            "government": {"G5": {"pass": False, "over_limit": 3}},
            "quality": {"E1": {"pass": True, "value": 96.2, "threshold": 95}},
            "recognition": {"S1": {"pass": None, "value": None, "threshold": 85}},
            "verdict": {
                "resource": "fail",
                "government": "fail",
                "quality": "incomplete",
                "recognition": "incomplete",
            },
            "pass": False,
        },
        "basic_2012": {
            "primary": {
                "indicators": {"B1": {"mean": 6.33, "cv": 0.52}},
                "composite_cv": 0.41,
                "limit": 0.65,
                "pass": True,
            },
            "junior": {
                "indicators": {"B1": {"mean": 7.1, "cv": 0.38}},
                "composite_cv": 0.33,
                "limit": 0.55,
                "pass": True,
            },
        },
        "class_size": {
            "primary": {
                "classes": 240,
                "students": 9800,
                "over_limit": 12,
                "large": 3,
                "super_large": 1,
                "over_limit_share": 0.05,
                "large_share": 0.0125,
                "max": 67,
            },
            "junior": {
                "classes": 120,
                "students": 5600,
                "over_limit": 4,
                "large": 0,
                "super_large": 0,
                "over_limit_share": 0.033,
                "large_share": 0.0,
                "max": 54,
            },
        },
        "urban_rural_degree_ratio": {
            "urban_share": 0.93,
            "rural_share": 0.86,
            "ratio": 1.081,
            "target": 1.05,
            "pass": False,
            "by_stage": {"primary": {"urban_share": 0.92, "rural_share": 0.85, "ratio": 1.082}},
            "alternative_grouping": {"urban_share": 0.91, "rural_share": 0.87, "ratio": 1.046},
            "rural_teachers_needed": 14,
        },
        "achievement": {
            "primary": {
                "数学": {
                    "inter_school_difference_rate": 0.12,
                    "reference_mean": 81.5,
                    "schools": [
                        {"code": "3713990001", "mean": 70.2, "rate_vs_urban_quality": 0.139, "pass": True}
                    ],
                }
            }
        },
        "staffing": {
            "primary": {"student_teacher_ratio": 15.2, "staff_ratio": 17.9},
            "junior": {"student_teacher_ratio": 11.8, "staff_ratio": 12.6},
        },
    },
)
