"""The feed as iCalendar (RFC 5545), written with the `icalendar` library: one all-day event per
deadline."""

import datetime as dt

from django.utils import timezone
from icalendar import Calendar, Event

from calendars.selectors import FeedEvent

PRODID = "-//Recommendation Tracker//Deadlines//EN"


def feed_calendar(*, name: str, events: list[FeedEvent]) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"Recommendation Tracker: {name}")
    calendar.add("x-wr-timezone", "Europe/London")
    # Calendar programs that honour it refresh a subscription every few hours.
    calendar.add("refresh-interval", dt.timedelta(hours=4), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT4H")
    stamp = timezone.now()
    for feed_event in events:
        event = Event()
        event.add("uid", feed_event.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", feed_event.day)
        event.add("dtend", feed_event.day + dt.timedelta(days=1))
        event.add("summary", feed_event.summary)
        event.add("description", f"{feed_event.description}\n\n{feed_event.url}")
        event.add("url", feed_event.url)
        event.add("sequence", feed_event.sequence)
        event.add("transp", "TRANSPARENT")
        if feed_event.last_modified:
            event.add("last-modified", feed_event.last_modified)
        calendar.add_component(event)
    return calendar.to_ical()
