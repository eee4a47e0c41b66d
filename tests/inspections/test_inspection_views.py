"""Staff add and edit an inspection's every field in the service; the page shows its history."""

import datetime as dt

import pytest
from django.urls import reverse

from inspections.models import Inspection, Programme
from tests import factories

pytestmark = pytest.mark.django_db


def form_data(**changes) -> dict:
    data = {
        "programme": Programme.objects.get(slug="ncpi").pk,
        "reference": "NCPI-2017-CLE",
        "title": "Cleveland: National child protection inspection",
        "published_on_day": "21",
        "published_on_month": "9",
        "published_on_year": "2017",
        "fieldwork_start_day": "8",
        "fieldwork_start_month": "5",
        "fieldwork_start_year": "2017",
        "fieldwork_end_day": "19",
        "fieldwork_end_month": "5",
        "fieldwork_end_year": "2017",
        "report_url": "https://www.example.org/ncpi",
        "lead_inspector": "Mike Cunningham",
        "summary": "What we found:\r\n- slow progress\r\n- a backlog",
    }
    return {**data, **changes}


def test_staff_add_an_inspection_with_every_field(client, staff_user, force):
    client.force_login(staff_user)
    page = client.get(reverse("inspections:inspection_create")).content.decode()
    assert "Police forces" in page and force.name in page
    response = client.post(reverse("inspections:inspection_create"), form_data(forces_police=[force.pk]))
    inspection = Inspection.objects.get(reference="NCPI-2017-CLE")
    assert response["Location"] == reverse("inspections:inspection_detail", args=[inspection.pk])
    assert (inspection.fieldwork_end, inspection.lead_inspector) == (dt.date(2017, 5, 19), "Mike Cunningham")
    assert list(inspection.forces.all()) == [force]
    page = client.get(response["Location"]).content.decode()
    assert '<ul class="govuk-list govuk-list--bullet"><li>slow progress</li><li>a backlog</li></ul>' in page
    assert "Change history" in page


def test_adding_from_the_import_page_returns_there(client, staff_user):
    client.force_login(staff_user)
    response = client.post(f"{reverse('inspections:inspection_create')}?then=import", form_data())
    inspection = Inspection.objects.get()
    assert response["Location"] == f"{reverse('imports:upload')}?inspection={inspection.reference}"


def test_staff_edit_an_inspection_and_the_change_is_in_its_history(client, staff_user, force, other_force):
    inspection = factories.InspectionFactory(reference="PEEL-1", title="Old title")
    inspection.forces.add(force)
    client.force_login(staff_user)
    page = client.get(reverse("inspections:inspection_edit", args=[inspection.pk])).content.decode()
    assert 'value="Old title"' in page and "checked" in page
    response = client.post(
        reverse("inspections:inspection_edit", args=[inspection.pk]),
        form_data(
            reference="PEEL-1",
            title="New title",
            forces_police=[force.pk, other_force.pk],
            updated_at=inspection.updated_at.isoformat(),
        ),
    )
    assert response.status_code == 302
    inspection.refresh_from_db()
    assert inspection.title == "New title" and inspection.forces.count() == 2
    page = client.get(reverse("inspections:inspection_detail", args=[inspection.pk])).content.decode()
    assert "Title: Old title → New title" in page
    assert f"Forces: {force.name} → {force.name}, {other_force.name}" in page


def test_a_bad_form_keeps_what_was_typed_and_says_what_to_change(client, staff_user):
    factories.InspectionFactory(reference="TAKEN")
    client.force_login(staff_user)
    response = client.post(
        reverse("inspections:inspection_create"),
        form_data(reference="taken", fieldwork_end_day="1", follows_up="NOPE", report_url="not a link"),
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Fieldwork must end on or after the day it starts" in page
    assert "Enter the reference of an inspection in the tracker" in page
    assert "Enter the report link as a web address" in page
    assert 'value="Cleveland: National child protection inspection"' in page
    response = client.post(reverse("inspections:inspection_create"), form_data(reference="taken"))
    assert "An inspection with this reference exists" in response.content.decode()


def test_an_edit_over_someone_elses_keeps_the_form_and_says_so(client, staff_user):
    inspection = factories.InspectionFactory(reference="PEEL-1")
    client.force_login(staff_user)
    stale = (inspection.updated_at - dt.timedelta(minutes=5)).isoformat()
    response = client.post(
        reverse("inspections:inspection_edit", args=[inspection.pk]), form_data(reference="PEEL-1", updated_at=stale)
    )
    assert "changed by someone else while you were editing it" in response.content.decode()
    inspection.refresh_from_db()
    assert inspection.title != "Cleveland: National child protection inspection"


def test_only_staff_see_the_links_to_add_and_edit(client, staff_user, manager_user):
    inspection = factories.InspectionFactory()
    for user, shown in ((staff_user, True), (manager_user, False)):
        client.force_login(user)
        listing = client.get(reverse("inspections:inspection_list")).content.decode()
        detail = client.get(reverse("inspections:inspection_detail", args=[inspection.pk])).content.decode()
        assert ("Add an inspection" in listing) is shown
        assert ("Edit this inspection" in detail) is shown
