"""Forms for an item's actions and for follow-up reviews. Every item form carries the version of
the item it was shown, so the service can refuse a change made on a stale page."""

import datetime as dt

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from accounts.models import User
from accounts.roles import GROUP_NAMES, Role
from core.forms import GovukDateField, GovukForm
from forces.models import Force
from inspections import services
from inspections.models import EvidenceFile, Inspection, Judgement, Programme, Theme, TrackedItem


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
    # Typed, not chosen from a list: a force can have tens of thousands of items.
    superseded_by = forms.CharField(
        label="Superseded by",
        help_text=(
            "Only when superseded: the references of the inspection and of the finding that replaces "
            "this one for the same force, for example PEEL-2025-CLE R2."
        ),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-!-width-one-half", "spellcheck": "false"}),
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
        self.item = item

    def clean_superseded_by(self) -> TrackedItem | None:
        """The force's item named by its inspection and finding references ("PEEL-2025-CLE R2")."""
        text = " ".join(self.cleaned_data.get("superseded_by", "").split())
        if not text:
            return None
        inspection_ref, _, finding_ref = text.rpartition(" ")
        if not inspection_ref:
            raise forms.ValidationError(
                "Enter the inspection's reference, a space and the finding's, for example PEEL-2025-CLE R2"
            )
        other = (
            TrackedItem.objects.filter(
                force_id=self.item.force_id,
                finding__inspection__reference__iexact=inspection_ref,
                finding__reference__iexact=finding_ref,
            )
            .exclude(pk=self.item.pk)
            .first()
        )
        if other is None:
            raise forms.ValidationError(
                f"{self.item.force.name} has no finding {finding_ref} of an inspection {inspection_ref}: "
                "check both references"
            )
        return other

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


KIND_LEGENDS = {
    Force.Kind.POLICE: "Police forces",
    Force.Kind.FIRE: "Fire and rescue services",
    Force.Kind.OTHER: "Other policing bodies",
    Force.Kind.NATIONAL: "National bodies",
}


class InspectionForm(GovukForm):
    """Every fact an inspection records. The forces inspected are chosen in one group of
    checkboxes per kind of organisation (whatever kinds the register holds)."""

    programme = forms.ModelChoiceField(
        label="Programme",
        queryset=Programme.objects.all(),
        empty_label="Choose the programme",
        error_messages={"required": "Choose the programme"},
    )
    reference = forms.CharField(
        label="Reference",
        max_length=40,
        help_text="For example NCPI-2026-01. It must be unique.",
        error_messages={
            "required": "Enter the reference",
            "max_length": "The reference must be 40 characters or fewer",
        },
    )
    title = forms.CharField(
        label="Title",
        max_length=300,
        error_messages={"required": "Enter the title", "max_length": "The title must be 300 characters or fewer"},
    )
    published_on = GovukDateField(
        label="Published on",
        required=False,
        help_text="Leave empty while the inspection is planned. For example, 27 3 2026",
    )
    fieldwork_start = GovukDateField(label="Fieldwork started", required=False, help_text="For example, 6 1 2026")
    fieldwork_end = GovukDateField(label="Fieldwork ended", required=False, help_text="For example, 17 1 2026")
    report_url = forms.URLField(
        label="Report link",
        required=False,
        max_length=200,
        assume_scheme="https",
        help_text="Where the published report can be read.",
        error_messages={"invalid": "Enter the report link as a web address, like https://www.example.org/report"},
    )
    lead_inspector = forms.CharField(label="Lead inspector", required=False, max_length=120)
    follows_up = forms.CharField(
        label="Follows up (optional)",
        required=False,
        max_length=40,
        help_text="For a post-inspection review or revisit: the reference of the inspection it follows up.",
    )
    summary = forms.CharField(
        label="Summary",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Paragraphs (a blank line between) and lists (lines starting with - or 1.) keep their shape.",
    )
    updated_at = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, inspection: Inspection | None = None, **kwargs) -> None:
        if inspection is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "programme": inspection.programme_id,
                "reference": inspection.reference,
                "title": inspection.title,
                "published_on": inspection.published_on,
                "fieldwork_start": inspection.fieldwork_start,
                "fieldwork_end": inspection.fieldwork_end,
                "report_url": inspection.report_url,
                "lead_inspector": inspection.lead_inspector,
                "follows_up": inspection.follows_up.reference if inspection.follows_up else "",
                "summary": inspection.summary,
                "updated_at": inspection.updated_at.isoformat(),
            }
            chosen = set(inspection.forces.values_list("pk", flat=True))
        else:
            chosen = set()
        super().__init__(*args, **kwargs)
        self.inspection = inspection
        self.kind_fields: list[tuple[str, str]] = []
        by_kind: dict[str, list[tuple[int, str]]] = {}
        for pk, name, kind in Force.objects.filter(active_until__isnull=True).values_list("pk", "name", "kind"):
            by_kind.setdefault(kind, []).append((pk, name))
        for pk in chosen - {pk for choices in by_kind.values() for pk, _ in choices}:
            # An organisation that has since closed stays listed while the inspection names it.
            force = Force.objects.get(pk=pk)
            by_kind.setdefault(force.kind, []).append((pk, f"{force.name} (closed)"))
        labels = dict(Force.Kind.choices)
        for kind, choices in sorted(
            by_kind.items(), key=lambda entry: list(labels).index(entry[0]) if entry[0] in labels else 99
        ):
            name = f"forces_{kind}"
            self.fields[name] = forms.TypedMultipleChoiceField(
                label=KIND_LEGENDS.get(kind, labels.get(kind, kind)),
                choices=sorted(choices, key=lambda choice: choice[1]),
                coerce=int,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
            if inspection is not None:
                self.initial[name] = [pk for pk, _ in choices if pk in chosen]
            self.kind_fields.append((name, self.fields[name].label))

    def main_fields(self):
        return [self[name] for name in self.fields if not name.startswith("forces_") and name != "updated_at"]

    def force_fields(self):
        return [self[name] for name, _ in self.kind_fields]

    def clean_follows_up(self) -> Inspection | None:
        reference = self.cleaned_data["follows_up"].strip()
        if not reference:
            return None
        found = Inspection.objects.filter(reference__iexact=reference).first()
        if found is None:
            raise ValidationError("Enter the reference of an inspection in the tracker, for example NCPI-2017-CLE")
        if self.inspection is not None and found.pk == self.inspection.pk:
            raise ValidationError("An inspection cannot follow itself up")
        return found

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("fieldwork_start"), cleaned.get("fieldwork_end")
        if start and end and end < start:
            self.add_error("fieldwork_end", "Fieldwork must end on or after the day it starts")
        return cleaned

    def seen_updated_at(self) -> dt.datetime | None:
        value = self.cleaned_data.get("updated_at")
        try:
            return dt.datetime.fromisoformat(value) if value else None
        except ValueError:
            return None

    def to_fields(self) -> services.InspectionFields:
        data = self.cleaned_data
        force_ids = [pk for name, _ in self.kind_fields for pk in data.get(name, [])]
        return services.InspectionFields(
            programme=data["programme"],
            reference=data["reference"],
            title=data["title"],
            published_on=data.get("published_on"),
            fieldwork_start=data.get("fieldwork_start"),
            fieldwork_end=data.get("fieldwork_end"),
            report_url=data.get("report_url") or "",
            lead_inspector=data.get("lead_inspector") or "",
            summary=data.get("summary") or "",
            follows_up=data.get("follows_up"),
            forces=tuple(Force.objects.filter(pk__in=force_ids)),
        )

    def refusal(self, error: services.TransitionRefused) -> None:
        field = error.field if error.field in self.fields else None
        self.add_error(field, error.message)
