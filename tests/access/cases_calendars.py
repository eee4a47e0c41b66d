"""Calendar feeds: the page where each user makes or stops their own feed, and the feed itself,
which needs no session (the secret token in its address is the credential)."""

from calendars.models import CalendarFeed
from calendars.services import calendar_feed_reset
from tests.access.matrix import READ_ALL_SIGNED_IN, Case, expect


def _feeds(world) -> list:
    return sorted(CalendarFeed.objects.values_list("user_id", "token_hash"))


# Whoever asks, signed in or not: the token decides, never the session.
EVERYONE = expect(anonymous=200, own_liaison=200, other_liaison=200, staff=200, manager=200)
NOBODY = expect(anonymous=404, own_liaison=404, other_liaison=404, staff=404, manager=404)

CASES = [
    Case("calendars:settings", expected=READ_ALL_SIGNED_IN),
    # Making a feed shows its address once, on the page itself.
    Case("calendars:settings", method="POST", snapshot=_feeds, expected=expect(other_liaison=200)),
    Case(
        "calendars:revoke",
        method="POST",
        snapshot=_feeds,
        expected=expect(own_liaison=302, other_liaison=302, staff=302, manager=302),
    ),
    Case(
        "calendars:feed",
        kwargs=lambda w: {"token": calendar_feed_reset(user=w.users["own_liaison"])},
        label="a live token",
        expected=EVERYONE,
    ),
    Case("calendars:feed", kwargs=lambda w: {"token": "not-a-token"}, label="an unknown token", expected=NOBODY),
    # A force outside the token owner's scope answers 404, as its pages do.
    Case(
        "calendars:feed",
        kwargs=lambda w: {"token": calendar_feed_reset(user=w.users["own_liaison"])},
        query="force=durham-constabulary",
        label="another force",
        expected=NOBODY,
    ),
]
