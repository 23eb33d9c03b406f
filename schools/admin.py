from django import forms
from django.contrib import admin

from . import resources
from .models import (
    Achievement,
    CountyYear,
    Declaration,
    Funding,
    ImportBatch,
    Monitoring,
    Region,
    School,
    SchoolClass,
    SchoolYear,
)
from .resources import ScopedImportExportAdmin
from .workbook.uploads import UploadRefused, check_evidence


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
