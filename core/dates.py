"""Dates as the tracker's users mean them."""

import datetime as dt

from django.utils import timezone


def london_today() -> dt.date:
    """Today's date in the UK (TIME_ZONE is Europe/London): a target of 31 March is overdue from
    1 April, whatever the UTC time."""
    return timezone.localdate()
