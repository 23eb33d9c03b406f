"""django-import-export resource of the teacher roster (scoped like the workbook importer).

A row that fails is shown back on the admin's import page with its values; its name is replaced first, since
teachers' names never appear in error reports.
"""

from import_export import fields
from import_export.results import Error, Result
from import_export.widgets import ForeignKeyWidget

from schools.models import School
from teachers.models import Teacher
from teachers.services import teacher_save

from .resources import ScopedResource

NAME_HIDDEN = "（姓名已隐藏）"


def _without_name(row):
    if row and row.get("name"):
        row = type(row)(row)
        row["name"] = NAME_HIDDEN
    return row


class _RowError(Error):
    def __init__(self, error, row=None, number=None):
        super().__init__(error, row=_without_name(row), number=number)


class _Result(Result):
    def append_invalid_row(self, number, row, validation_error):
        super().append_invalid_row(number, _without_name(row), validation_error)


class TeacherResource(ScopedResource):
    county_path = "school__county"
    school = fields.Field(attribute="school", column_name="school", widget=ForeignKeyWidget(School, "code"))

    class Meta:
        model = Teacher
        import_id_fields = Teacher.natural_key_fields()
        exclude = ("id", "created_at", "updated_at", "updated_by")
        skip_unchanged = True

    save_row = staticmethod(teacher_save)

    def get_error_result_class(self):
        return _RowError

    def get_result_class(self):
        return _Result
