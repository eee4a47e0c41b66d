from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from inspections.models import (
    EvidenceFile,
    ExtensionRequest,
    Finding,
    FollowUpReview,
    Inspection,
    ItemEvent,
    Judgement,
    Programme,
    ProgressUpdate,
    TrackedItem,
)


class ReadOnlyRecordAdmin(admin.ModelAdmin):
    """Records the services write (timeline events, updates, extension requests): to read, never to
    add, change or delete here, so the history they tell stays whole."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "is_follow_up"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class FindingInline(admin.TabularInline):
    model = Finding
    extra = 0
    fields = ["reference", "category", "text", "target_date", "cause_of_concern"]
    show_change_link = True
    raw_id_fields = ["cause_of_concern"]


@admin.register(Inspection)
class InspectionAdmin(SimpleHistoryAdmin):
    list_display = ["reference", "title", "programme", "published_on", "lead_inspector"]
    list_filter = ["programme", "published_on"]
    search_fields = ["reference", "title", "summary"]
    date_hierarchy = "published_on"
    autocomplete_fields = ["forces", "follows_up"]
    list_select_related = ["programme"]
    inlines = [FindingInline]


@admin.register(Finding)
class FindingAdmin(SimpleHistoryAdmin):
    list_display = ["reference", "inspection", "category", "target_date", "accelerated"]
    list_filter = ["category", "accelerated", "inspection__programme"]
    search_fields = ["reference", "text", "inspection__title"]
    autocomplete_fields = ["inspection"]
    raw_id_fields = ["cause_of_concern"]
    list_select_related = ["inspection"]


class EventInline(admin.TabularInline):
    model = ItemEvent
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "at", "actor", "from_status", "to_status", "note", "target_date"]
    fields = readonly_fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(TrackedItem)
class TrackedItemAdmin(SimpleHistoryAdmin):
    list_display = [
        "id",
        "finding",
        "force",
        "response",
        "status",
        "original_target_date",
        "current_target_date",
        "closed_on",
    ]
    list_filter = ["status", "response", "finding__category", "force__kind", "force__region"]
    search_fields = ["finding__reference", "finding__text", "force__name"]
    date_hierarchy = "current_target_date"
    raw_id_fields = ["finding", "superseded_by", "closed_by"]
    autocomplete_fields = ["force"]
    list_select_related = ["finding", "force"]
    # An item changes only through the services (inspections/services.py), which record the event,
    # the history and the new version and send the emails; here every field is to read.
    readonly_fields = [field.name for field in TrackedItem._meta.fields]
    inlines = [EventInline]
    show_full_result_count = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(ReadOnlyRecordAdmin):
    list_display = ["item", "author", "is_closure_claim", "created_at"]
    list_filter = ["is_closure_claim"]
    search_fields = ["narrative"]
    raw_id_fields = ["item"]
    list_select_related = ["item__finding", "item__force", "author"]


@admin.register(EvidenceFile)
class EvidenceFileAdmin(ReadOnlyRecordAdmin):
    list_display = ["original_name", "content_type", "size", "created_at"]
    search_fields = ["original_name", "sha256"]
    raw_id_fields = ["update"]


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(ReadOnlyRecordAdmin):
    list_display = ["item", "previous_target_date", "requested_date", "decision", "decided_by", "decided_at"]
    list_filter = ["decision"]
    raw_id_fields = ["item"]
    list_select_related = ["item__finding", "item__force", "decided_by"]


class JudgementInline(admin.TabularInline):
    model = Judgement
    extra = 0
    raw_id_fields = ["item"]


@admin.register(FollowUpReview)
class FollowUpReviewAdmin(SimpleHistoryAdmin):
    list_display = ["inspection", "review_date", "reviewer"]
    list_filter = ["review_date"]
    search_fields = ["inspection__title", "conclusion"]
    autocomplete_fields = ["inspection"]
    raw_id_fields = ["report"]
    inlines = [JudgementInline]


@admin.register(ItemEvent)
class ItemEventAdmin(ReadOnlyRecordAdmin):
    list_display = ["item", "kind", "at", "actor", "from_status", "to_status"]
    list_filter = ["kind"]
    raw_id_fields = ["item"]
    list_select_related = ["item__finding", "item__force", "actor"]
