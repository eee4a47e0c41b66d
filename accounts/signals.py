"""What a user's password and account vouch for (API tokens, calendar addresses) ends with the
password that made it and with the account. The apps that issue such credentials listen to
`credentials_ended`; this module decides when it is sent, once for all of them."""

from django.db.models.signals import post_save
from django.dispatch import Signal

from accounts.models import User

# Sent with `user=` after a save that changed the user's password or deactivated them.
credentials_ended = Signal()


def _password_changed_or_deactivated(sender, instance: User, created: bool, **kwargs) -> None:
    # Django keeps the new raw password on `_password` from set_password() until save() has
    # finished (to tell the password validators it changed), so during post_save a set value means
    # "the password changed in this save", whichever way it was changed: the change and reset
    # pages, the admin, a management command.
    if created:
        return
    if getattr(instance, "_password", None) is not None or not instance.is_active:
        credentials_ended.send(sender=User, user=instance)


def connect() -> None:
    post_save.connect(_password_changed_or_deactivated, sender=User, dispatch_uid="accounts-credentials-ended")
