from django.contrib import admin

from notifications.models import Message


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "reason", "to_email", "subject", "state", "attempts", "sent_at"]
    list_filter = ["state", "reason"]
    search_fields = ["to_email", "subject", "key"]
    readonly_fields = [f.name for f in Message._meta.fields]
