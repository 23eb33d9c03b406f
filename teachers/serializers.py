"""API representation of the yearly teacher roster. Field names and enum keys follow the glossary."""

from schools.serializers import AUDIT_FIELDS, ScopedModelSerializer, school_code_field

from .models import Teacher


class TeacherSerializer(ScopedModelSerializer):
    school_code = school_code_field()

    class Meta:
        model = Teacher
        fields = (
            "id",
            "year",
            "school_code",
            *Teacher.ROSTER_FIELDS,
            *AUDIT_FIELDS,
        )
        read_only_fields = AUDIT_FIELDS
        # A roster row stays in its school and year; a move is a new row in the next year's roster.
        key_fields = ("school_code", "year")
        validators = []  # (year, teacher_id) uniqueness is checked by the service's full_clean
