"""Writes for calendar feeds: make (or remake) a user's secret address, and revoke it."""

import hashlib
import secrets

from django.db import transaction

from accounts.models import User
from calendars.models import CalendarFeed


def feed_token_hash(token: str) -> str:
    """What is stored of a token: its SHA-256. The token is 256 random bits, so a plain hash is
    enough (nothing to guess, no dictionary to try)."""
    return hashlib.sha256(token.encode()).hexdigest()


def calendar_feed_reset(*, user: User) -> str:
    """A new secret token for the user's feed, returned once to be shown; any older address stops
    working at once."""
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        CalendarFeed.objects.update_or_create(user=user, defaults={"token_hash": feed_token_hash(token)})
    return token


def calendar_feed_revoke(*, user: User) -> bool:
    """Stop the user's feed. Returns whether there was one."""
    count, _ = CalendarFeed.objects.filter(user=user).delete()
    return bool(count)
