"""GOV.UK form rendering for Django forms: widget classes, the GOV.UK date input, error styling,
and the text policy (core/text.py) applied to every text field of every form."""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from core.dates import date_bounds, long_date
from core.text import LONG_TEXT_MAX, SHORT_TEXT_MAX, TextRefused, text_clean

WIDGET_CLASSES: dict[type, str] = {
    forms.Textarea: "govuk-textarea",
    forms.Select: "govuk-select",
    forms.ClearableFileInput: "govuk-file-upload",
    forms.FileInput: "govuk-file-upload",
    forms.CheckboxInput: "govuk-checkboxes__input",
    forms.PasswordInput: "govuk-input",
    forms.EmailInput: "govuk-input",
    forms.NumberInput: "govuk-input govuk-input--width-5",
    forms.TextInput: "govuk-input",
    forms.URLInput: "govuk-input",
    forms.DateInput: "govuk-input govuk-input--width-10",
}
ERROR_CLASSES = {
    "govuk-textarea": "govuk-textarea--error",
    "govuk-select": "govuk-select--error",
    "govuk-file-upload": "govuk-file-upload--error",
    "govuk-input": "govuk-input--error",
}


class GovukDateWidget(forms.MultiWidget):
    """The GOV.UK date input: day, month and year in three boxes."""

    template_name = "django/forms/widgets/govuk_date.html"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__([forms.TextInput(), forms.TextInput(), forms.TextInput()], attrs)
        self.widgets_names = ["_day", "_month", "_year"]

    def decompress(self, value: dt.date | None) -> list:
        if isinstance(value, dt.date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class GovukDateField(forms.MultiValueField):
    """A date typed as day, month and year, within DATE_RANGE_YEARS of today (core.dates) unless
    `bounded=False`: a target of 31/12/9999 is a typing mistake, never a plan."""

    widget = GovukDateWidget

    def __init__(self, *, bounded: bool = True, **kwargs) -> None:
        fields = (forms.CharField(), forms.CharField(), forms.CharField())
        kwargs.setdefault("require_all_fields", False)
        self.bounded = bounded
        super().__init__(fields=fields, **kwargs)

    def clean(self, value):
        date = super().clean(value)
        if date is not None and self.bounded:
            earliest, latest = date_bounds()
            if not earliest <= date <= latest:
                label = self.label or "The date"
                raise ValidationError(f"{label} must be between {long_date(earliest)} and {long_date(latest)}")
        return date

    def compress(self, data_list: list) -> dt.date | None:
        if not data_list or not any(data_list):
            return None
        day, month, year = (part.strip() if part else "" for part in data_list)
        label = self.label or "The date"
        missing = [name for name, part in zip(("day", "month", "year"), (day, month, year), strict=True) if not part]
        if missing:
            raise ValidationError(f"{label} must include a {' and '.join(missing)}")
        if not (day.isdigit() and month.isdigit() and year.isdigit()):
            raise ValidationError(f"{label} must be a real date, written in numbers")
        if len(year) != 4:
            raise ValidationError(f"{label}: the year must include 4 numbers")
        try:
            return dt.date(int(year), int(month), int(day))
        except ValueError:
            raise ValidationError(f"{label} must be a real date") from None


def _label(field: forms.Field, name: str) -> str:
    label = str(field.label or name.replace("_", " ").capitalize())
    return label.removesuffix(" (optional)")


def text_policy_apply(field: forms.CharField, name: str) -> None:
    """Make a text field follow the text policy (core/text.py): its value normalised, control
    characters removed, invisible-only text treated as empty (so a required field says "Enter
    ..."), line breaks refused in one-line fields, and a stated length limit (the field's own
    max_length, else LONG_TEXT_MAX for a text area and SHORT_TEXT_MAX for a one-line box)."""
    if getattr(field, "text_policy", False):
        return
    multiline = getattr(field, "multiline", isinstance(field.widget, forms.Textarea))
    limit = field.max_length or (LONG_TEXT_MAX if multiline else SHORT_TEXT_MAX)
    field.max_length = limit
    field.widget.attrs["maxlength"] = str(limit)
    # The policy refuses over-long text with the field's name; Django's own check would repeat it.
    field.validators = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]
    label = _label(field, name)
    to_python = field.to_python

    def policy_to_python(value):
        value = to_python(value)
        if not isinstance(value, str) or value == "":
            return value
        try:
            cleaned = text_clean(value, label=label, max_length=limit, multiline=multiline)
        except TextRefused as error:
            raise ValidationError(str(error), code="text_policy") from None
        return cleaned if cleaned else field.empty_value

    field.to_python = policy_to_python
    field.text_policy = True


