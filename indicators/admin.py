"""Admin: rule sets are edited here, but an edit never overwrites a version — `save_model` goes through
`services.rule_set_revise`, which adds the next version. Results and runs are read-only."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import services
from .models import CountyResult, RecomputeRun, RegionRollup, RuleSet


@admin.register(RuleSet)
class RuleSetAdmin(admin.ModelAdmin):
    list_display = ("code", "version", "name", "created_at", "created_by")
    list_filter = ("code",)
    readonly_fields = ("version", "created_at", "created_by")
    fields = ("code", "version", "name", "params", "note", "created_at", "created_by")

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "code"] if obj else fields

    def has_delete_permission(self, request, obj=None):
        return False  # stored results name their version

    def save_model(self, request, obj, form, change):
        new = services.rule_set_revise(obj, obj.params, request.user, note=obj.note)
        if not new.name and obj.name:
            new.name = obj.name
            new.save(update_fields=["name"])
        # point the admin's object at the new version so the log entry and redirect name it
        obj.pk, obj.version, obj.created_at, obj.created_by = (
            new.pk,
            new.version,
            new.created_at,
            new.created_by,
        )


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RecomputeRun)
class RecomputeRunAdmin(ReadOnlyAdmin):
    list_display = (
        "pk",
        "trigger",
        "started_by",
        "year",
        "started_at",
        "finished_at",
        "status",
        "county_count",
    )
    list_filter = ("status", "trigger")
    readonly_fields = (
        "trigger",
        "started_by",
        "year",
        "started_at",
        "finished_at",
        "status",
        "counties",
        "error",
    )

    @admin.display(description=_("区县数"))
    def county_count(self, obj):
        return len(obj.counties or {})


@admin.register(CountyResult)
class CountyResultAdmin(ReadOnlyAdmin):
    list_display = (
        "county",
        "year",
        "resource",
        "government",
        "quality",
        "recognition",
        "pass_2017",
        "computed_at",
    )
    list_filter = ("year", "pass_2017", "resource")
    search_fields = ("county__code", "county__name")
    exclude = ("report",)


@admin.register(RegionRollup)
class RegionRollupAdmin(ReadOnlyAdmin):
    list_display = (
        "region",
        "year",
        "counties",
        "counties_with_results",
        "counties_passing",
        "share_passing",
    )
    list_filter = ("year",)
