"""The Django admin of validation rules: the same form and service as the portal's page (parameters checked against
the rule's kind; a change re-checks the county-years already checked)."""

from django.contrib import admin

from . import services
from .forms import RuleForm
from .models import ValidationRule


@admin.register(ValidationRule)
class ValidationRuleAdmin(admin.ModelAdmin):
    form = RuleForm
    list_display = ["name", "code", "kind", "severity", "enabled"]
    list_filter = ["severity", "enabled", "kind"]
    readonly_fields = ["code", "kind"]
    fields = ["code", "kind", "name", "severity", "enabled", "params", "description"]

    def has_add_permission(self, request):
        # A rule needs a kind with code behind it: new rules come with the code (a migration), not from here.
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # disable a rule instead: its past findings stay explained

    def save_model(self, request, obj, form, change):
        services.rule_update(user=request.user, rule=obj)
