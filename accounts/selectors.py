"""Reads about a user's own sign-in: their authenticator, recovery codes, sessions and API tokens."""

from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from qsessions.models import Session
from rest_framework.authtoken.models import Token

from accounts.models import User


def totp_device_of(*, user: User) -> TOTPDevice | None:
    """The user's authenticator app, once set up (confirmed)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-id").first()


def user_has_two_factor(*, user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(*, user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def sessions_of(*, user: User) -> list[Session]:
    """The user's signed-in sessions that have not expired, most recently used first."""
    return list(Session.objects.filter(user=user, expire_date__gt=timezone.now()).order_by("-updated_at"))


def api_tokens_of(*, user: User) -> list[Token]:
    """The user's API tokens (the API has one per user; a list, so the page need not know that)."""
    return list(Token.objects.filter(user=user).order_by("-created"))
