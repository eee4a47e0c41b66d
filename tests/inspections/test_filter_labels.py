"""Every drop-down of every filter starts with words saying what choosing nothing means, never
django-filter's "---------"."""

import pytest
from django import forms

from inspections.filters import DashboardFilter, InspectionFilter, ItemFilter, ReviewFilter
from oversight.filters import QueueFilter, ReviewQueueFilter
from register.filters import RegisterFilter
from reporting.filters import ForceFilter

pytestmark = pytest.mark.django_db

FILTERS = [
    DashboardFilter,
    ItemFilter,
    InspectionFilter,
    ForceFilter,
    ReviewFilter,
    QueueFilter,
    ReviewQueueFilter,
    RegisterFilter,
]
UNSCOPED = (QueueFilter, RegisterFilter)  # take no user


def _empty_labels(filterset) -> dict[str, str]:
    labels = {}
    for name, field in filterset.form.fields.items():
        if isinstance(field, forms.ChoiceField) and isinstance(field.widget, forms.Select):
            value, label = next(iter(field.choices))
            assert value == "", f"{name}: the first choice is not the empty one"
            labels[name] = str(label)
    return labels


@pytest.mark.parametrize("filter_class", FILTERS, ids=lambda c: c.__name__)
def test_every_empty_choice_says_what_it_means(filter_class, staff_user, force):
    kwargs = {} if filter_class in UNSCOPED else {"user": staff_user}
    labels = _empty_labels(filter_class(None, **kwargs))
    assert labels, "no drop-down to check"
    for name, label in labels.items():
        assert label.strip("- ") and "---" not in label, f"{filter_class.__name__}.{name}: {label!r}"


def test_the_same_choice_reads_the_same_everywhere(staff_user, force):
    every = {}
    for filter_class in FILTERS:
        kwargs = {} if filter_class in UNSCOPED else {"user": staff_user}
        for name, label in _empty_labels(filter_class(None, **kwargs)).items():
            every.setdefault(name, set()).add(label)
    assert every["region"] == {"All regions"}
    assert every["programme"] == {"All programmes"}
    assert every["kind"] == {"All kinds"}
    assert every["theme"] == {"All themes"}


def test_the_list_page_renders_the_words(client, staff_user):
    client.force_login(staff_user)
    html = client.get("/recommendations/").content.decode()
    assert '<option value="" selected>All regions</option>' in html
    assert "---------" not in html
