"""`manage.py createstaff`: the first staff account of a deployment, made as the Users page makes
one, with a set-password email through the outbox; bad input is refused and nothing is saved."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from accounts.roles import Role
from notifications.models import Message
from tests.two_factor import code_for

pytestmark = pytest.mark.django_db


def _create(*args: str) -> str:
    out = StringIO()
    call_command("createstaff", *args, stdout=out)
    return out.getvalue()


def test_creates_a_staff_account_without_a_password_and_emails_the_link(settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://tracker.example.gov.uk"
    with django_capture_on_commit_callbacks(execute=False):
        output = _create("--email", "Priya.Shah@example.gov.uk", "--name", "Priya Shah")
    user = User.objects.get()
    assert (user.username, user.first_name, user.last_name, user.email) == (
        "priya.shah",
        "Priya",
        "Shah",
        "Priya.Shah@example.gov.uk",
    )
    assert user.role == Role.STAFF and user.is_inspectorate_staff and not user.is_superuser
    assert not user.has_usable_password()
    message = Message.objects.get()
    assert message.recipient == user and message.reason == "set_password" and message.state == Message.State.PENDING
    assert "https://tracker.example.gov.uk/accounts/" in message.body
    assert "Created Priya Shah (username priya.shah), inspectorate staff." in output
    assert "for 3 days" in output
    assert user.history.first().history_change_reason == "Role: Inspectorate staff"


def test_a_chosen_username_and_a_name_with_several_parts():
    _create("--email", "mary@example.gov.uk", "--name", "Mary Ann Smith", "--username", "mary.smith")
    user = User.objects.get()
    assert (user.username, user.first_name, user.last_name) == ("mary.smith", "Mary", "Ann Smith")


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (["--email", "not-an-address", "--name", "Priya Shah"], "email: Enter an email address in the correct format"),
        (["--email", "priya@example.gov.uk", "--name", "Priya"], "--name must give a first and a last name"),
        (["--email", "priya@example.gov.uk", "--name", "Priya Shah", "--username", "priya shah"], "username:"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_saved(args, problem):
    with pytest.raises(CommandError) as refused:
        _create(*args)
    assert problem in str(refused.value)
    assert not User.objects.exists() and not Message.objects.exists()


def test_an_address_or_username_already_taken_is_refused(staff_user):
    with pytest.raises(CommandError, match="Another user already has this email address"):
        _create("--email", staff_user.email.upper(), "--name", "Priya Shah", "--username", "someone.else")
    with pytest.raises(CommandError, match="A user with this username already exists"):
        _create("--email", "new@example.gov.uk", "--name", "Priya Shah", "--username", staff_user.username.upper())
    assert User.objects.count() == 1


def test_the_first_staff_user_can_set_a_password_and_sign_in(client, settings, django_capture_on_commit_callbacks):
    import re

    settings.SITE_URL = "http://testserver"
    _create("--email", "priya.shah@example.gov.uk", "--name", "Priya Shah")
    link = re.search(r"http://testserver(/accounts/\S+)", Message.objects.get().body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    new_password = "a-brand-new-password-2027"
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password}, follow=True
    )
    assert done.status_code == 200
    signed_in = client.post(reverse("login"), {"username": "priya.shah", "password": new_password})
    assert signed_in.status_code == 302
    # A first sign-in sets up an authenticator app before any page: the set-up page shows a new
    # secret, and a code from it completes the sign-in.
    assert client.get(reverse("imports:upload"))["Location"] == reverse("accounts:two_factor_setup")
    assert client.get(reverse("accounts:two_factor_setup")).status_code == 200
    device = TOTPDevice.objects.get(user__username="priya.shah")
    confirmed = client.post(reverse("accounts:two_factor_setup"), {"code": code_for(device)})
    assert confirmed["Location"] == reverse("accounts:recovery_codes")
    assert client.get(reverse("imports:upload")).status_code == 200  # a staff page
