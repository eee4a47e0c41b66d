from django import forms

from core.forms import GovukDateField, GovukForm, GovukModelForm
from imports.selectors import inspections_for_import
from inspections.models import Inspection


class InspectionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Inspection) -> str:
        return f"{obj.reference}: {obj.title}"


class UploadForm(GovukForm):
    inspection = InspectionChoiceField(
        queryset=Inspection.objects.none(),
        label="Inspection",
        empty_label="Choose the inspection",
        help_text="The report these findings belong to.",
        error_messages={"required": "Choose the inspection the findings belong to"},
    )
    file = forms.FileField(
        label="Upload a file",
        help_text="A CSV (saved as CSV UTF-8) or an Excel workbook (.xlsx), in the layout of the template.",
        error_messages={"required": "Select a CSV or Excel file", "empty": "The selected file is empty"},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["inspection"].queryset = inspections_for_import()


class InspectionForm(GovukModelForm):
    published_on = GovukDateField(label="Published on", required=False, help_text="For example, 27 3 2026")

    class Meta:
        model = Inspection
        fields = ["programme", "reference", "title", "published_on"]
        labels = {"programme": "Programme", "reference": "Reference", "title": "Title"}
        help_texts = {"reference": "For example NCPI-2026-01. It must be unique."}
        error_messages = {
            "programme": {"required": "Choose the programme"},
            "reference": {"required": "Enter the reference", "unique": "An inspection with this reference exists"},
            "title": {"required": "Enter the title"},
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].empty_label = "Choose the programme"
