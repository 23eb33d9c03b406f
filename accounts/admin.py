from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.utils.translation import gettext_lazy as _

from . import services
from .models import User


class PasswordChangeForm(AdminPasswordChangeForm):
    """An administrator setting a user's password ends that user's API tokens, as the user's own change does."""

    def save(self, commit=True):
        user = super().save(commit=commit)
        if commit:
            services.password_changed(user)
        return user


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    change_password_form = PasswordChangeForm
    fieldsets = (*BaseUserAdmin.fieldsets, (_("角色与行政区"), {"fields": ("role", "region")}))
    add_fieldsets = (*BaseUserAdmin.add_fieldsets, (_("角色与行政区"), {"fields": ("role", "region")}))
    list_display = ("username", "role", "region", "is_active", "last_login")
    list_filter = ("role", "is_active")
    autocomplete_fields = ("region",)

    def save_model(self, request, obj, form, change):
        old = User.objects.filter(pk=obj.pk).values_list("role", "region_id").first() if change else None
        super().save_model(request, obj, form, change)
        old_role, old_region_id = old or (None, None)
        services.role_changed(obj, by=request.user, old_role=old_role, old_region_id=old_region_id)
