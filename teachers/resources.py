"""django-import-export resource of the teacher roster (scoped like the workbook importer)."""

from import_export import fields
from import_export.widgets import ForeignKeyWidget

from schools.models import School
from schools.resources import ScopedResource

from .models import Teacher


class TeacherResource(ScopedResource):
    county_path = "school__county"
    school = fields.Field(attribute="school", column_name="school", widget=ForeignKeyWidget(School, "code"))

    class Meta:
        model = Teacher
        import_id_fields = ("year", "teacher_id")
        exclude = ("id", "created_at", "updated_at", "updated_by")
        skip_unchanged = True
