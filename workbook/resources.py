"""django-import-export resources of every schools model, for the admin's import/export buttons.

Every imported row is saved through the owning app's service (schools.services.row_save,
teachers.services.teacher_save), like a form or the API: the same scope, validation, natural-key refusal and
recompute. Foreign keys by natural code (keys from the models' natural_key_fields()), exports only what the user
may see, CSV read as UTF-8 or GB18030 and written with a BOM, and text that could run as a spreadsheet formula
escaped on export.
"""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from import_export import fields, resources
from import_export.admin import ImportExportModelAdmin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ImportForm, SelectableFieldsExportForm
from import_export.widgets import ForeignKeyWidget

from core.models import Region
from core.scoping import can_edit_county, scope
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
from schools.services import row_save

from .exporters import escape_text
from .locks import assert_instance_editable, delete_refusals, lock_checked_form
from .uploads import OLE, TEXT, ZIP, UploadRefused, check_upload


class ScopedResource(resources.ModelResource):
    county_path: str | None = "county"  # lookup from the model to its county (None: regions)

    def __init__(self, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user

    def county_id_of(self, instance):
        if self.county_path is None:
            return None
        obj = instance
        for part in self.county_path.split("__"):
            obj = getattr(obj, part, None)
            if obj is None:
                return None
        return obj.pk

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """Only the cells import-export could not read; the rest is the owning service's (do_instance_save)."""
        if import_validation_errors:
            raise ValidationError(import_validation_errors)

    def do_instance_save(self, instance, is_create):
        """Through the service every other write of the row takes: the same scope, validation, natural-key refusal
        and recompute (core.hooks.data_changed), inside import-export's transaction (rolled back on a dry run)."""
        self.save_row(instance, user=self.user)

    save_row = staticmethod(row_save)

    def before_delete_instance(self, instance, row, **kwargs):
        assert_instance_editable(instance, self.county_path)
        if self.user is not None and not self.user.is_admin:
            if not can_edit_county(self.user, self.county_id_of(instance)):
                raise PermissionDenied("无权删除其他区县的数据")

    def export_field(self, field, instance, **kwargs):
        value = super().export_field(field, instance, **kwargs)
        return escape_text(value) if isinstance(value, str) else value


def _fk(name, model, code_field="code"):
    return fields.Field(attribute=name, column_name=name, widget=ForeignKeyWidget(model, code_field))


class RegionResource(ScopedResource):
    county_path = None
    parent = _fk("parent", Region)

    def before_save_instance(self, instance, row, **kwargs):
        if self.user is not None and not self.user.is_admin:
            raise PermissionDenied("只有管理员可以导入行政区")

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        resources.ModelResource.validate_instance(self, instance, import_validation_errors, validate_unique)

    def do_instance_save(self, instance, is_create):
        # Regions are no county's input: no service of their own, no recompute (only an administrator imports).
        if self.user is not None:
            instance.updated_by = self.user
        instance.save(force_insert=is_create)

    class Meta:
        model = Region
        import_id_fields = Region.natural_key_fields()
        fields = ("code", "name", "level", "parent")
        skip_unchanged = True


class SchoolResource(ScopedResource):
    county = _fk("county", Region)

    class Meta:
        model = School
        import_id_fields = School.natural_key_fields()
        fields = (
            "code",
            "name",
            "county",
            "kind",
            "urban_rural_code",
            "ownership",
            "boarding",
            "urban_quality_reference",
        )
        skip_unchanged = True


def _school_resource(model_cls):
    meta = type(
        "Meta",
        (),
        {
            "model": model_cls,
            "import_id_fields": model_cls.natural_key_fields(),
            "exclude": ("id", "created_at", "updated_at", "updated_by"),
            "skip_unchanged": True,
        },
    )
    return type(
        f"{model_cls.__name__}Resource",
        (ScopedResource,),
        {
            "county_path": "school__county",
            "school": _fk("school", School),
            "Meta": meta,
            "__module__": __name__,
        },
    )


def _county_resource(model_cls):
    meta = type(
        "Meta",
        (),
        {
            "model": model_cls,
            "import_id_fields": model_cls.natural_key_fields(),
            "exclude": ("id", "created_at", "updated_at", "updated_by", "evidence"),
            "skip_unchanged": True,
        },
    )
    return type(
        f"{model_cls.__name__}Resource",
        (ScopedResource,),
        {"county": _fk("county", Region), "Meta": meta, "__module__": __name__},
    )


SchoolYearResource = _school_resource(SchoolYear)
SchoolClassResource = _school_resource(SchoolClass)
FundingResource = _school_resource(Funding)
AchievementResource = _school_resource(Achievement)
CountyYearResource = _county_resource(CountyYear)
MonitoringResource = _county_resource(Monitoring)
DeclarationResource = _county_resource(Declaration)


def read_text_upload(data: bytes) -> bytes:
    """CSV as Chinese Excel/WPS writes it: UTF-8 (BOM or not) or GB18030; returned as UTF-8 with BOM."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding).encode("utf-8-sig")
        except UnicodeDecodeError:
            continue
    return data  # the format reader then reports the undecodable file


IMPORT_FORMATS = [CSV, XLSX]
# What each admin import format must be by its content (never its name).
FORMAT_KINDS = {CSV: (TEXT,), XLSX: (ZIP,)}


class CheckedImportForm(ImportForm):
    """The admin's import form with the upload rules of the workbook page: size, kind judged by content, and
    (an .xlsx) the unpacked size read from the zip directory before anything is unpacked."""

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self.import_formats = formats

    def clean(self):
        cleaned = super().clean()
        uploaded, chosen = cleaned.get("import_file"), cleaned.get("format")
        if uploaded is None or chosen in (None, ""):
            return cleaned
        input_format = self.import_formats[int(chosen)]
        try:
            check_upload(
                uploaded, uploaded.name, uploaded.size, kinds=FORMAT_KINDS.get(input_format, (ZIP, OLE, TEXT))
            )
        except UploadRefused as refused:
            self.add_error("import_file", refused.message)
        return cleaned


class CspExportForm(SelectableFieldsExportForm):
    """import-export's export page binds its "select all" box with an inline onchange, which the
    Content-Security-Policy blocks; this script binds the same handler from a file."""

    @property
    def media(self):
        return super().media + forms.Media(js=("js/admin_export.js",))


class ScopedImportExportAdmin(ImportExportModelAdmin):
    """Admin import/export limited to the user's counties, tolerant of GB18030 CSV, exporting CSV with a BOM."""

    county_path = "county"
    from_encoding = "utf-8-sig"
    to_encoding = "utf-8-sig"
    import_form_class = CheckedImportForm
    export_form_class = CspExportForm

    @property
    def import_formats(self):
        return IMPORT_FORMATS

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if self.county_path is None:
            return queryset
        return scope(queryset, request.user, self.county_path)

    def get_form(self, request, obj=None, change=False, **kwargs):
        return lock_checked_form(super().get_form(request, obj, change=change, **kwargs), self.county_path)

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        return deleted, counts, perms_needed, [*protected, *delete_refusals(objs, self.county_path)]

    def get_import_resource_kwargs(self, request, **kwargs):
        return {**super().get_import_resource_kwargs(request, **kwargs), "user": request.user}

    def get_export_resource_kwargs(self, request, **kwargs):
        return {**super().get_export_resource_kwargs(request, **kwargs), "user": request.user}

    def write_to_tmp_storage(self, import_file, input_format):
        if input_format.is_binary():
            return super().write_to_tmp_storage(import_file, input_format)
        data = read_text_upload(b"".join(import_file.chunks()))
        tmp_storage = self.get_tmp_storage_class()(
            encoding=self.from_encoding,
            read_mode=input_format.get_read_mode(),
            **self.get_tmp_storage_class_kwargs(),
        )
        tmp_storage.save(data)
        return tmp_storage
