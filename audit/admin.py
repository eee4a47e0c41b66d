from django.contrib import admin

from audit.models import ExportRecord


@admin.register(ExportRecord)
class ExportRecordAdmin(admin.ModelAdmin):
    """Read-only: the record is append-only (the database refuses changes too)."""

    list_display = ["created_at", "user", "kind", "row_count", "address"]
    list_filter = ["kind"]
    search_fields = ["user__username"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
