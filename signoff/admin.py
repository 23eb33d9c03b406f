"""Sign-off states and their history in the admin: read-only (a step is taken on the approval page or the API,
where roles are checked and the history is written)."""

from django.contrib import admin

from .models import Approval, ApprovalEvent


class ApprovalEventInline(admin.TabularInline):
    model = ApprovalEvent
    extra = 0
    can_delete = False
    fields = ("at", "action", "from_state", "to_state", "user_name", "reason", "open_violations")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Approval)
class ApprovalAdmin(admin.ModelAdmin):
    list_display = ("county", "year", "state", "changed_by_name", "changed_at")
    list_filter = ("state", "year")
    search_fields = ("county__code", "county__name")
    readonly_fields = ("county", "year", "state", "changed_by", "changed_by_name", "changed_at")
    inlines = [ApprovalEventInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
