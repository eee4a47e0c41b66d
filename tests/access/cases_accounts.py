"""Your account, password change and reset, and the users pages (inspectorate staff only)."""

from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from qsessions.models import Session

from accounts.models import User
from tests.access.matrix import READ_ALL_SIGNED_IN, STAFF_ONLY, Case, expect
from tests.factories import TEST_PASSWORD

# Open to everyone, signed in or not.
OPEN = expect(anonymous=200, other_liaison=200)
# Every signed-in role's own write succeeds and redirects; anonymous is sent to sign in.
OWN_WRITE = expect(own_liaison=302, other_liaison=302, staff=302, manager=302)
STAFF_WRITE = expect(own_liaison=403, other_liaison=403, staff=302, manager=403)


def _reset_kwargs(world) -> dict:
    user = world.users["own_liaison"]
    return {"uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": default_token_generator.make_token(user)}


def _bad_reset_kwargs(world) -> dict:
    return {"uidb64": urlsafe_base64_encode(force_bytes(world.users["own_liaison"].pk)), "token": "bad-token"}


def _users(world) -> list:
    return list(User.objects.order_by("pk").values_list("username", "first_name", "email", "is_active"))


def _other_liaison(world) -> dict:
    return {"pk": world.users["other_liaison"].pk}


def _two_factor(world) -> list:
    return [
        sorted(TOTPDevice.objects.filter(confirmed=True).values_list("user_id", "key")),
        sorted(StaticToken.objects.values_list("device__user_id", "token")),
    ]


def _sessions(world) -> list:
    return sorted(Session.objects.values_list("session_key", flat=True))


# A signed-in session that has given its code is sent on from the code pages (to the dashboard,
# or from setting up to the account page: replacing an authenticator needs a recovery code first).
PASSED_ON = expect(own_liaison=302, other_liaison=302, staff=302, manager=302)

CASES = [
    Case("accounts:two_factor_code", expected=PASSED_ON),
    Case("accounts:two_factor_code", method="POST", data=lambda w: {"code": "123456"}, expected=PASSED_ON),
    Case("accounts:two_factor_recovery", expected=PASSED_ON),
    Case("accounts:two_factor_recovery", method="POST", data=lambda w: {"code": "abcdefgh"}, expected=PASSED_ON),
    Case("accounts:two_factor_setup", expected=PASSED_ON),
    Case(
        "accounts:two_factor_setup",
        method="POST",
        data=lambda w: {"code": "123456"},
        expected=PASSED_ON,
        snapshot=_two_factor,
    ),
    Case("accounts:recovery_codes", expected=READ_ALL_SIGNED_IN),
    Case("accounts:recovery_codes", method="POST", expected=OWN_WRITE),
    Case("accounts:sessions_end_others", method="POST", expected=OWN_WRITE, snapshot=_sessions),
    Case(
        "users:user_two_factor_reset",
        kwargs=_other_liaison,
        method="POST",
        expected=STAFF_WRITE,
        snapshot=_two_factor,
    ),
    Case(
        "login",
        method="POST",
        data=lambda w: {"username": "own.liaison", "password": "not-the-password"},
        expected=expect(anonymous=200, own_liaison=302, other_liaison=302, staff=302, manager=302),
    ),
    Case(
        "accounts:digest_preference",
        method="POST",
        data=lambda w: {},
        expected=OWN_WRITE,
        snapshot=lambda w: list(User.objects.order_by("pk").values_list("receives_digests", flat=True)),
    ),
    Case("accounts:password_change", expected=READ_ALL_SIGNED_IN),
    Case(
        "accounts:password_change",
        method="POST",
        data=lambda w: {
            "old_password": TEST_PASSWORD,
            "new_password1": "a-brand-new-long-pass-9",
            "new_password2": "a-brand-new-long-pass-9",
        },
        expected=OWN_WRITE,
    ),
    Case("accounts:password_reset", expected=OPEN),
    Case(
        "accounts:password_reset",
        method="POST",
        data=lambda w: {"email": w.users["own_liaison"].email},
        expected=expect(anonymous=302, own_liaison=302, other_liaison=302, staff=302, manager=302),
    ),
    Case("accounts:password_reset_done", expected=OPEN),
    # A good link is swapped for a session token and redirected, whatever the method.
    Case(
        "accounts:password_reset_confirm",
        kwargs=_reset_kwargs,
        expected=expect(anonymous=302, own_liaison=302, other_liaison=302, staff=302, manager=302),
    ),
    Case(
        "accounts:password_reset_confirm",
        kwargs=_reset_kwargs,
        method="POST",
        data=lambda w: {"new_password1": "a-brand-new-long-pass-9", "new_password2": "a-brand-new-long-pass-9"},
        expected=expect(anonymous=302, own_liaison=302, other_liaison=302, staff=302, manager=302),
    ),
    Case("accounts:password_reset_confirm", kwargs=_bad_reset_kwargs, label="bad link", expected=OPEN),
    Case(
        "accounts:password_reset_confirm",
        kwargs=_bad_reset_kwargs,
        label="bad link",
        method="POST",
        data=lambda w: {"new_password1": "a-brand-new-long-pass-9", "new_password2": "a-brand-new-long-pass-9"},
        expected=OPEN,
    ),
    Case("accounts:password_reset_complete", expected=OPEN),
    Case("users:user_list", expected=STAFF_ONLY),
    Case("users:user_create", expected=STAFF_ONLY),
    Case(
        "users:user_create",
        method="POST",
        data=lambda w: {
            "first_name": "New",
            "last_name": "Person",
            "email": "new.person@example.gov.uk",
            "username": "new.person",
            "role": "liaison",
            "forces": [w.force.pk],
        },
        expected=STAFF_WRITE,
        snapshot=_users,
    ),
    Case("users:user_edit", kwargs=_other_liaison, expected=STAFF_ONLY),
    Case(
        "users:user_edit",
        kwargs=_other_liaison,
        method="POST",
        data=lambda w: {
            "first_name": "Changed",
            "last_name": "Name",
            "email": "changed@example.gov.uk",
            "role": "liaison",
            "forces": [w.force.pk, w.other_force.pk],
        },
        expected=STAFF_WRITE,
    ),
    Case(
        "users:user_set_active",
        kwargs=_other_liaison,
        method="POST",
        data=lambda w: {"active": "0"},
        expected=STAFF_WRITE,
        snapshot=_users,
    ),
]
