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
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="import_batches")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    original_name = models.CharField(max_length=255)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PREVIEW)
    # One dict per row: line, reference, category, text, forces_label, force_ids, target_date (ISO),
    # cause_of_concern, problems (list of messages).
    rows = models.JSONField(default=list, blank=True)
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
        return f"{self.original_name} into {self.inspection_id}"

    @property
    def can_confirm(self) -> bool:
        return self.state == self.State.PREVIEW and self.problem_count == 0 and self.row_count > 0

    @property
    def is_working(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.RUNNING)
