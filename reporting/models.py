"""The dashboard's figures, maintained instead of recounted.

Every figure the dashboard, the liaison officers' summaries and the forces list show is a sum over
a few thousand summary rows, whatever the number of items. A row ("cell") holds the counts of the
items of one force, in one programme, either embargoed or published (on the day the cell was
counted for), and either for all items (theme empty) or for the items of one theme (an item with
two themes counts in each theme's cell, once in the all-items cell). reporting/summary.py keeps
them: every write through the services recounts the cells of the forces it touched, in the same
transaction; the sweep recounts every force once a day, when the calendar moves the figures that
depend on it (overdue, due soon, ageing, the quarter, the month ends, the embargo).

The column names come from reporting/columns.py, which the aggregate queries that count the items
use too, so `manage.py figures --check` compares the cells with a recount column by column."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from forces.models import Force
from inspections.models import Programme, Theme
from reporting.columns import COUNT_COLUMNS, RATE_COLUMNS, TREND_COLUMNS


class SummaryForce(models.Model):
    """One force's place in the summary: the day its cells were counted for (as_of), empty when
    a write made outside the services (the Django admin, a shell) has left them out of date. Its
    row is also the lock that orders two writers recounting the same force."""

    force = models.OneToOneField(Force, on_delete=models.CASCADE, primary_key=True, related_name="summary")
    as_of = models.DateField(null=True)

    class Meta:
        indexes = [models.Index(fields=["as_of"], name="summary_force_as_of_idx")]

    def __str__(self) -> str:
        return f"Summary of force {self.force_id} as of {self.as_of or 'out of date'}"


class _Cell(models.Model):
    force = models.ForeignKey(Force, on_delete=models.CASCADE, related_name="+")
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    embargoed = models.BooleanField()
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, null=True, related_name="+")

    class Meta:
        abstract = True

    def __str__(self) -> str:
        embargo = "embargoed" if self.embargoed else "published"
        return f"Force {self.force_id}, programme {self.programme_id}, {embargo}, theme {self.theme_id or 'any'}"


class SummaryCell(_Cell):
    """The counts of one cell's items (reporting.columns: headlines, origins, ageing, totals, and
    the 24 months of the trend), with the earliest current target of an open item."""

    min_open_target = models.DateField(null=True)
    for _name in (*COUNT_COLUMNS, *TREND_COLUMNS):
        locals()[_name] = models.PositiveIntegerField(default=0)
    del _name

    class Meta:
        indexes = [
            models.Index(fields=["force", "theme"], name="summary_cell_force_idx"),
            models.Index(fields=["theme", "programme"], name="summary_cell_theme_idx"),
        ]


class SummaryRate(_Cell):
    """The implementation rates' counts of one cell's items published in one year."""

    year = models.PositiveSmallIntegerField()
    for _name in RATE_COLUMNS:
        locals()[_name] = models.PositiveIntegerField(default=0)
    del _name

    class Meta:
        indexes = [
            models.Index(fields=["force", "theme"], name="summary_rate_force_idx"),
            models.Index(fields=["theme", "year"], name="summary_rate_theme_idx"),
        ]


class PaperJob(models.Model):
    """A committee paper too large to write while its reader waits (more open items than
    COMMITTEE_PAPER_INLINE_MAX_ITEMS): the worker writes it and keeps the file here, for the one
    who asked, until beat's daily prune (PAPER_JOB_KEEP_DAYS)."""

    class State(models.TextChoices):
        QUEUED = "queued", "Waiting for the worker"
        BUILDING = "building", "Being written"
        READY = "ready", "Ready to download"
        FAILED = "failed", "Could not be written"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    force = models.ForeignKey(Force, on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    # The open items of published reports when it was asked for (what the progress bar counts to),
    # and how many the paper lists once written.
    item_count = models.PositiveIntegerField()
    written = models.PositiveIntegerField(default=0)
    content = models.BinaryField(null=True, editable=False)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["requested_by", "force", "-created_at"], name="paperjob_user_force_idx")]

    def __str__(self) -> str:
        return f"Committee paper on force {self.force_id} for user {self.requested_by_id}: {self.state}"

    @property
    def is_working(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.BUILDING)
