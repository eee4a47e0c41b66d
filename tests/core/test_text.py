"""The text policy (core/text.py) and its use by every form's text fields."""

import pytest
from django import forms
from django.urls import reverse

from core.forms import GovukForm, TextPolicyForm
from core.text import LONG_TEXT_MAX, TextRefused, control_character, is_blank, single_line, text_clean
from inspections import services
from inspections.forms import InspectionForm, JudgementForm, UpdateForm
from inspections.models import ProgressUpdate
from users.forms import UserCreateForm


def _clean(text: str, *, multiline: bool = True, max_length: int = 100) -> str:
    return text_clean(text, label="Note", max_length=max_length, multiline=multiline)


def test_text_is_normalised_to_nfc():
    assert _clean("Ynys Mo\u0302n") == "Ynys M\u00f4n"


@pytest.mark.parametrize("brk", ["\r\n", "\r", "\x0b", "\x0c", "\x85", "\u2028", "\u2029"])
def test_every_kind_of_line_break_becomes_a_line_feed(brk):
    assert _clean(f"First line{brk}second line") == "First line\nsecond line"


def test_tabs_are_kept_in_text_and_become_spaces_on_one_line():
    assert _clean("a\tb") == "a\tb"
    assert _clean("a\tb", multiline=False) == "a b"


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x08", "\x1b", "\x7f", "\x9f", "\ufffe"])
def test_other_control_characters_are_removed(char):
    assert _clean(f"Training{char} done") == "Training done"


@pytest.mark.parametrize("text", ["", "   ", "\u200b\u200b", "\ufeff", " \u200d\u2060\u00ad ", "\u0301\u0301", "\t\n"])
def test_text_of_only_invisible_characters_is_empty(text):
    assert is_blank(text)
    assert _clean(text) == ""


def test_invisible_characters_at_the_ends_are_trimmed_inside_kept():
    assert _clean("\u200b Plan agreed\u200d with the PCC \ufeff") == "Plan agreed\u200d with the PCC"


def test_one_line_text_with_a_line_break_is_refused_naming_the_field():
    with pytest.raises(TextRefused, match=r"^Reference must be on one line"):
        text_clean("R-\nX", label="Reference", max_length=20, multiline=False)


def test_over_long_text_is_refused_with_the_limit_and_the_length():
    with pytest.raises(TextRefused, match=r"^Note must be 100 characters or fewer \(it has 101\)$"):
        _clean("x" * 101)
    assert _clean("x" * 100) == "x" * 100


def test_untrimmed_cleaning_keeps_what_surrounds_the_text_for_the_formula_check():
    assert text_clean("\r=cmd", label="Text", max_length=20, multiline=True, trim=False) == "\r=cmd"
    assert text_clean("\u200b", label="Text", max_length=20, multiline=True, trim=False) == ""


def test_control_character_finds_what_a_line_break_does_not_explain():
    assert control_character("a\r\nb\x0bc\td") is None
    assert control_character("ab\x00c") == "\x00"


def test_single_line_makes_an_email_subject_of_anything():
    assert single_line("R-\nX (Cleveland\r\nPolice)\x07", max_length=200) == "R- X (Cleveland Police)"


# --- Every form ------------------------------------------------------------------------------------


def test_a_progress_update_of_only_zero_width_spaces_is_refused_as_empty():
    form = UpdateForm({"version": 1, "narrative": "\u200b\u200b\u200b"})
    assert not form.is_valid()
    assert form.errors["narrative"] == ["Enter the progress update"]


def test_a_progress_update_keeps_its_line_breaks_and_loses_its_control_characters():
    form = UpdateForm({"version": 1, "narrative": "Phase one\x0bdone\x07.\r\nPhase two next."})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["narrative"] == "Phase one\ndone.\nPhase two next."


def test_a_text_area_states_and_enforces_its_limit():
    form = UpdateForm({"version": 1, "narrative": "x" * (LONG_TEXT_MAX + 1)})
    assert form.fields["narrative"].widget.attrs["maxlength"] == str(LONG_TEXT_MAX)
    assert not form.is_valid()
    assert form.errors["narrative"] == [
        f"Progress update must be {LONG_TEXT_MAX:,} characters or fewer (it has {LONG_TEXT_MAX + 1:,})"
    ]


def test_an_optional_field_of_invisible_characters_is_empty_not_refused():
    form = JudgementForm({"item_id": 1, "progress": "good", "commentary": "\u200b \u200b"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["commentary"] == ""


@pytest.mark.django_db
def test_a_reference_typed_with_a_line_break_is_refused():
    form = InspectionForm({"programme": "", "reference": "PEEL-1\nX", "title": "PEEL"})
    assert not form.is_valid()
    assert form.errors["reference"] == ["Reference must be on one line: remove the line break"]


@pytest.mark.django_db
def test_a_name_longer_than_its_limit_is_refused_naming_the_field():
    form = UserCreateForm({"first_name": "A" * 151, "last_name": "B", "email": "a@example.gov.uk"})
    assert not form.is_valid()
    assert form.errors["first_name"] == ["First name must be 150 characters or fewer (it has 151)"]


@pytest.mark.django_db
def test_every_text_field_of_every_form_follows_the_policy():
    import importlib

    importlib.import_module("config.urls")  # every view module, and so every form, imported
    stack, seen = [GovukForm, TextPolicyForm], []
    while stack:
        cls = stack.pop()
        stack += cls.__subclasses__()
        seen.append(cls)
    checked = 0
    for cls in seen:
        try:
            form = cls()
        except TypeError:
            continue  # forms that need arguments: their base is in the list too
        for name, field in form.fields.items():
            takes_text = isinstance(field, forms.CharField) and not isinstance(
                field.widget, (forms.PasswordInput, forms.HiddenInput)
            )
            if takes_text:
                assert getattr(field, "text_policy", False), f"{cls.__name__}.{name}"
                assert field.max_length, f"{cls.__name__}.{name} states no limit"
                checked += 1
    assert checked >= 10


@pytest.mark.django_db
def test_an_update_of_only_zero_width_spaces_is_not_saved_through_the_page_or_the_service(client, liaison_user, item):
    client.force_login(liaison_user)
    response = client.post(
        reverse("inspections:item_update", kwargs={"pk": item.pk}),
        {"version": item.version, "narrative": "\u200b\u200c\u200d\u2060\ufeff"},
    )
    assert response.status_code == 200 and "Enter the progress update" in response.content.decode()
    with pytest.raises(services.TransitionRefused, match="Enter the progress update"):
        services.item_update_post(item=item, user=liaison_user, version=item.version, narrative="\u200b \u200b")
    assert not ProgressUpdate.objects.exists()
