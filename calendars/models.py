from django.conf import settings
from django.db import models

from core.models import TimeStampedModel


class CalendarFeed(TimeStampedModel):
    """A user's calendar subscription. The secret address is shown once, when it is made; only a
    SHA-256 hash of its token is kept, so a copy of the database opens no one's calendar. Making a
    new address replaces the row: the old address answers 404 from then on."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token_hash = models.CharField(max_length=64, unique=True)

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"
