from django import forms

from core.forms import GovukDateField, GovukForm
from oversight.models import OverdueReview


class OverdueReviewForm(GovukForm):
    """One decision for one or more overdue items. `governor` names the body the escalation would
    go to (one item, or items all governed by the same body); None removes the choice (a national
    body answers to no governing body here)."""

    decision = forms.ChoiceField(
        label="Decision",
        choices=OverdueReview.Decision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a decision"},
    )
    note = forms.CharField(
        label="Note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Required for every decision but “Keep monitoring”. The force's staff lead sees it in an escalation.",
    )
    next_review_on = GovukDateField(
        label="Next review",
        help_text="For example, 27 3 2027",
        error_messages={"required": "Enter the date of the next review"},
    )

    def __init__(self, *args, governor: str | None = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = []
        for value, label in OverdueReview.Decision.choices:
            if value == OverdueReview.Decision.ESCALATE_GOVERNOR:
                if governor is None:
                    continue
                if governor:
                    label = f"Escalate to {governor}"
            choices.append((value, label))
        self.fields["decision"].choices = choices

    def clean(self) -> dict:
        data = super().clean()
        decision = data.get("decision")
        if decision and decision != OverdueReview.Decision.KEEP_MONITORING and not (data.get("note") or "").strip():
            self.add_error("note", "Enter a note to explain the decision")
        return data
