"""Forms for an item's actions and for follow-up reviews. Every item form carries the version of
the item it was shown, so the service can refuse a change made on a stale page."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from accounts.models import User
from accounts.roles import GROUP_NAMES, Role
from core.forms import GovukDateField, GovukForm
from inspections import services
from inspections.models import EvidenceFile, Inspection, Judgement, Theme, TrackedItem


class VersionedForm(GovukForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def refusal(self, error: services.TransitionRefused) -> None:
        """Show a service's refusal beside its field, or at the top."""
        field = error.field if error.field in self.fields else None
        self.add_error(field, error.message)

    def show_changed(self, item: TrackedItem) -> None:
        """The item moved on: keep everything typed, tell the user, and carry the new version so a
        deliberate second submission is possible after they have looked."""
        self.add_error(None, f"{services.CHANGED_MESSAGE}. Check what changed below, then submit again.")
        data = self.data.copy()
        data[self.add_prefix("version")] = item.version
        self.data = data


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    """Several files; each checked from its bytes (type and size) when the form is cleaned."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        single = super().clean
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        if not files:
            if self.required:
                raise ValidationError("Attach at least one evidence file")
            return []
        if len(files) > settings.EVIDENCE_MAX_FILES:
            raise ValidationError(
                f"Choose at most {settings.EVIDENCE_MAX_FILES} files for one update (you chose {len(files)}). "
                "Post the rest with another update."
            )
        cleaned = [single(upload, initial) for upload in files]
        errors = []
        for upload in cleaned:
            try:
                services.evidence_content_type(upload=upload)
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return cleaned


EVIDENCE_HELP = (
    "PDF, Word, Excel, PNG, JPEG or GIF files, each up to {mb} MB. You can choose up to {files}. "
    "If the page shows an error, choose the files again."
)


def _evidence_help() -> str:
    return EVIDENCE_HELP.format(mb=settings.EVIDENCE_MAX_BYTES // (1024 * 1024), files=settings.EVIDENCE_MAX_FILES)


class ResponseForm(VersionedForm):
    response = forms.ChoiceField(
        label="The force's response",
        choices=[(value, label) for value, label in TrackedItem.Response.choices if value != "pending"],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the force accepts the recommendation"},
    )
    reason = forms.CharField(
        label="Reason",
        help_text="Required when the recommendation is partially accepted or not accepted.",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("response") in TrackedItem.REASONED_RESPONSES and not cleaned.get("reason", "").strip():
            self.add_error("reason", "Give a reason when the recommendation is not fully accepted")
        return cleaned


class UpdateForm(VersionedForm):
    narrative = forms.CharField(
        label="Progress update",
        help_text="What the force has done since the last update, and what comes next.",
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": "Enter the progress update"},
    )
    files = EvidenceField(label="Evidence (optional)", required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = _evidence_help()


class SubmitForm(VersionedForm):
    narrative = forms.CharField(
        label="What the force has done",
        help_text="Say how the recommendation has been met. The inspectorate verifies it before closing it.",
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": "Describe what the force has done"},
    )
    existing_evidence = forms.ModelMultipleChoiceField(
        label="Evidence already attached to this item",
        help_text="Choose any that shows the recommendation is met: the inspectorate sees them with the claim.",
        queryset=EvidenceFile.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    files = EvidenceField(label="New evidence", required=False)

    def __init__(self, *args, item: TrackedItem, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = _evidence_help()
        attached = (
            EvidenceFile.objects.filter(update__item=item).select_related("update").order_by("-created_at", "-id")
        )
        if attached.exists():
            field = self.fields["existing_evidence"]
            field.queryset = attached
            field.label_from_instance = lambda evidence: (
                f"{evidence.download_name} (attached {evidence.created_at:%-d %B %Y})"
            )
        else:
            del self.fields["existing_evidence"]
            self.fields["files"].label = "Evidence"

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("files") and not cleaned.get("existing_evidence") and "files" not in self.errors:
            message = (
                "Attach at least one evidence file, or choose evidence already attached"
                if "existing_evidence" in self.fields
                else "Attach at least one evidence file"
            )
            self.add_error("files", message)
        return cleaned


class ExtensionRequestForm(VersionedForm):
    requested_date = GovukDateField(
        label="New target date",
        help_text="For example, 31 3 2027. It must be after the current target date.",
        error_messages={"required": "Enter the new target date", "incomplete": "Enter the new target date"},
    )
    reason = forms.CharField(
        label="Why the force needs more time",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Give the reason the force needs more time"},
    )


class VerifyForm(VersionedForm):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[("accept", "Accept and close as complete"), ("return", "Return to the force")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to accept the claim or return it"},
    )
    note = forms.CharField(
        label="Closing note, or the reason for returning it",
        help_text="The force sees the reason when the claim is returned.",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter a closing note, or the reason for returning it"},
    )
    public_comment = forms.CharField(
        label="Public comment (optional)",
        help_text=(
            "Published in the public register with today's date, for anyone to read. Write nothing "
            "that names a person or repeats what the force told you in confidence."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )


class ExtensionDecideForm(VersionedForm):
    approve = forms.ChoiceField(
        label="Your decision",
        choices=[("approve", "Approve: move the current target date"), ("refuse", "Refuse")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to approve or refuse the extension"},
    )
    approved_date = GovukDateField(
        label="Approve to an earlier date (optional)",
        help_text="Leave empty to approve the date asked for. An earlier date needs a reason in the note. "
        "For example, 30 9 2027.",
        required=False,
    )
    note = forms.CharField(
        label="Note for the force",
        help_text="Required when refusing, or when approving an earlier date than asked for.",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )


class CloseForm(VersionedForm):
    status = forms.ChoiceField(
        label="Close as",
        choices=[(s.value, s.label.removeprefix("Closed: ").capitalize()) for s in services.CLOSE_AS],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how to close the item"},
    )
    superseded_by = forms.ModelChoiceField(
        label="Superseded by",
        help_text="Only when superseded: the recommendation for this force that replaces it.",
        queryset=TrackedItem.objects.none(),
        required=False,
        empty_label="Choose the recommendation",
    )
    note = forms.CharField(
        label="Closing note",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter a closing note"},
    )
    public_comment = forms.CharField(
        label="Public comment (optional)",
        help_text=(
            "Published in the public register with today's date, for anyone to read. Write nothing "
            "that names a person or repeats what the force told you in confidence."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )

    def __init__(self, *args, item: TrackedItem, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["superseded_by"]
        field.queryset = (
            TrackedItem.objects.filter(force_id=item.force_id)
            .exclude(pk=item.pk)
            .select_related("finding__inspection", "force")
            .order_by("-finding__inspection__published_on", "finding__position", "finding__reference")
        )
        field.label_from_instance = lambda other: (
            f"{other.finding.inspection.reference} {other.finding.reference}: {other.finding.text[:90]}"
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == TrackedItem.Status.SUPERSEDED and not cleaned.get("superseded_by"):
            self.add_error("superseded_by", "Choose the item that supersedes this one")
        return cleaned


class ReopenForm(VersionedForm):
    reason = forms.CharField(
        label="Why the item is reopened",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Give the reason the item is reopened"},
    )


def staff_users():
    return User.objects.filter(is_active=True, groups__name=GROUP_NAMES[Role.STAFF]).distinct()


class ReviewForm(GovukForm):
    ALL, CHOSEN = "all", "chosen"

    review_date = GovukDateField(
        label="Date of the review",
        help_text="For example, 15 1 2026.",
        error_messages={"required": "Enter the date of the review", "incomplete": "Enter the date of the review"},
    )
    reviewer = forms.ModelChoiceField(
        label="Reviewer",
        queryset=User.objects.none(),
        error_messages={"required": "Choose the reviewer"},
        empty_label="Choose the reviewer",
    )
    conclusion = forms.CharField(
        label="Conclusion (optional)",
        help_text="The review's overall finding, for example “slow progress”.",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    scope = forms.ChoiceField(
        label="What the review judges",
        choices=[(ALL, "Every item of the inspection"), (CHOSEN, "Only the items I choose below")],
        widget=forms.RadioSelect,
        initial=ALL,
        required=False,
    )
    items = forms.ModelMultipleChoiceField(
        label="Items to judge",
        help_text="Only when the review judges the items you choose.",
        queryset=TrackedItem.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    next_review_by = GovukDateField(
        label="Next review of undated items by (optional)",
        help_text="Areas for improvement and causes of concern with no target date that this review judges "
        "are next reviewed by this date. For example, 31 3 2028.",
        required=False,
    )

    def __init__(self, *args, inspection: Inspection, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = staff_users()
        field = self.fields["items"]
        field.queryset = (
            TrackedItem.objects.filter(finding__inspection=inspection)
            .select_related("finding", "force")
            .order_by("finding__position", "finding__reference", "force__name")
        )
        field.label_from_instance = lambda item: f"{item.finding.reference} – {item.force.name}"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("scope") == self.CHOSEN and not cleaned.get("items"):
            self.add_error("items", "Choose at least one item, or let the review judge every item")
        if cleaned.get("scope") != self.CHOSEN:
            cleaned["items"] = []
        return cleaned


class ReviewStartForm(GovukForm):
    """From the reviews list: which inspection the new review follows up."""

    inspection = forms.ModelChoiceField(
        label="Inspection reference",
        help_text="For example, NCPI-2017-CLE",
        queryset=Inspection.objects.none(),
        to_field_name="reference",
        widget=forms.TextInput,
        error_messages={
            "required": "Enter the reference of the inspection to review",
            "invalid_choice": "Enter the reference of a published inspection, for example NCPI-2017-CLE",
        },
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["inspection"].queryset = Inspection.objects.filter(published_on__isnull=False)


class JudgementForm(GovukForm):
    item_id = forms.IntegerField(widget=forms.HiddenInput)
    progress = forms.ChoiceField(
        label="Progress",
        choices=Judgement.Progress.choices,
        widget=forms.RadioSelect(attrs={"small": True}),
        required=False,
    )
    commentary = forms.CharField(label="Commentary", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    public_comment = forms.CharField(
        label="Public comment (optional)",
        help_text="Published in the public register.",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )
    # The revisit's verdict: "complete" (or "discharged" for a cause of concern). The item closes
    # only after the confirmation page.
    close = forms.BooleanField(label="Close it", required=False)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("progress") and (
            cleaned.get("commentary", "").strip() or cleaned.get("public_comment", "").strip()
        ):
            self.add_error("progress", "Choose a judgement, or remove the commentary")
        if not cleaned.get("progress") and cleaned.get("close"):
            self.add_error("progress", "Choose a judgement for an item you close")
        return cleaned


class ReportReplyForm(GovukForm):
    published_on = GovukDateField(
        label="Date published",
        help_text="For example, 14 7 2026.",
        error_messages={"required": "Enter the date it was published", "incomplete": "Enter the date it was published"},
    )
    url = forms.URLField(
        label="Link to the published document",
        max_length=500,
        assume_scheme="https",
        error_messages={"required": "Enter the link", "invalid": "Enter a full link, starting https://"},
    )
    note = forms.CharField(label="Note (optional)", widget=forms.Textarea(attrs={"rows": 3}), required=False)


class AuthorityPlanDeadlineForm(GovukForm):
    due_on = GovukDateField(
        label="Action plans due by",
        help_text="Leave empty for no deadline (no clock runs). For example, 30 9 2026.",
        required=False,
    )


class ReviewDatesForm(GovukForm):
    review_by = GovukDateField(
        label="Next review by",
        help_text="For example, 31 3 2028.",
        error_messages={"required": "Enter the next review date", "incomplete": "Enter the next review date"},
    )


JudgementFormSet = forms.formset_factory(JudgementForm, extra=0, can_delete=False)


class ThemeForm(GovukForm):
    name = forms.CharField(label="Name", max_length=80, error_messages={"required": "Enter the theme's name"})
    description = forms.CharField(
        label="Description (optional)",
        help_text="One line, shown beside the theme in the public register.",
        max_length=300,
        required=False,
    )


class FindingThemesForm(GovukForm):
    themes = forms.ModelMultipleChoiceField(
        label="Themes",
        help_text="Choose every theme the finding belongs to, or none.",
        queryset=Theme.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
