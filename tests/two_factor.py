"""Signing in as the service asks: the password, then a code from the user's authenticator app,
computed here with pyotp (an implementation independent of django-otp's)."""

import base64
import time

import pyotp
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User

# The test authenticator's secret (base32); tests/browser uses the demo users' own.
TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def authenticator_for(user: User, *, secret: str = TEST_TOTP_SECRET) -> TOTPDevice:
    """The user's authenticator, set up with `secret` if they have none yet."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-id").first()
    if device is None:
        key = base64.b32decode(secret).hex()
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", key=key, confirmed=True)
    return device


def secret_of(device: TOTPDevice) -> str:
    return base64.b32encode(bytes.fromhex(device.key)).decode()


def code_for(device: TOTPDevice, *, now: float | None = None) -> str:
    """A code the device accepts now: the current time step, or the one after the last code it
    accepted (a code works once; django-otp accepts one step either side and follows the drift)."""
    device.refresh_from_db()
    now = time.time() if now is None else now
    step = int((now - device.t0) // device.step) + device.drift
    step = max(step, device.last_t + 1)
    return pyotp.TOTP(secret_of(device)).at(device.t0 + step * device.step)


def pass_code_step(client: Client, user: User) -> None:
    """Complete the second step of signing in for a client whose session has passed the password."""
    device = authenticator_for(user)
    response = client.post(reverse("accounts:two_factor_code"), {"code": code_for(device)})
    assert response.status_code == 302, f"the code step refused {user.username}: {response.status_code}"


class TwoFactorClient(Client):
    """Django's test client whose force_login signs in as the service does: force_login stands for
    the password step, then the code step runs for real (the code page, a pyotp code)."""

    def force_login(self, user, backend=None) -> None:
        super().force_login(user, backend)
        pass_code_step(self, user)


def sign_in(client: Client, user: User, *, password: str | None = None):
    """Both steps through the real pages: the password form, then the code. Returns the code
    step's response."""
    from tests.factories import TEST_PASSWORD

    device = authenticator_for(user)
    response = client.post(reverse("login"), {"username": user.username, "password": password or TEST_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:two_factor_code"), (
        f"the password step refused {user.username}"
    )
    return client.post(reverse("accounts:two_factor_code"), {"code": code_for(device)})
