"""The outbox: every email the service sends is first a row here, with a unique key, so that a
crash, a retry or two workers never send it twice, and a message that failed is retried later."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class Message(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed (will be retried)"
        DEAD = "dead", "Gave up"

    key = models.CharField(
        max_length=200, unique=True, help_text="recipient:reason:subject-of-message:day; one message per key."
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    to_email = models.EmailField()
    reason = models.CharField(max_length=40)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            # The delivery sweep's question: what is waiting (or failed and due a retry)?
            models.Index(
                fields=["next_attempt_at"], condition=Q(state__in=["pending", "failed"]), name="message_due_idx"
            ),
            models.Index(fields=["reason", "created_at"], name="message_reason_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="sent", sent_at__isnull=False) | ~Q(state="sent"), name="message_sent_has_time"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reason} to {self.to_email}: {self.subject}"
