from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (*BaseUserAdmin.fieldsets, (_("角色与行政区"), {"fields": ("role", "region")}))
    add_fieldsets = (*BaseUserAdmin.add_fieldsets, (_("角色与行政区"), {"fields": ("role", "region")}))
    list_display = ("username", "role", "region", "is_active", "last_login")
    list_filter = ("role", "is_active")
    autocomplete_fields = ("region",)
