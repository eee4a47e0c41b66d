from django import forms

from core.forms import GovukForm
from imports.selectors import inspections_for_import
from inspections.models import Inspection


class InspectionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Inspection) -> str:
        return f"{obj.reference}: {obj.title}"


class UploadForm(GovukForm):
    inspection = InspectionChoiceField(
        queryset=Inspection.objects.none(),
        label="Inspection (optional)",
        required=False,
        empty_label="The file names the report on each row",
        help_text=(
            "The report these findings belong to. Leave it when the file has a report_reference (or "
            "report_title) column: then one file may hold many reports, new or already in the tracker."
        ),
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
