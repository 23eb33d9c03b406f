"""The Django admin of the registry data (regions, schools, their yearly inputs, teachers) and of import batches.

It lives here, above the registry, because every admin model is an import-export admin whose imports go through
the workbook's resources."""

from django import forms
from django.contrib import admin

from core.models import Region
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

from . import resources
from .models import ImportBatch
from .resources import ScopedImportExportAdmin
from .resources_teachers import TeacherResource
from .uploads import UploadRefused, check_evidence


@admin.register(Region)
class RegionAdmin(ScopedImportExportAdmin):
    resource_classes = [resources.RegionResource]
    county_path = None
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")


@admin.register(School)
class SchoolAdmin(ScopedImportExportAdmin):
    resource_classes = [resources.SchoolResource]
    county_path = "county"
    list_display = ("code", "name", "county", "kind", "urban_rural_code", "ownership")
    list_filter = ("kind", "ownership", "urban_rural_code")
    search_fields = ("code", "name")
    autocomplete_fields = ("county",)


@admin.register(SchoolYear)
class SchoolYearAdmin(ScopedImportExportAdmin):
    resource_classes = [resources.SchoolYearResource]
    county_path = "school__county"
    list_display = ("school", "year", "primary_students", "junior_students")
    list_filter = ("year",)
    search_fields = ("school__code", "school__name")
    raw_id_fields = ("school",)


@admin.register(SchoolClass)
class SchoolClassAdmin(ScopedImportExportAdmin):
    resource_classes = [resources.SchoolClassResource]
    county_path = "school__county"
    list_display = ("school", "year", "stage", "grade", "name", "students")
    list_filter = ("year", "stage")
    search_fields = ("school__code", "name")
    raw_id_fields = ("school",)


@admin.register(Funding)
class FundingAdmin(ScopedImportExportAdmin):
    resource_classes = [resources.FundingResource]
    county_path = "school__county"
    list_display = ("school", "year", "public_funds", "public_budget", "training_funds")
    list_filter = ("year",)
    raw_id_fields = ("school",)


@admin.register(Achievement)
class AchievementAdmin(ScopedImportExportAdmin):
    resource_classes = [resources.AchievementResource]
    county_path = "school__county"
    list_display = ("school", "year", "stage", "subject", "tested", "mean_score")
    list_filter = ("year", "stage", "subject")
    raw_id_fields = ("school",)


@admin.register(CountyYear)
class CountyYearAdmin(ScopedImportExportAdmin):
    resource_classes = [resources.CountyYearResource]
    county_path = "county"
    list_display = ("county", "year", "recognition")
    list_filter = ("year",)


@admin.register(Monitoring)
class MonitoringAdmin(ScopedImportExportAdmin):
    resource_classes = [resources.MonitoringResource]
    county_path = "county"
    list_display = ("county", "year", "stage", "subject", "level", "difference_rate")
    list_filter = ("year", "stage")


class DeclarationForm(forms.ModelForm):
    def clean_evidence(self):
        evidence = self.cleaned_data.get("evidence")
        # Only a newly uploaded file is checked; the stored one was checked when it came in.
        if evidence and hasattr(evidence, "content_type"):
            try:
                check_evidence(evidence, evidence.name, evidence.size)
            except UploadRefused as refused:
                raise forms.ValidationError(refused.message) from refused
        return evidence


@admin.register(Declaration)
class DeclarationAdmin(ScopedImportExportAdmin):
    form = DeclarationForm
    resource_classes = [resources.DeclarationResource]
    county_path = "county"
    list_display = ("county", "year", "item_code", "met")
    list_filter = ("year", "item_code")


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ("file_name", "created_by", "created_at", "status", "rows_total")
    list_filter = ("status",)
    readonly_fields = [f.name for f in ImportBatch._meta.fields]


@admin.register(Teacher)
class TeacherAdmin(ScopedImportExportAdmin):
    resource_classes = [TeacherResource]
    county_path = "school__county"
    list_display = ("teacher_id", "school", "year", "stage", "degree", "full_time")
    list_filter = ("year", "stage", "degree", "full_time")
    search_fields = ("teacher_id", "school__code")
    raw_id_fields = ("school",)
