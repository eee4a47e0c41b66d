"""Writes about one's own account, and two-factor sign-in: the authenticator app, recovery codes,
resets, sessions."""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from qsessions.models import Session

from accounts.models import User
from accounts.two_factor import normalise_code


def user_set_digest_preference(*, user: User, receives_digests: bool) -> User:
    user.receives_digests = receives_digests
    user._history_user = user
    user._change_reason = "Digest emails on" if receives_digests else "Digest emails off"
    user.save(update_fields=["receives_digests"])
    return user


# Two-factor sign-in: the authenticator app (a TOTP device) and the recovery codes (a static device
# whose tokens are each used once), both django-otp's.

AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"


@dataclass(frozen=True)
class CodeCheck:
    """The outcome of checking a code: the device that accepted it, or how long to wait before
    the next try (django-otp doubles the wait after each wrong code)."""

    device: Device | None
    wait_seconds: int = 0

    @property
    def ok(self) -> bool:
        return self.device is not None


def _wait_seconds(device: Device) -> int:
    allowed, _ = device.verify_is_allowed()
    if allowed:
        return 0
    delay = device.get_throttle_factor() * (2 ** (device.throttling_failure_count - 1))
    passed = (timezone.now() - device.throttling_failure_timestamp).total_seconds()
    return max(1, int(delay - passed + 0.999))


def two_factor_setup_device(*, user: User) -> TOTPDevice:
    """The authenticator the user is setting up: a new secret, kept (unconfirmed) until they type a
    code from it, so reloading the page shows the same QR code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
    return device


@transaction.atomic
def two_factor_confirm(*, user: User, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the authenticator being set up with a code from it: it replaces any earlier one and
    the user gets new recovery codes (returned, to be shown once). None when the code is wrong."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user, confirmed=False)
    if not device.verify_token(normalise_code(code)):
        return None
    replacing = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    user._history_user = user
    user._change_reason = "Authenticator app replaced" if replacing else "Authenticator app set up"
    user.save()
    return recovery_codes_make(user=user)


@transaction.atomic
def recovery_codes_make(*, user: User) -> list[str]:
    """New recovery codes for the user; the old ones stop working. Each works once."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes: set[str] = set()
    while len(codes) < settings.RECOVERY_CODE_COUNT:
        codes.add(StaticToken.random_token())
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in sorted(codes))
    return sorted(codes)


def _check(devices: QuerySet, code: str) -> CodeCheck:
    # The device row is locked while its code is checked, so one code cannot be used twice by two
    # requests at once (verify_token records the last code used and the failure count on the row).
    with transaction.atomic():
        device = devices.select_for_update().first()
        if device is None:
            return CodeCheck(None)
        wait = _wait_seconds(device)
        if wait:
            return CodeCheck(None, wait)
        if device.verify_token(normalise_code(code)):
            return CodeCheck(device)
    return CodeCheck(None)


def two_factor_check_code(*, user: User, code: str) -> CodeCheck:
    """Check a code from the user's authenticator. A code is accepted once, within 30 seconds
    either side of now."""
    return _check(TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-id"), code)


def two_factor_check_recovery_code(*, user: User, code: str) -> CodeCheck:
    """Check a recovery code; an accepted one is used up."""
    return _check(StaticDevice.objects.filter(user=user, confirmed=True).order_by("-id"), code)


@transaction.atomic
def two_factor_reset(*, user: User, reset_by: User) -> None:
    """Remove a user's authenticator and recovery codes (they lost their phone and their codes):
    they set up a new authenticator at their next sign-in. Their sessions end. Recorded in the
    user's history with who did it."""
    if reset_by.pk == user.pk:
        raise ValidationError(
            "Reset your own authenticator from your account page after signing in with a recovery code"
        )
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    user._history_user = reset_by
    user._change_reason = "Two-factor authentication reset"
    user.save()
    sessions_end(user=user)


def sessions_end(*, user: User, keep_session_key: str | None = None) -> int:
    """End the user's sessions (all, or all but the one they are using). Returns how many."""
    sessions = Session.objects.filter(user=user)
    if keep_session_key:
        sessions = sessions.exclude(session_key=keep_session_key)
    count, _ = sessions.delete()
    return count
