from django.contrib import admin, messages

from notifications.models import Message
from notifications.services import messages_retry


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "reason", "to_email", "subject", "state", "attempts", "sent_at"]
    list_filter = ["state", "reason"]
    search_fields = ["to_email", "subject", "key"]
    readonly_fields = [f.name for f in Message._meta.fields]
    actions = ["retry"]

    @admin.action(description="Send again (dead or failed messages only)")
    def retry(self, request, queryset):
        count = messages_retry(ids=list(queryset.values_list("id", flat=True)))
        self.message_user(request, f"{count} message(s) will be sent on the next delivery.", messages.SUCCESS)
