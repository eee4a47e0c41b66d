from django import forms

from core.forms import GovukDateField, GovukForm
from oversight.models import OverdueReview


class OverdueReviewForm(GovukForm):
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

    def clean(self) -> dict:
        data = super().clean()
        decision = data.get("decision")
        if decision and decision != OverdueReview.Decision.KEEP_MONITORING and not (data.get("note") or "").strip():
            self.add_error("note", "Enter a note to explain the decision")
        return data
