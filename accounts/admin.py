from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from accounts.models import User


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, DjangoUserAdmin):
    """For superusers only (Django's is_staff). Inspectorate staff manage users from the service."""

    list_display = ["username", "first_name", "last_name", "email", "is_active", "last_login"]
    list_filter = ["groups", "is_active", "is_staff"]
    fieldsets = (*DjangoUserAdmin.fieldsets, ("Notifications", {"fields": ["receives_digests"]}))
