"""API tokens end with the password that earned them, and with the account (accounts.signals)."""

from accounts.signals import credentials_ended
from api.services import tokens_revoke


def _revoke_tokens(sender, user, **kwargs) -> None:
    tokens_revoke(user=user)


def connect() -> None:
    credentials_ended.connect(_revoke_tokens, dispatch_uid="api-revoke-tokens")
