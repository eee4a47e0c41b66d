"""API tokens end with the password that earned them, and with the account."""

from django.db.models.signals import post_save

from accounts.models import User
from api.services import tokens_revoke


def revoke_tokens_on_password_change_or_deactivation(sender, instance: User, created: bool, **kwargs) -> None:
    # Django keeps the new raw password on `_password` from set_password() until save() has
    # finished (to tell the password validators it changed), so during post_save a set value means
    # "the password changed in this save", whichever way it was changed: the change and reset
    # pages, the admin, a management command.
    if created:
        return
    if getattr(instance, "_password", None) is not None or not instance.is_active:
        tokens_revoke(user=instance)


def connect() -> None:
    post_save.connect(revoke_tokens_on_password_change_or_deactivation, sender=User, dispatch_uid="api-revoke-tokens")
