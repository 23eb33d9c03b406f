"""API representations of regions, schools and their yearly inputs.

Field names are the glossary's English names (the workbook keys); enum values are the English keys of
schools/choices.py. Serializers only validate: the viewsets hand `validated_data` to schools/services.py.
Related rows are named by their natural keys (`county_code`, `school_code`), and the choice of related rows is
scoped to what the requesting user may see, so a foreign school or county reads as "does not exist".
"""

from rest_framework import serializers

from core.models import Region
from core.scoping import scope, visible_counties

from .models import (
    Achievement,
    CountyYear,
    Funding,
    Monitoring,
    School,
    SchoolClass,
    SchoolYear,
    school_code_validator,
)

AUDIT_FIELDS = ("updated_at",)


class ScopedModelSerializer(serializers.ModelSerializer):
    """Scopes the `school_code` / `county_code` choices to the requesting user and freezes the natural key on
    update: a row is never moved to another school, year or subject by an edit. The key is the model's
    (`natural_key_fields()`) under the serializer's field names, unless `Meta.key_fields` says otherwise."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if "school_code" in self.fields and not self.fields["school_code"].read_only:
            self.fields["school_code"].queryset = scope(School.objects.all(), user)
        if "county_code" in self.fields and not self.fields["county_code"].read_only:
            self.fields["county_code"].queryset = visible_counties(user)
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            for name in self.key_names(self.fields):
                self.fields[name].read_only = True

    @classmethod
    def key_names(cls, fields) -> tuple[str, ...]:
        declared = getattr(cls.Meta, "key_fields", None)
        if declared is not None:
            return tuple(declared)
        by_source = {field.source: name for name, field in fields.items()}
        return tuple(by_source[f] for f in cls.Meta.model.natural_key_fields())

    @classmethod
    def key_sources(cls) -> tuple[str, ...]:
        """The model attribute names of the natural key, as the services take them as keyword arguments."""
        fields = cls().fields
        return tuple(fields[name].source for name in cls.key_names(fields))


def school_code_field():
    return serializers.SlugRelatedField(source="school", slug_field="code", queryset=School.objects.none())


def county_code_field():
    return serializers.SlugRelatedField(source="county", slug_field="code", queryset=Region.objects.none())


class RegionSerializer(serializers.ModelSerializer):
    parent_code = serializers.CharField(source="parent.code", read_only=True, default=None)

    class Meta:
        model = Region
        fields = ("code", "name", "level", "parent_code")
        read_only_fields = fields


class SchoolSerializer(ScopedModelSerializer):
    county_code = county_code_field()

    class Meta:
        model = School
        fields = (
            "code",
            "name",
            "county_code",
            "kind",
            "urban_rural_code",
            "ownership",
            "boarding",
            "urban_quality_reference",
            *AUDIT_FIELDS,
        )
        read_only_fields = AUDIT_FIELDS
        key_fields = ()  # a school's code can be corrected (the service refuses one taken elsewhere)
        # No UniqueValidator: its "已存在" would confirm another county's school; the service refuses a taken
        # code with a message that depends on what the user may see (schools.selectors.school_code_refusal).
        extra_kwargs = {"code": {"validators": [school_code_validator]}}


class SchoolYearSerializer(ScopedModelSerializer):
    school_code = school_code_field()

    class Meta:
        model = SchoolYear
        fields = (
            "id",
            "year",
            "school_code",
            *SchoolYear.FACT_FIELDS,
            *AUDIT_FIELDS,
        )
        read_only_fields = AUDIT_FIELDS
        validators = []  # the natural key is an upsert key, checked by the service's full_clean


class SchoolClassSerializer(ScopedModelSerializer):
    school_code = school_code_field()

    class Meta:
        model = SchoolClass
        fields = ("id", "year", "school_code", "stage", "grade", "name", "students", *AUDIT_FIELDS)
        read_only_fields = AUDIT_FIELDS
        validators = []


class FundingSerializer(ScopedModelSerializer):
    school_code = school_code_field()

    class Meta:
        model = Funding
        fields = (
            "id",
            "year",
            "school_code",
            "public_funds",
            "public_budget",
            "training_funds",
            *AUDIT_FIELDS,
        )
        read_only_fields = AUDIT_FIELDS
        validators = []


class AchievementSerializer(ScopedModelSerializer):
    school_code = school_code_field()

    class Meta:
        model = Achievement
        fields = ("id", "year", "school_code", "stage", "subject", "tested", "mean_score", *AUDIT_FIELDS)
        read_only_fields = AUDIT_FIELDS
        validators = []


class CountyYearSerializer(ScopedModelSerializer):
    county_code = county_code_field()

    class Meta:
        model = CountyYear
        fields = (
            "id",
            "year",
            "county_code",
            "teacher_pay",
            "civil_servant_pay",
            *CountyYear.PERCENT_FIELDS,
            *AUDIT_FIELDS,
        )
        read_only_fields = AUDIT_FIELDS
        validators = []


class MonitoringSerializer(ScopedModelSerializer):
    county_code = county_code_field()

    class Meta:
        model = Monitoring
        fields = ("id", "year", "county_code", "stage", "subject", "level", "difference_rate", *AUDIT_FIELDS)
        read_only_fields = AUDIT_FIELDS
        validators = []
