"""Inspections, what they leave behind, and each force's tracking of it.

Response, status and progress judgement are three separate things (docs/domain.md): the
response is the force's formal answer, the status is the lifecycle, and the judgement is what a
follow-up review found. Target dates: the original never changes; the current one moves only by an
approved extension.
"""

import datetime as dt
import os
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.text import slugify
from simple_history.models import HistoricalRecords

from core.dates import london_today
from core.models import TimeStampedModel
from core.text import single_line
from forces.models import Force


class Programme(TimeStampedModel):
    """An inspection programme (PEEL, NCPI, ...). A table, so that new programmes can be added."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120, unique=True)
    is_follow_up = models.BooleanField(
        default=False, help_text="Inspections of this programme review earlier inspections."
    )
    review_months = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="The programme's cycle: undated findings are next reviewed this many months after publication.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Theme(TimeStampedModel):
    """A subject the inspectorate files findings under (vetting, custody, ...): a managed list that
    staff keep, so that every list, export, dashboard and the public register can filter by it."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=80, unique=True)
    description = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def inspection_slug(reference: str) -> str:
    """The stable public address of an inspection, from its reference ("PEEL-2025-CLE" ->
    "peel-2025-cle")."""
    return slugify(reference)[:80] or "inspection"


class Inspection(TimeStampedModel):
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="inspections")
    title = models.CharField(max_length=300)
    reference = models.CharField(max_length=40, unique=True)
    # The public register's address for the inspection. Set once from the reference when the row is
    # first saved (every way of creating an inspection gets one) and never changed afterwards, so a
    # published link keeps working even if the reference is corrected.
    slug = models.SlugField(max_length=80, unique=True)
    forces = models.ManyToManyField(Force, related_name="inspections", blank=True)
    fieldwork_start = models.DateField(null=True, blank=True)
    fieldwork_end = models.DateField(null=True, blank=True)
    published_on = models.DateField(null=True, blank=True, help_text="Empty while planned.")
    report_url = models.URLField(blank=True)
    lead_inspector = models.CharField(max_length=120, blank=True)
    summary = models.TextField(blank=True)
    follows_up = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="follow_up_inspections",
        help_text="For a post-inspection review or revisit: the inspection it follows up.",
    )
    authority_plan_due_on = models.DateField(
        null=True,
        blank=True,
        help_text="For a fire and rescue report: when each service's fire and rescue authority must publish its "
        "action plan, as the inspectorate sets it.",
    )
    # The forces inspected are part of the record: who changed them, and when, is kept too.
    history = HistoricalRecords(m2m_fields=[forces])

    class Meta:
        ordering = ["-published_on", "title"]
        indexes = [models.Index(fields=["programme", "published_on"], name="insp_prog_pub_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(fieldwork_start__isnull=True)
                | Q(fieldwork_end__isnull=True)
                | Q(fieldwork_end__gte=F("fieldwork_start")),
                name="insp_fieldwork_ordered",
            ),
            models.CheckConstraint(condition=~Q(follows_up=F("id")), name="insp_not_own_follow_up"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = self._free_slug()
        super().save(*args, **kwargs)

    def _free_slug(self) -> str:
        base = inspection_slug(self.reference)
        slug, n = base, 1
        while Inspection.objects.filter(slug=slug).exclude(pk=self.pk).exists():
            n += 1
            slug = f"{base[:75]}-{n}"
        return slug

    @property
    def is_published(self) -> bool:
        return self.published_on is not None


class Finding(TimeStampedModel):
    """What an inspection leaves behind: a cause of concern, a recommendation, or an area for
    improvement. The forces it is addressed to are those with a tracked item for it."""

    class Category(models.TextChoices):
        CAUSE_OF_CONCERN = "cause_of_concern", "Cause of concern"
        RECOMMENDATION = "recommendation", "Recommendation"
        AREA_FOR_IMPROVEMENT = "area_for_improvement", "Area for improvement"

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    category = models.CharField(max_length=24, choices=Category.choices)
    reference = models.CharField(max_length=20, help_text='For example "R3" or "CoC1".')
    text = models.TextField()
    cause_of_concern = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recommendations",
        help_text="For a recommendation: the cause of concern it answers.",
    )
    accelerated = models.BooleanField(
        default=False, help_text="An accelerated cause of concern demands an action plan within days."
    )
    action_plan_due_on = models.DateField(
        null=True, blank=True, help_text="When the force's action plan is due, where one is required."
    )
    target_date = models.DateField(
        null=True, blank=True, help_text="The date in the finding's own wording, copied to each force's item."
    )
    position = models.PositiveIntegerField(default=0)
    themes = models.ManyToManyField(Theme, related_name="findings", blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["inspection", "position", "reference"]
        indexes = [
            # The action-plan clock starts from the few findings that demand a plan.
            models.Index(
                fields=["action_plan_due_on"],
                condition=Q(action_plan_due_on__isnull=False),
                name="finding_plan_due_idx",
            ),
            # A search word that is a finding's reference, in any case (reference__iexact).
            models.Index(Upper("reference"), name="finding_reference_upper_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "reference"], name="finding_unique_reference"),
            models.CheckConstraint(
                condition=Q(cause_of_concern__isnull=True) | Q(category="recommendation"),
                name="finding_only_recs_answer_concerns",
            ),
            models.CheckConstraint(
                condition=Q(accelerated=False) | Q(category="cause_of_concern"),
                name="finding_only_concerns_accelerated",
            ),
            models.CheckConstraint(condition=~Q(text=""), name="finding_text_required"),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.text[:80]}"


class Response(models.TextChoices):
    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    PARTIALLY_ACCEPTED = "partially_accepted", "Partially accepted"
    NOT_ACCEPTED = "not_accepted", "Not accepted"


class ItemStatus(models.TextChoices):
    PUBLISHED = "published", "Published"
    IN_PROGRESS = "in_progress", "In progress"
    SUBMITTED = "submitted", "Submitted for closure"
    COMPLETE = "complete", "Closed: complete"
    NOT_IMPLEMENTED = "not_implemented", "Closed: not implemented"
    SUPERSEDED = "superseded", "Closed: superseded"
    WITHDRAWN = "withdrawn", "Closed: withdrawn"


# Open means not yet closed by the inspectorate. The one definition: the rules (inspections/rules.py),
# the constraints and the partial indexes below all use it.
OPEN_STATUSES = (ItemStatus.PUBLISHED, ItemStatus.IN_PROGRESS, ItemStatus.SUBMITTED)
CLOSED_STATUSES = (ItemStatus.COMPLETE, ItemStatus.NOT_IMPLEMENTED, ItemStatus.SUPERSEDED, ItemStatus.WITHDRAWN)


class TrackedItem(TimeStampedModel):
    """One finding for one force: its response, its status and its dates."""

    Response = Response
    Status = ItemStatus

    OPEN_STATUSES = OPEN_STATUSES
    CLOSED_STATUSES = CLOSED_STATUSES
    REASONED_RESPONSES = (Response.PARTIALLY_ACCEPTED, Response.NOT_ACCEPTED)

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="items")
    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="items")
    response = models.CharField(max_length=20, choices=Response.choices, default=Response.PENDING)
    response_reason = models.TextField(blank=True)
    responded_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PUBLISHED)
    original_target_date = models.DateField(null=True, blank=True)
    current_target_date = models.DateField(null=True, blank=True)
    extension_count = models.PositiveSmallIntegerField(default=0)
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="supersedes"
    )
    submitted_on = models.DateField(null=True, blank=True, help_text="When the force claimed it done.")
    closed_on = models.DateField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closing_note = models.TextField(blank=True)
    # Set by the overdue sweep (one set-based UPDATE) to the day it flagged the item, and cleared
    # when the item stops being overdue; the events it records are the history.
    overdue_flagged_on = models.DateField(null=True, blank=True)
    # The other clocks, flagged the same way (inspections/overdue/clocks.py): the local policing
    # body's comments on a police report not published within 56 days; the fire and rescue
    # authority's action plan not published by the inspectorate's deadline; no action plan (no
    # progress update) by the finding's action_plan_due_on; a closure claim waiting more than 30
    # days for the inspectorate; an undated finding past its next review date.
    comments_overdue_flagged_on = models.DateField(null=True, blank=True)
    authority_plan_overdue_flagged_on = models.DateField(null=True, blank=True)
    action_plan_overdue_flagged_on = models.DateField(null=True, blank=True)
    verification_overdue_flagged_on = models.DateField(null=True, blank=True)
    review_overdue_flagged_on = models.DateField(null=True, blank=True)
    # An undated finding (most areas for improvement and causes of concern) is looked at again by
    # this date: set by staff, by a follow-up review, or by the programme's cycle.
    review_by = models.DateField(null=True, blank=True, help_text="Next review by, for an item with no target date.")
    # The latest follow-up judgement and the time of the latest progress update, written by the
    # services that record them, so that lists need no subquery per row.
    latest_progress = models.CharField(max_length=16, blank=True)
    last_update_at = models.DateTimeField(null=True, blank=True)
    # The London day the item entered the tracker (created, or imported with its history). An item
    # whose current target had already passed that day arrived overdue (inspections/rules.py):
    # the tracker did not see it become overdue.
    entered_on = models.DateField(default=london_today)
    # The latest managers' overdue review (oversight.OverdueReview): when, and the decision taken.
    # Written by oversight.services in the review's own transaction, so that the review queue
    # (rules.awaiting_overdue_review_q) reads one row per item instead of joining its reviews.
    latest_overdue_review_at = models.DateTimeField(null=True, blank=True)
    # A database default too, so the set-based inserts (seed_scale, bench/sweep.py) need not name it.
    latest_overdue_decision = models.CharField(max_length=20, blank=True, default="", db_default="")
    # The liaison officers' reminders before the current target date (overdue/reminders.py): the
    # target date last reminded of and the reminder sent for it (30 or 7 days before), so that
    # the sweep finds what still needs a reminder with one indexed query instead of reading every
    # item due in the next 30 days on every run. A target moved by an extension no longer matches
    # and is reminded of afresh.
    reminded_for = models.DateField(null=True, blank=True)
    reminded_within = models.PositiveSmallIntegerField(null=True, blank=True)
    # The comments clock's deadline for this item (overdue/clocks.py): day 56 of its police report
    # when the clock can run on it (a territorial police force, in the tracker by then, no comments
    # recorded), COMMENTS_NEVER when it cannot; empty until the sweep works it out. Whatever changes
    # it empties it (comments recorded or removed, the report's date, the force's kind, the item
    # saved whole: overdue/comments_due.py), so the sweep's flagging reads a range of an index of
    # dates instead of every open police item, and a sweep with nothing to flag reads nothing.
    comments_due_on = models.DateField(null=True, blank=True, editable=False)
    # Optimistic concurrency: every transition bumps it, and a form carries the value it was shown.
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(
        excluded_fields=[
            "overdue_flagged_on",
            "comments_overdue_flagged_on",
            "authority_plan_overdue_flagged_on",
            "action_plan_overdue_flagged_on",
            "verification_overdue_flagged_on",
            "review_overdue_flagged_on",
            "latest_overdue_review_at",
            "latest_overdue_decision",
            "reminded_for",
            "reminded_within",
            "comments_due_on",
            "updated_at",
        ]
    )

    class Meta:
        ordering = ["current_target_date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["finding", "force"], name="item_unique_finding_force"),
            models.CheckConstraint(
                condition=(Q(status__in=CLOSED_STATUSES) & Q(closed_on__isnull=False))
                | (Q(status__in=OPEN_STATUSES) & Q(closed_on__isnull=True)),
                name="item_closed_iff_closed_on",
            ),
            models.CheckConstraint(
                condition=Q(status="superseded", superseded_by__isnull=False)
                | (~Q(status="superseded") & Q(superseded_by__isnull=True)),
                name="item_superseded_names_successor",
            ),
            models.CheckConstraint(condition=~Q(superseded_by=F("id")), name="item_not_superseded_by_itself"),
            models.CheckConstraint(
                condition=Q(response__in=["pending", "accepted"]) | ~Q(response_reason=""),
                name="item_reason_when_not_accepted",
            ),
            models.CheckConstraint(
                condition=Q(original_target_date__isnull=True, current_target_date__isnull=True)
                | Q(original_target_date__isnull=False, current_target_date__isnull=False),
                name="item_target_dates_together",
            ),
            models.CheckConstraint(
                condition=Q(status="submitted", submitted_on__isnull=False) | ~Q(status="submitted"),
                name="item_submitted_has_date",
            ),
            models.CheckConstraint(
                condition=Q(review_by__isnull=True) | Q(current_target_date__isnull=True),
                name="item_review_by_only_undated",
            ),
        ]
        indexes = [
            # Answers "open items by current target date": the overdue sweep, the overdue and
            # due-soon counts, and the reminders (overdue/reminders.py), which it carries what was
            # last reminded of for, so that a sweep with nothing to remind reads the next 30 days
            # of the index alone. Partial, so closed items (most of them, in time) cost nothing.
            models.Index(
                fields=["current_target_date"],
                include=["reminded_for", "reminded_within"],
                condition=Q(status__in=OPEN_STATUSES),
                name="item_open_reminder_idx",
            ),
            # Items the sweep flagged overdue, by target: those whose target moved past today (an
            # extension) are a range of it, so the clear step reads only what may have ended.
            models.Index(
                fields=["current_target_date"],
                condition=Q(overdue_flagged_on__isnull=False),
                name="item_flagged_target_idx",
            ),
            # Flagged items since closed: the clear step's other candidates (nearly always none).
            models.Index(
                fields=["overdue_flagged_on"],
                condition=Q(status__in=CLOSED_STATUSES, overdue_flagged_on__isnull=False),
                name="item_closed_overdue_flag_idx",
            ),
            # The flagging question "open, past its target, not yet flagged" answered without
            # visiting the items already flagged, so a sweep with nothing to do costs nothing.
            models.Index(
                fields=["current_target_date"],
                condition=Q(status__in=OPEN_STATUSES, overdue_flagged_on__isnull=True),
                name="item_open_unflagged_idx",
            ),
            # The other clocks: what may become late, and what is flagged and may stop being late.
            models.Index(
                fields=["finding"],
                condition=Q(response="pending", status__in=OPEN_STATUSES),
                name="item_response_pending_idx",
            ),
            models.Index(
                fields=["submitted_on"], condition=Q(status="submitted"), name="item_awaiting_verification_idx"
            ),
            # The comments clock (TrackedItem.comments_due_on): open unflagged items by their
            # deadline (flagging reads the range before today); flagged items by it (clearing
            # reads the range from today: comments recorded make it COMMENTS_NEVER); flagged
            # items since closed; and the items whose deadline is still to be worked out.
            models.Index(
                fields=["comments_due_on"],
                condition=Q(status__in=OPEN_STATUSES, comments_overdue_flagged_on__isnull=True),
                name="item_comments_due_idx",
            ),
            models.Index(
                fields=["comments_due_on"],
                condition=Q(comments_overdue_flagged_on__isnull=False),
                name="item_comments_flagged_due_idx",
            ),
            models.Index(
                fields=["comments_overdue_flagged_on"],
                condition=Q(status__in=CLOSED_STATUSES, comments_overdue_flagged_on__isnull=False),
                name="item_closed_comments_flag_idx",
            ),
            models.Index(
                fields=["id"], condition=Q(comments_due_on__isnull=True), name="item_comments_due_unknown_idx"
            ),
            # The open items by finding with their targets: the meeting pack's overdue by finding
            # (grouped in finding order from the index alone, with no sort of every overdue item).
            models.Index(
                fields=["finding", "current_target_date"],
                condition=Q(status__in=OPEN_STATUSES),
                name="item_open_finding_target_idx",
            ),
            models.Index(
                fields=["authority_plan_overdue_flagged_on"],
                condition=Q(authority_plan_overdue_flagged_on__isnull=False),
                name="item_fra_plan_flagged_idx",
            ),
            models.Index(
                fields=["review_overdue_flagged_on"],
                condition=Q(review_overdue_flagged_on__isnull=False),
                name="item_review_flagged_idx",
            ),
            # Undated open items by their next review date: the review clock and its headline.
            models.Index(
                fields=["review_by"],
                condition=Q(status__in=OPEN_STATUSES, current_target_date__isnull=True),
                name="item_open_review_by_idx",
            ),
            models.Index(
                fields=["action_plan_overdue_flagged_on"],
                condition=Q(action_plan_overdue_flagged_on__isnull=False),
                name="item_plan_flagged_idx",
            ),
            models.Index(
                fields=["verification_overdue_flagged_on"],
                condition=Q(verification_overdue_flagged_on__isnull=False),
                name="item_verification_flagged_idx",
            ),
            # The managers' overdue review queue (rules.awaiting_overdue_review_q): open items by
            # target date with their latest review's time, carrying the finding, the force and the
            # day they entered the tracker (arrived overdue or not), so that the queue is counted
            # and grouped by finding from the index alone.
            models.Index(
                fields=["current_target_date", "latest_overdue_review_at"],
                include=["finding", "force", "entered_on", "status"],
                condition=Q(status__in=OPEN_STATUSES),
                name="item_awaiting_review_idx",
            ),
            models.Index(fields=["force", "status"], name="item_force_status_idx"),
            models.Index(fields=["status", "closed_on"], name="item_status_closed_idx"),
            # The recommendations list's default sort: its first page is the index's first entries.
            models.Index(fields=["current_target_date", "id"], name="item_target_id_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.finding.reference} – {self.force.name}"

    # A save that may change what the comments clock's deadline depends on (a whole save: a new
    # item, the Django admin; or one naming these fields) leaves it to be worked out again.
    COMMENTS_DUE_DEPENDS_ON = frozenset(("finding", "finding_id", "force", "force_id", "entered_on"))

    def save(self, *args, **kwargs) -> None:
        update_fields = kwargs.get("update_fields")
        if update_fields is None:
            self.comments_due_on = None
        elif self.COMMENTS_DUE_DEPENDS_ON & set(update_fields):
            self.comments_due_on = None
            kwargs["update_fields"] = {*update_fields, "comments_due_on"}
        super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_closed(self) -> bool:
        return not self.is_open

    def days_overdue(self, today: dt.date, *, against_original: bool = False) -> int:
        """Days past the target on `today` (London date); 0 when not overdue or closed."""
        target = self.original_target_date if against_original else self.current_target_date
        if target is None or not self.is_open or today <= target:
            return 0
        return (today - target).days

    def is_overdue(self, today: dt.date) -> bool:
        return self.days_overdue(today) > 0

    def overdue_since(self, today: dt.date) -> dt.date | None:
        """The first day it was overdue (the day after the current target date), while it is."""
        if not self.is_overdue(today):
            return None
        return self.current_target_date + dt.timedelta(days=1)

    @property
    def arrived_overdue(self) -> bool:
        """Its current target had passed before it entered the tracker: the Python twin of
        rules.arrived_overdue_q (without the "still overdue" part)."""
        return self.current_target_date is not None and self.current_target_date < self.entered_on

    def no_recent_progress(self, today: dt.date, *, days: int) -> bool:
        """Open with no progress update for `days` (or, with none at all, nothing since the report
        was published): the Python twin of selectors_dashboard.no_recent_progress_q, for one row."""
        if not self.is_open:
            return False
        cutoff = today - dt.timedelta(days=days)
        if self.last_update_at is not None:
            return timezone.localdate(self.last_update_at) < cutoff
        published = self.finding.inspection.published_on
        return published is not None and published < cutoff

    def days_until_due(self, today: dt.date) -> int | None:
        if self.current_target_date is None:
            return None
        return (self.current_target_date - today).days

    @property
    def is_extended(self) -> bool:
        return self.extension_count > 0

    def review_overdue(self, today: dt.date) -> bool:
        """Undated, open and past its next review date: the Python twin of rules.review_overdue_q."""
        return (
            self.is_open and self.current_target_date is None and self.review_by is not None and self.review_by < today
        )

    @property
    def status_label(self) -> str:
        """The lifecycle status in words; a cause of concern closed as complete was discharged."""
        if (
            self.status == ItemStatus.COMPLETE
            and self.finding_id is not None
            and self.finding.category == Finding.Category.CAUSE_OF_CONCERN
        ):
            return "Closed: discharged"
        return self.get_status_display()


class ItemEvent(models.Model):
    """Everything that happened to an item, for its timeline: response, status changes, decisions,
    judgements and the overdue clock. Append-only."""

    class Kind(models.TextChoices):
        CREATED = "created", "Published"
        RESPONSE = "response", "Response recorded"
        UPDATE = "update", "Progress update"
        SUBMITTED = "submitted", "Submitted for closure"
        RETURNED = "returned", "Returned to the force"
        CLOSED = "closed", "Closed"
        REOPENED = "reopened", "Reopened"
        EXTENSION_REQUESTED = "extension_requested", "More time asked for"
        EXTENSION_APPROVED = "extension_approved", "Extension approved"
        EXTENSION_REFUSED = "extension_refused", "Extension refused"
        JUDGED = "judged", "Progress judged"
        BECAME_OVERDUE = "became_overdue", "Became overdue"
        NO_LONGER_OVERDUE = "no_longer_overdue", "No longer overdue"
        # Recorded by an earlier clock that ran on the force's own response; kept for history.
        RESPONSE_LATE = "response_late", "Response not given within 56 days"
        RESPONSE_LATE_ENDED = "response_late_ended", "Response given late"
        COMMENTS_LATE = "comments_late", "Local policing body's comments overdue"
        COMMENTS_LATE_ENDED = "comments_late_ended", "Local policing body's comments published"
        FRA_PLAN_LATE = "fra_plan_late", "Fire and rescue authority's action plan overdue"
        FRA_PLAN_LATE_ENDED = "fra_plan_late_ended", "Fire and rescue authority's action plan published"
        REVIEW_DATE_SET = "review_date_set", "Next review date set"
        REVIEW_LATE = "review_late", "Review overdue"
        REVIEW_LATE_ENDED = "review_late_ended", "Review no longer overdue"
        ACTION_PLAN_LATE = "action_plan_late", "Action plan overdue"
        ACTION_PLAN_LATE_ENDED = "action_plan_late_ended", "Action plan received late"
        VERIFICATION_LATE = "verification_late", "Closure claim waiting over 30 days"
        VERIFICATION_LATE_ENDED = "verification_late_ended", "Closure claim decided"
        MANAGER_REVIEW = "manager_review", "Overdue review"
        RECORDED = "recorded", "Recorded in the register"

    item = models.ForeignKey(TrackedItem, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    note = models.TextField(blank=True)
    # What the inspectorate chose to say in public about this step (the public register shows it);
    # `note` stays internal (the force and staff see it, the public never does). A database default
    # too, for the sweep's hand-written INSERT of clock events.
    public_comment = models.TextField(blank=True, default="", db_default="")
    target_date = models.DateField(null=True, blank=True, help_text="The target it concerns.")
    # For clock events: the day the clock fired, so one item cannot be flagged twice for one day.
    clock_day = models.DateField(null=True, blank=True)
    # For clock events that tell someone: when their messages were put in the outbox. The sweep
    # records the event and the notifier turns it into messages in a later transaction, so a crash
    # in between leaves the event unnotified and the next run sends it (the outbox key stops a
    # second copy).
    notified_at = models.DateTimeField(null=True, blank=True)
    # Recorded from an imported file (a report's history), not as it happened: `at` is the day the
    # file gives, and the timeline says so. A database default too: the sweep inserts events in SQL.
    imported = models.BooleanField(default=False, db_default=False)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["item", "at"], name="event_item_at_idx"),
            # What changed since a date, over many items (the meeting pack's changes since the last).
            models.Index(fields=["at", "kind"], name="event_at_kind_idx"),
            # The public register's feed and trail: what changed in public, newest first.
            models.Index(
                fields=["-at"],
                condition=~Q(to_status="") | ~Q(public_comment="") | Q(kind="extension_approved"),
                name="event_public_at_idx",
            ),
            models.Index(
                fields=["id"],
                condition=Q(
                    notified_at__isnull=True,
                    kind__in=["became_overdue", "comments_late", "fra_plan_late", "action_plan_late"],
                ),
                name="event_to_notify_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "kind", "clock_day"],
                condition=Q(clock_day__isnull=False),
                name="event_one_clock_per_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.at:%Y-%m-%d})"


class ProgressUpdate(models.Model):
    """A force's progress narrative. Append-only: never edited in place."""

    item = models.ForeignKey(TrackedItem, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    narrative = models.TextField()
    is_closure_claim = models.BooleanField(default=False)
    # A closure claim may cite evidence already attached to the item's earlier updates.
    cited_evidence = models.ManyToManyField("EvidenceFile", blank=True, related_name="cited_by")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["item", "created_at"], name="update_item_created_idx")]
        constraints = [models.CheckConstraint(condition=~Q(narrative=""), name="update_narrative_required")]

    def __str__(self) -> str:
        return f"Update on {self.item_id} at {self.created_at:%Y-%m-%d}"


def evidence_path(instance: "EvidenceFile", filename: str) -> str:
    # The stored name is not the uploaded name, so nothing a user types reaches the file system.
    return f"evidence/{instance.update.item_id}/{uuid.uuid4().hex}"


# The file-name extensions each evidence type may carry (the type is read from the file's bytes);
# the first is the one a name gets when it carries none of them.
EVIDENCE_EXTENSIONS: dict[str, tuple[str, ...]] = {
    "application/pdf": (".pdf",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (".docx",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (".xlsx",),
    "application/msword": (".doc",),
    "application/vnd.ms-excel": (".xls",),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg", ".jpe", ".jfif"),
    "image/gif": (".gif",),
}


def evidence_file_name(name: str, content_type: str) -> str:
    """The name a file of `content_type` is shown and downloaded under: the uploaded name, its
    extension replaced when it does not match the type read from the bytes (a GIF uploaded as
    "invoice.html" is "invoice.gif"), so a browser never opens it as something else."""
    base = single_line(os.path.basename((name or "").replace("\\", "/")))
    stem, extension = os.path.splitext(base)
    stem = stem.strip(" .") or "evidence"
    allowed = EVIDENCE_EXTENSIONS.get(content_type, (".bin",))
    if extension.lower() in allowed:
        return f"{stem}{extension}"
    return f"{stem}{allowed[0]}"


class EvidenceFile(models.Model):
    update = models.ForeignKey(ProgressUpdate, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=evidence_path, max_length=255)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.download_name

    @property
    def download_name(self) -> str:
        return evidence_file_name(self.original_name, self.content_type)


class ExtensionRequest(models.Model):
    class Decision(models.TextChoices):
        PENDING = "pending", "Awaiting decision"
        APPROVED = "approved", "Approved"
        REFUSED = "refused", "Refused"

    item = models.ForeignKey(TrackedItem, on_delete=models.CASCADE, related_name="extensions")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    previous_target_date = models.DateField()
    requested_date = models.DateField()
    reason = models.TextField()
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    # Staff may approve an earlier date than the one asked for, never a later one.
    approved_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["item"], condition=Q(decision="pending"), name="extension_one_pending_per_item"
            ),
            models.CheckConstraint(
                condition=Q(requested_date__gt=F("previous_target_date")), name="extension_moves_later"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="extension_reason_required"),
            models.CheckConstraint(
                condition=Q(decision="pending", decided_at__isnull=True)
                | (~Q(decision="pending") & Q(decided_at__isnull=False)),
                name="extension_decided_has_time",
            ),
            models.CheckConstraint(
                condition=Q(approved_date__isnull=True)
                | Q(
                    decision="approved",
                    approved_date__lte=F("requested_date"),
                    approved_date__gt=F("previous_target_date"),
                ),
                name="extension_approved_date_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Extension to {self.requested_date} for item {self.item_id}"


class FollowUpReview(TimeStampedModel):
    """A post-inspection review or revisit: it judges the progress on an inspection's items."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="follow_up_reviews")
    review_date = models.DateField()
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    conclusion = models.TextField(blank=True)
    report = models.ForeignKey(
        Inspection,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The published review report, where there is one.",
    )
    # The items the review judges: none chosen means every item of the inspection.
    items = models.ManyToManyField("TrackedItem", blank=True, related_name="+")
    next_review_by = models.DateField(
        null=True, blank=True, help_text="Undated items this review judges are next reviewed by this date."
    )
    # Optimistic concurrency for its judgements, as for items: every save of the judging page
    # bumps it, and the page carries the value it was shown.
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["-review_date", "-id"]

    def __str__(self) -> str:
        return f"Review of {self.inspection} on {self.review_date}"


class Judgement(models.Model):
    class Progress(models.TextChoices):
        NONE = "no_meaningful", "No meaningful progress"
        INSUFFICIENT = "insufficient", "Insufficient progress"
        REASONABLE = "reasonable", "Reasonable progress"
        GOOD = "good", "Good progress"
        NOT_ASSESSED = "not_assessed", "Not assessed"

    class Verdict(models.TextChoices):
        NONE = "", "No closing verdict"
        DISCHARGED = "discharged", "Cause of concern discharged"
        COMPLETE = "complete", "Recommendation complete"

    review = models.ForeignKey(FollowUpReview, on_delete=models.CASCADE, related_name="judgements")
    item = models.ForeignKey(TrackedItem, on_delete=models.CASCADE, related_name="judgements")
    progress = models.CharField(max_length=16, choices=Progress.choices)
    commentary = models.TextField(blank=True)
    # The revisit's verdict: the item closes (complete) once staff confirm the review's closures.
    verdict = models.CharField(max_length=12, choices=Verdict.choices, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "item"], name="judgement_one_per_review_item"),
        ]
        indexes = [models.Index(fields=["item", "created_at"], name="judgement_item_idx")]

    def __str__(self) -> str:
        return f"{self.get_progress_display()} on item {self.item_id}"


class ReportReply(TimeStampedModel):
    """What the body governing a force publishes on an inspection report about it, recorded once
    per report and organisation with its date and link. For a police force: the local policing
    body's comments (Police Act 1996, section 55: within 56 days of the report's publication,
    explaining for each recommendation what will be done or why nothing will). For a fire and
    rescue service: the fire and rescue authority's action plan (the national framework; by the
    deadline the inspectorate sets). Separate from the force's own response to each item."""

    class Kind(models.TextChoices):
        COMMENTS = "comments", "Local policing body's comments"
        ACTION_PLAN = "action_plan", "Fire and rescue authority's action plan"

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="replies")
    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="report_replies")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    body_name = models.CharField(max_length=160, help_text="The body that published it, as it was then named.")
    published_on = models.DateField()
    url = models.URLField(max_length=500)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["inspection", "force__name"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "force"], name="reply_one_per_report_force"),
            models.CheckConstraint(condition=~Q(url=""), name="reply_link_required"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.force} on {self.inspection}"
