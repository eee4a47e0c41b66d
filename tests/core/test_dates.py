"""Every date typed into the service lies within DATE_RANGE_YEARS (20) of today: a target or a
next review of 31/12/9999 is refused with the range, and the service refuses it too."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from core.dates import date_bounds
from imports.services import import_batch_create
from inspections import services
from oversight.models import OverdueReview
from tests import factories
from tests.imports.test_services import csv_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 11, 27, 12, 0, tzinfo=ZoneInfo("Europe/London")), tick=False):
        yield


def test_the_range_is_twenty_years_either_side_of_the_london_date():
    assert date_bounds() == (dt.date(2006, 11, 27), dt.date(2046, 11, 27))
    assert date_bounds(today=dt.date(2028, 2, 29)) == (dt.date(2008, 2, 29), dt.date(2048, 2, 29))
    assert date_bounds(today=dt.date(2024, 2, 29))[1] == dt.date(2044, 2, 29)
    assert date_bounds(today=dt.date(2025, 2, 28)) == (dt.date(2005, 2, 28), dt.date(2045, 2, 28))


def test_a_target_date_in_9999_is_refused_and_keeps_what_was_typed(client, liaison_user, item):
    client.force_login(liaison_user)
    response = client.post(
        reverse("inspections:item_extension_request", kwargs={"pk": item.pk}),
        {
            "version": item.version,
            "reason": "The new system is late.",
            "requested_date_day": "31",
            "requested_date_month": "12",
            "requested_date_year": "9999",
        },
    )
    page = response.content.decode()
    assert "New target date must be between 27 November 2006 and 27 November 2046" in page
    assert "The new system is late." in page
    assert not item.extensions.exists()


def test_the_service_refuses_a_target_beyond_the_range(liaison_user, item):
    with pytest.raises(services.TransitionRefused, match="on or before 27 November 2046"):
        services.extension_request(
            item=item, user=liaison_user, version=item.version, requested_date=dt.date(2046, 11, 28), reason="Late"
        )


def test_a_next_review_in_9999_is_refused(client, manager_user, force):
    item = factories.TrackedItemFactory(force=force, finding__target_date=dt.date(2025, 1, 1))
    client.force_login(manager_user)
    response = client.post(
        reverse("oversight:item_review", kwargs={"pk": item.pk}),
        {
            "decision": "chase",
            "note": "Chased.",
            "next_review_on_day": "31",
            "next_review_on_month": "12",
            "next_review_on_year": "9999",
        },
    )
    assert "Next review must be between 27 November 2006 and 27 November 2046" in response.content.decode()
    assert not OverdueReview.objects.exists()


def test_an_imported_target_date_beyond_the_range_is_a_row_problem(staff_user):
    factories.ForceFactory(name="Cleveland Police")
    data = csv_bytes([["R1", "recommendation", "Text", "Cleveland Police", "31/12/9999", ""]])
    batch = import_batch_create(user=staff_user, inspection=factories.InspectionFactory(), data=data, name="f.csv")
    assert batch.rows[0]["problems"] == ["Target date: must be between 27 November 2006 and 27 November 2046"]


def test_a_list_filter_may_ask_about_any_real_date(client, staff_user):
    client.force_login(staff_user)
    response = client.get(
        reverse("inspections:item_list"), {"target_from_day": "1", "target_from_month": "1", "target_from_year": "1990"}
    )
    assert response.status_code == 200
    assert response.context["filter"].form.is_valid()