def _takes_text(field: forms.Field) -> bool:
    # Passwords are compared as typed: never normalised. Hidden fields carry the form's own values.
    return isinstance(field, forms.CharField) and not isinstance(field.widget, (forms.PasswordInput, forms.HiddenInput))


class TextPolicyMixin:
    """Every text field of the form follows the text policy (core/text.py)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if _takes_text(field):
                text_policy_apply(field, name)


class TextPolicyForm(TextPolicyMixin, forms.Form):
    """A plain form under the text policy (the API's filters)."""


def _attrs_html(attrs: dict) -> str:
    # django/forms/widgets/attrs.html: False leaves the attribute out, True writes its name alone.
    html = SafeString()
    for name, value in attrs.items():
        if value is not False:
            html += format_html(" {}", name) if value is True else format_html(' {}="{}"', name, str(value))
    return html


_SELECTED = SafeString(" selected")


class FastSelect(forms.Select):
    """forms.Select written out in Python: the same HTML as Django's select.html and
    select_option.html templates, without rendering two templates for each option (a filter panel
    of a hundred forces spent most of a search page's time there)."""

    def render(self, name, value, attrs=None, renderer=None) -> str:
        # Widget.get_context, not ChoiceWidget's: the options are written here from the choices,
        # as ChoiceWidget.optgroups and create_option would make them (a Select's options inherit
        # no attributes; the first option whose value matches is the selected one).
        widget = forms.Widget.get_context(self, name, value, attrs)["widget"]
        if self.allow_multiple_selected:
            widget["attrs"]["multiple"] = True
        chosen, has_selected = set(widget["value"]), False
        parts = [format_html('<select name="{}"{}>', widget["name"], _attrs_html(widget["attrs"]))]
        for option_value, option_label in self.choices:
            grouped = isinstance(option_label, (list, tuple))
            if grouped:
                parts.append(format_html('\n  <optgroup label="{}">', option_value))
            for sub_value, sub_label in option_label if grouped else [(option_value, option_label)]:
                sub_value = "" if sub_value is None and not grouped else sub_value
                selected = (not has_selected or self.allow_multiple_selected) and str(sub_value) in chosen
                has_selected |= selected
                parts.append(
                    format_html(
                        '\n  <option value="{}"{}>{}</option>\n',
                        str(sub_value),
                        _SELECTED if selected else "",
                        sub_label,
                    )
                )
            if grouped:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 (every part escaped by format_html)


class GovukFormMixin(TextPolicyMixin):
    """Adds GOV.UK classes to every widget, and the error variant to fields with errors; every text
    field follows the text policy."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, (forms.RadioSelect, forms.CheckboxSelectMultiple, GovukDateWidget)):
                continue
            if type(widget) is forms.Select:
                widget.__class__ = FastSelect  # the same HTML, written without a template per option
            for cls, css in WIDGET_CLASSES.items():
                if isinstance(widget, cls):
                    existing = widget.attrs.get("class", "")
                    widget.attrs["class"] = f"{css} {existing}".strip()
                    break

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name not in self.fields:
                continue
            widget = self.fields[name].widget
            widget.attrs["aria-invalid"] = "true"
            if isinstance(widget, GovukDateWidget):
                widget.attrs["has_error"] = True
                continue
            classes = widget.attrs.get("class", "")
            for base, error in ERROR_CLASSES.items():
                if base in classes.split() and error not in classes:
                    widget.attrs["class"] = f"{classes} {error}"
                    break


class GovukForm(GovukFormMixin, forms.Form):
    pass


class GovukModelForm(GovukFormMixin, forms.ModelForm):
    pass
