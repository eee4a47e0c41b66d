from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, PasswordResetForm, SetPasswordForm

from core.forms import GovukForm, GovukFormMixin


class SignInForm(GovukFormMixin, AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account is inactive. Ask the inspectorate to reactivate it.",
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs["autocomplete"] = "username"
        self.fields["password"].widget.attrs["autocomplete"] = "current-password"


class GovukPasswordChangeForm(GovukFormMixin, PasswordChangeForm):
    error_messages = {
        **PasswordChangeForm.error_messages,
        "password_incorrect": "Your current password is wrong. Enter it again.",
        "password_mismatch": "The two new passwords do not match",
    }


class GovukPasswordResetForm(GovukFormMixin, PasswordResetForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Email address"
        self.fields["email"].error_messages["required"] = "Enter your email address"
        self.fields["email"].error_messages["invalid"] = (
            "Enter an email address in the correct format, like name@example.gov.uk"
        )


class GovukSetPasswordForm(GovukFormMixin, SetPasswordForm):
    error_messages = {**SetPasswordForm.error_messages, "password_mismatch": "The two new passwords do not match"}


class DigestPreferenceForm(GovukForm):
    receives_digests = forms.BooleanField(
        label="Email me the digest of overdue and due-soon recommendations",
        required=False,
    )
