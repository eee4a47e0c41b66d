from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, PasswordResetForm, SetPasswordForm

from accounts.two_factor import normalise_code
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


class CodeForm(GovukForm):
    """The GOV.UK "enter a code" pattern: one short numeric input, no auto-advance, no spinner."""

    code = forms.CharField(
        label="Code",
        help_text="The 6-digit code your authenticator app shows for Recommendation Tracker. It changes every 30 seconds.",
        max_length=20,
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        attrs = self.fields["code"].widget.attrs
        attrs.update(
            {
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
                "autofocus": True,
            }
        )
        attrs["class"] = attrs.get("class", "") + " govuk-input--width-5"

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not code.isascii() or not code.isdigit() or len(code) != 6:
            raise forms.ValidationError("The code must be 6 numbers")
        return code


class RecoveryCodeForm(GovukForm):
    code = forms.CharField(
        label="Recovery code",
        help_text="One of the recovery codes you saved when you set up your authenticator app, like 3fa7k2mq. Each works once.",
        max_length=40,
        error_messages={"required": "Enter one of your recovery codes"},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        attrs = self.fields["code"].widget.attrs
        attrs.update({"autocomplete": "off", "spellcheck": "false", "autocapitalize": "none", "autofocus": True})
        attrs["class"] = attrs.get("class", "") + " govuk-input--width-10"

    def clean_code(self) -> str:
        code = normalise_code(self.cleaned_data["code"])
        if not code.isascii() or not code.isalnum() or len(code) > 16:
            raise forms.ValidationError("A recovery code is 8 letters and numbers, like 3fa7k2mq")
        return code
