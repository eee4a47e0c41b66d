"""Managers' reviews of overdue items: the decision taken, the note, and when to look again."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from inspections.models import TrackedItem


class OverdueReview(models.Model):
    class Decision(models.TextChoices):
        KEEP_MONITORING = "keep_monitoring", "Keep monitoring"
        CHASE = "chase", "Chase the force"
        ESCALATE_CHIEF = "escalate_chief", "Escalate to the chief officer"
        # The body the force answers to: a police and crime commissioner, a mayor, a fire and
        # rescue authority... named from the register when the choice is offered.
        ESCALATE_GOVERNOR = "escalate_governor", "Escalate to the governing body"
        ACCEPT_PLAN = "accept_plan", "Accept a revised plan"
        RAISE_AT_MEETING = "raise_at_meeting", "Raise at the next monitoring meeting"

    ESCALATIONS = (Decision.ESCALATE_CHIEF, Decision.ESCALATE_GOVERNOR)

    item = models.ForeignKey(TrackedItem, on_delete=models.CASCADE, related_name="overdue_reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(max_length=20, choices=Decision.choices)
    note = models.TextField(blank=True)
    next_review_on = models.DateField()
    reviewed_at = models.DateTimeField()
    # For an escalation to the governing body: the body, as the register named it that day.
    escalated_to = models.CharField(max_length=160, blank=True)
    # Items reviewed together with one decision share a batch number.
    batch = models.UUIDField()

    class Meta:
        ordering = ["-reviewed_at", "-id"]
        indexes = [
            models.Index(fields=["item", "-reviewed_at"], name="overdue_review_item_idx"),
            models.Index(
                fields=["reviewed_at"],
                condition=Q(decision__in=["escalate_chief", "escalate_governor"]),
                name="overdue_review_escalation_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision="keep_monitoring") | ~Q(note=""), name="overdue_review_note_required"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} on item {self.item_id}"

    @property
    def is_escalation(self) -> bool:
        return self.decision in self.ESCALATIONS

    @property
    def decision_label(self) -> str:
        if self.decision == self.Decision.ESCALATE_GOVERNOR and self.escalated_to:
            return f"Escalated to {self.escalated_to}"
        return self.get_decision_display()
