from django import forms

from core.forms import GovukForm
from imports.selectors import inspections_for_import
from inspections.models import Inspection


class UploadForm(GovukForm):
    # Typed, not chosen from a list: the tracker can hold thousands of inspections.
    inspection = forms.ModelChoiceField(
        queryset=Inspection.objects.none(),
        to_field_name="reference",
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-!-width-one-half", "spellcheck": "false"}),
        label="Inspection reference (optional)",
        required=False,
        help_text=(
            "The report these findings belong to, for example PEEL-2025-CLE. Leave it empty when the file "
            "has a report_reference (or report_title) column: then one file may hold many reports, new or "
            "already in the tracker."
        ),
        error_messages={
            "invalid_choice": "No inspection in the tracker has that reference: check it, or leave it empty "
            "and name the report on each row"
        },
    )
    file = forms.FileField(
        label="Findings file",
        help_text="A CSV (saved as CSV UTF-8) or an Excel workbook (.xlsx), in the layout of the template.",
        error_messages={"required": "Select a CSV or Excel file", "empty": "The selected file is empty"},
    )
    history_file = forms.FileField(
        label="History file (optional)",
        required=False,
        help_text=(
            "Dated status changes and comments for the items in the findings file (columns reference, force, "
            "date, status, comment), as the inspectorate's register shows them. A workbook may hold them "
            'instead in a sheet called "History".'
        ),
        error_messages={"empty": "The selected history file is empty"},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["inspection"].queryset = inspections_for_import()
