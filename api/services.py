from rest_framework.authtoken.models import Token

from accounts.models import User


def token_get(*, user: User) -> Token | None:
    return Token.objects.filter(user=user).first()


def token_regenerate(*, user: User) -> Token:
    """A new token for the user; any old one stops working at once."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)


def tokens_revoke(*, user: User) -> int:
    """Delete every API token of the user (their password changed, they were deactivated, or they
    asked). Returns how many there were."""
    count, _ = Token.objects.filter(user=user).delete()
    return count
