"""A calendar address ends, like an API token, with the password that made it and with the account
(accounts.signals)."""

from accounts.signals import credentials_ended
from calendars.services import calendar_feed_revoke


def _revoke_feed(sender, user, **kwargs) -> None:
    calendar_feed_revoke(user=user)


def connect() -> None:
    credentials_ended.connect(_revoke_feed, dispatch_uid="calendar-revoke")
