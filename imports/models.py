"""An upload of a report's findings: parsed and checked into a preview, then saved in one go.

The parsed rows live here (as JSON), not in the session: a file may hold 10,000 rows."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.models import TimeStampedModel
from inspections.models import Inspection


class ImportBatch(TimeStampedModel):
    class State(models.TextChoices):
        PREVIEW = "preview", "Ready to check"
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Saving"
        DONE = "done", "Saved"
        FAILED = "failed", "Failed: nothing saved"

    # A UUID, so that one batch's address tells nothing about the others.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # The inspection chosen on the upload form; empty when every row names its report.
    inspection = models.ForeignKey(
        Inspection, null=True, blank=True, on_delete=models.CASCADE, related_name="import_batches"
    )
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    original_name = models.CharField(max_length=255)
    # The second file (or sheet) of dated status changes, when one was given.
    history_name = models.CharField(max_length=255, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PREVIEW)
    # One dict per row, as it will be saved and as the preview shows it (imports/services.py
    # describes the keys), with every problem and note found in it.
    rows = models.JSONField(default=list, blank=True)
    # One dict per report the rows belong to: an existing inspection, or one to create.
    reports = models.JSONField(default=list, blank=True)
    # Headings of the file that are not columns the import reads, as written: listed in the preview.
    unknown_columns = models.JSONField(default=list, blank=True)
    history_row_count = models.PositiveIntegerField(default=0)
    # Problems in lines of the history file or sheet that belong to no row of findings:
    # {"line": n, "problem": "..."}.
    history_problems = models.JSONField(default=list, blank=True)
    skip_count = models.PositiveIntegerField(default=0, help_text="Rows already in the tracker: left out.")
    row_count = models.PositiveIntegerField(default=0)
    problem_count = models.PositiveIntegerField(default=0)
    item_count = models.PositiveIntegerField(default=0, help_text="Tracked items the rows will create.")
    rows_done = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(state="done") | Q(problem_count=0), name="import_done_has_no_problems"),
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def can_confirm(self) -> bool:
        return self.state == self.State.PREVIEW and self.problem_count == 0 and self.row_count > self.skip_count

    @property
    def new_rows(self) -> int:
        """Rows that save something (the others are already in the tracker)."""
        return self.row_count - self.skip_count

    @property
    def is_working(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.RUNNING)
