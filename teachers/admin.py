from django.contrib import admin

from .models import Teacher


@admin.register(Teacher)
class TeacherAdmin(admin.ModelAdmin):
    list_display = ("teacher_id", "school", "year", "stage", "degree", "full_time")
    list_filter = ("year", "stage", "degree", "full_time")
    search_fields = ("teacher_id", "school__code")
    raw_id_fields = ("school",)
