"""The admin reads tracked items; it never changes their lifecycle behind the services' back."""

import datetime as dt

import pytest
from django.urls import reverse

from inspections.models import ItemEvent, TrackedItem
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser():
    return factories.UserFactory(username="root", is_staff=True, is_superuser=True)


def test_a_superuser_posting_the_item_change_form_changes_nothing(client, superuser, item):
    client.force_login(superuser)
    url = reverse("admin:inspections_trackeditem_change", args=[item.pk])
    page = client.get(url)
    assert page.status_code == 200
    before = TrackedItem.objects.values().get(pk=item.pk)
    client.post(
        url,
        {
            "status": "withdrawn",
            "closed_on": "2026-01-01",
            "current_target_date": "2030-12-31",
            "original_target_date": "2030-12-31",
            "version": "99",
        },
    )
    after = TrackedItem.objects.values().get(pk=item.pk)
    assert after == before
    assert not ItemEvent.objects.filter(item=item).exists()


def test_the_admin_offers_no_way_to_add_or_delete_items_or_rewrite_their_timeline(client, superuser, item):
    event = ItemEvent.objects.create(item=item, kind=ItemEvent.Kind.UPDATE, at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    client.force_login(superuser)
    assert client.get(reverse("admin:inspections_trackeditem_add")).status_code == 403
    assert (
        client.post(reverse("admin:inspections_trackeditem_delete", args=[item.pk]), {"post": "yes"}).status_code == 403
    )
    assert (
        client.post(reverse("admin:inspections_itemevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    )
    assert TrackedItem.objects.filter(pk=item.pk).exists()
    assert ItemEvent.objects.filter(pk=event.pk).exists()
