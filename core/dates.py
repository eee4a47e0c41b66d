"""Dates as the tracker's users mean them."""

import datetime as dt

from django.utils import timezone

# Every date typed into the service (a target, a next review, a publication or review date) lies
# within this many years of today: 31/12/9999 is a slip of the keyboard, not a plan.
DATE_RANGE_YEARS = 20


def london_today() -> dt.date:
    """Today's date in the UK (TIME_ZONE is Europe/London): a target of 31 March is overdue from
    1 April, whatever the UTC time."""
    return timezone.localdate()


def _years_from(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def date_bounds(*, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The earliest and latest dates accepted anywhere a date is entered."""
    today = today or london_today()
    return _years_from(today, -DATE_RANGE_YEARS), _years_from(today, DATE_RANGE_YEARS)


def long_date(day: dt.date) -> str:
    """27 November 2046."""
    return f"{day.day} {day:%B %Y}"
