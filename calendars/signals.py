"""A calendar address ends, like an API token, with the password that made it and with the account."""

from django.db.models.signals import post_save

from accounts.models import User
from calendars.services import calendar_feed_revoke


def revoke_feed_on_password_change_or_deactivation(sender, instance: User, created: bool, **kwargs) -> None:
    # As for API tokens (api/signals.py): `_password` is set during the save that changed it.
    if created:
        return
    if getattr(instance, "_password", None) is not None or not instance.is_active:
        calendar_feed_revoke(user=instance)


def connect() -> None:
    post_save.connect(revoke_feed_on_password_change_or_deactivation, sender=User, dispatch_uid="calendar-revoke")
