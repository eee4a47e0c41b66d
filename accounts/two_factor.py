"""Two-factor sign-in: who must give a code, and where a session stands.

A sign-in has two steps. The password step (accounts.views.SignInView) signs the user in with
Django's `login()`, but the session is only *half* signed in: accounts.middleware.TwoFactorMiddleware
answers every URL but the code pages and sign-out with a redirect to the code page (or to setting
up an authenticator at a first sign-in) until this module marks the session as passed. Anything that
signs a user in some other way (the admin's sign-in page, a test's `force_login`) lands in the same
half-signed-in state.

The mark lives in the session, which is stored on the server: a client cannot forge it, and ending
a user's sessions (a device reset, "sign out everywhere else") removes it.
"""

import base64

import django_otp
from django.conf import settings
from django.http import HttpRequest
from django_otp.models import Device

from accounts.models import User

SESSION_KEY = "two_factor"
# How the session passed the second step.
BY_CODE = "code"
BY_RECOVERY_CODE = "recovery-code"
NOT_REQUIRED = "not-required"
# Where to go once the code is accepted (the page the user first asked for).
NEXT_KEY = "two_factor_next"


def two_factor_required(user: User) -> bool:
    """Must this user give a code at every sign-in? Inspectorate staff, managers, superusers and
    users without a role always; force liaison officers when TWO_FACTOR_FOR_LIAISON is on. Nobody
    when TWO_FACTOR_REQUIRED is off (development only: settings refuse it with DEBUG off)."""
    if not settings.TWO_FACTOR_REQUIRED:
        return False
    if user.is_liaison and not user.is_superuser:
        return settings.TWO_FACTOR_FOR_LIAISON
    return True


def session_state(request: HttpRequest) -> str | None:
    return request.session.get(SESSION_KEY)


def session_passed(request: HttpRequest) -> bool:
    return session_state(request) in (BY_CODE, BY_RECOVERY_CODE, NOT_REQUIRED)


def session_pass(request: HttpRequest, *, how: str, device: Device | None = None) -> None:
    """Mark the (already signed-in) session as past the second step."""
    request.session[SESSION_KEY] = how
    if device is not None:
        django_otp.login(request, device)


def totp_secret_text(key_hex: str) -> str:
    """The secret as people type it into an authenticator app: base32, in groups of four."""
    secret = base64.b32encode(bytes.fromhex(key_hex)).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def normalise_code(text: str) -> str:
    """What people type, as the devices compare it: no spaces or dashes, lower case."""
    return "".join(ch for ch in (text or "") if ch not in " -\t").lower()
