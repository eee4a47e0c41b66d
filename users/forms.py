from django import forms

from accounts.models import User
from accounts.roles import Role
from core.forms import GovukForm
from forces.models import Force


class _ForceChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        # A number beyond 64 bits is no force's id, and SQLite cannot take it in an IN list
        # (OverflowError, a server error): refuse it as any other unknown choice.
        for pk in value if isinstance(value, list | tuple) else ():
            text = str(pk).strip()
            if text.lstrip("+-").isdecimal() and abs(int(text)) >= 2**63:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super()._check_values(value)


def _force_choices() -> forms.ModelMultipleChoiceField:
    return _ForceChoiceField(
        label="Forces they act for",
        help_text="For force liaison officers only: select each force or service they report for.",
        queryset=Force.objects.filter(active_until__isnull=True).order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class UserForm(GovukForm):
    """A user's details, role and forces (staff only). Role and forces are checked together."""

    first_name = forms.CharField(label="First name", max_length=150, error_messages={"required": "Enter a first name"})
    last_name = forms.CharField(label="Last name", max_length=150, error_messages={"required": "Enter a last name"})
    email = forms.EmailField(
        label="Email address",
        error_messages={
            "required": "Enter an email address",
            "invalid": "Enter an email address in the correct format, like name@example.gov.uk",
        },
    )
    role = forms.ChoiceField(
        label="Role",
        choices=Role.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select a role", "invalid_choice": "Select a role"},
    )

    def __init__(self, *args, user: User | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["forces"] = _force_choices()
        self.fields["email"].widget.attrs["autocomplete"] = "off"

    def clean_email(self) -> str:
        # Password reset finds the account by email: two accounts must not share one.
        email = self.cleaned_data["email"].strip()
        others = User.objects.filter(email__iexact=email)
        if self.user is not None:
            others = others.exclude(pk=self.user.pk)
        if others.exists():
            raise forms.ValidationError("Another user already has this email address")
        return email

    def clean(self) -> dict:
        data = super().clean()
        role, forces = data.get("role"), data.get("forces") or []
        if role == Role.LIAISON and not forces:
            self.add_error("forces", "Select at least one force for a force liaison officer")
        elif role and role != Role.LIAISON and forces:
            self.add_error(
                "forces", "Only force liaison officers act for a force: clear the forces or choose that role"
            )
        return data


class UserCreateForm(UserForm):
    username = forms.CharField(
        label="Username",
        max_length=150,
        help_text="What they type to sign in. Letters, numbers and . _ - only.",
        error_messages={"required": "Enter a username"},
    )
    field_order = ["first_name", "last_name", "email", "username", "role", "forces"]

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        User.username_validator(username)
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError("A user with this username already exists")
        return username
