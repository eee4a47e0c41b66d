"""core.forms.FastSelect writes exactly the HTML Django's own Select renders from its templates, for
every kind of choice and value, so that swapping it into every GOV.UK form changes nothing a
browser or assistive technology receives."""

import pytest
from django import forms

from core.forms import FastSelect, GovukForm
from forces.models import Force
from tests import factories

CHOICES = [
    ("", "All <forces> & bodies"),
    (1, 'Avon & "Somerset"'),
    ("Grouped", [(2, "Two"), (3, "<b>Three</b>")]),
    (4, "Four"),
    (None, "Nothing"),
    ("dup", "First"),
    ("dup", "Second"),
]
ATTRS = {"class": "govuk-select", "disabled": False, "required": True, "aria-describedby": 'x-hint "q"'}


@pytest.mark.parametrize("value", [None, "", 1, "1", "3", ["2"], "dup", "missing"])
def test_the_same_html_as_djangos_select(value):
    django = forms.Select(choices=CHOICES, attrs=ATTRS).render("force", value, attrs={"id": "id_force"})
    fast = FastSelect(choices=CHOICES, attrs=ATTRS).render("force", value, attrs={"id": "id_force"})
    assert fast == django
    assert "&lt;b&gt;Three&lt;/b&gt;" in fast  # labels escaped


def test_multiple_selection_is_the_same_too():
    values = ["1", "3", "dup"]
    django = forms.SelectMultiple(choices=CHOICES).render("forces", values)

    class FastMultiple(FastSelect):
        allow_multiple_selected = True

    assert FastMultiple(choices=CHOICES).render("forces", values) == django
    assert django.count(" selected") == 4  # both "dup" options, as Django marks them


@pytest.mark.django_db
def test_every_govuk_forms_plain_select_is_fast_with_model_choices():
    for name in ("Cleveland Police", "Durham Constabulary"):
        factories.ForceFactory(name=name)

    class Chosen(GovukForm):
        force = forms.ModelChoiceField(queryset=Force.objects.order_by("name"), to_field_name="slug")
        colour = forms.ChoiceField(choices=[("red", "Red")], widget=forms.RadioSelect)

    form = Chosen(data={"force": "durham-constabulary"})
    assert type(form.fields["force"].widget) is FastSelect
    assert type(form.fields["colour"].widget) is forms.RadioSelect
    expected = forms.Select(choices=form.fields["force"].choices, attrs={"class": "govuk-select"}).render(
        "force", "durham-constabulary", attrs={"required": True, "id": "id_force"}
    )
    assert str(form["force"]) == expected
    assert '<option value="durham-constabulary" selected>Durham Constabulary</option>' in expected
