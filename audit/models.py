from django.conf import settings
from django.db import models
from django.utils import timezone


class ExportKind(models.TextChoices):
    ITEMS_CSV = "items_csv", "Recommendations list (CSV)"
    ITEMS_XLSX = "items_xlsx", "Recommendations list (Excel)"
    MEETING_PACK = "meeting_pack", "Meeting pack (page)"
    MEETING_PACK_XLSX = "meeting_pack_xlsx", "Meeting pack (Excel)"
    COMMITTEE_PAPER = "committee_paper", "Committee paper (Word)"
    COMMENTS_DRAFT = "comments_draft", "Draft of the local policing body's comments (Word)"
    API_LIST = "api_list", "API list page"
    EXPORT_RECORDS_CSV = "export_records_csv", "Record of exports (CSV)"


class ExportRecord(models.Model):
    """One export: who took which slice of the data, when, and how many rows. Append-only: a
    database trigger refuses any UPDATE (migration 0001), and rows leave only when older than
    EXPORT_RECORD_RETENTION_DAYS (audit.services.export_records_prune)."""

    Kind = ExportKind

    created_at = models.DateTimeField(default=timezone.now)
    # Users are deactivated, never deleted, once they have exported: the record keeps them.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="export_records")
    kind = models.CharField(max_length=40, choices=Kind.choices)
    path = models.CharField(max_length=200, help_text="The address that was downloaded or read.")
    scope = models.CharField(max_length=500, help_text="What the user could see: every force, or theirs.")
    filters = models.JSONField(default=dict, blank=True, help_text="The query: each parameter and its values.")
    row_count = models.PositiveIntegerField()
    address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="export_created_idx"),
            models.Index(fields=["user", "-created_at"], name="export_user_created_idx"),
            models.Index(fields=["kind", "-created_at"], name="export_kind_created_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=ExportKind.values), name="export_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.user_id} at {self.created_at:%Y-%m-%d %H:%M}"
