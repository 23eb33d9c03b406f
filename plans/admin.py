from django.contrib import admin

from . import services
from .models import Plan, ProgrammeBox, Project, Target, Task


class TaskInline(admin.TabularInline):
    model = Task
    extra = 0


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0
    fields = (
        "description",
        "indicator_code",
        "comparator",
        "value",
        "unit",
        "deadline",
        "region_code",
        "region_name",
    )


class BoxInline(admin.TabularInline):
    model = ProgrammeBox
    extra = 0
    fields = ("number", "title", "task", "declared_total")


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ("title", "region_name", "region_code", "year", "status", "built_in")
    list_filter = ("status", "built_in")
    search_fields = ("title", "region_name", "region_code")
    inlines = [TaskInline, BoxInline, TargetInline]

    def save_related(self, request, form, formsets, change):
        # the plan's year is the baseline of its targets and the inline may change them: judge them again
        super().save_related(request, form, formsets, change)
        for target in form.instance.targets.all():
            services.target_changed(target)


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ("title", "plan", "task", "county", "deadline", "status", "budget")
    list_filter = ("status", "plan")
    search_fields = ("title", "content_standard", "responsible_departments")
    raw_id_fields = ("school",)


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ("description", "plan", "indicator_code", "comparator", "value", "deadline", "region_name")
    list_filter = ("plan",)
    readonly_fields = ("status", "judged_value", "judged_year", "judged_at", "rule_version")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.target_changed(obj)
