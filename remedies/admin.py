"""Admin: scenarios and planner runs are read here (the portal's pages write them through the services); an
administrator may delete them. Plans in runs name teachers by number only."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import RemedyRun, Scenario


class ReadAndDeleteAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Scenario)
class ScenarioAdmin(ReadAndDeleteAdmin):
    list_display = ("name", "county", "year", "created_by", "change_count", "updated_at")
    list_filter = ("year",)
    search_fields = ("name", "county__name", "county__code")

    @admin.display(description=_("修改项数"))
    def change_count(self, obj: Scenario) -> int:
        return len(obj.changes or [])


@admin.register(RemedyRun)
class RemedyRunAdmin(ReadAndDeleteAdmin):
    list_display = ("pk", "kind", "county", "year", "status", "requested_by", "created_at", "finished_at")
    list_filter = ("kind", "status")
    exclude = ("report", "report_before")
