from django.contrib import admin

from schools.resources import ScopedImportExportAdmin

from .models import Teacher
from .resources import TeacherResource


@admin.register(Teacher)
class TeacherAdmin(ScopedImportExportAdmin):
    resource_classes = [TeacherResource]
    county_path = "school__county"
    list_display = ("teacher_id", "school", "year", "stage", "degree", "full_time")
    list_filter = ("year", "stage", "degree", "full_time")
    search_fields = ("teacher_id", "school__code")
    raw_id_fields = ("school",)
