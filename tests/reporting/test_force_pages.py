import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from forces.models import Force
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 26)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2026, 11, 26, 12, tzinfo=dt.UTC), tick=False):
        yield


def test_force_page_shows_counts_items_inspections_and_liaison_officers(client, staff_user, liaison_user, force):
    overdue = factories.TrackedItemFactory(
        force=force, finding=factories.FindingFactory(reference="OVR1", target_date=TODAY - dt.timedelta(days=10))
    )
    factories.TrackedItemFactory(
        force=force, finding=factories.FindingFactory(reference="SOON1", target_date=TODAY + dt.timedelta(days=10))
    )
    factories.TrackedItemFactory(
        force=force, status="complete", closed_on=TODAY, finding=factories.FindingFactory(reference="DONE1")
    )
    client.force_login(staff_user)
    html = client.get(reverse("forces:force_detail", args=[force.slug])).content.decode()
    assert '<span class="app-headline__number">2</span><span class="app-headline__label">Open</span>' in html
    assert '<span class="app-headline__number">1</span><span class="app-headline__label">Overdue</span>' in html
    assert "OVR1" in html and "SOON1" in html
    assert "DONE1" not in html  # the page lists open items; the link opens them all
    assert "All 3 of Cleveland Police" in html
    assert overdue.finding.inspection.title in html
    assert str(liaison_user) in html


def test_force_page_marks_engage(client, staff_user, force):
    force.monitoring_stage = Force.MonitoringStage.ENGAGE
    force.save()
    client.force_login(staff_user)
    html = client.get(reverse("forces:force_detail", args=[force.slug])).content.decode()
    assert "enhanced monitoring" in html
    assert "Engage</strong>" in html


def test_force_list_filters_and_counts(client, staff_user, force, other_force):
    other_force.region = "London"
    other_force.save()
    factories.TrackedItemFactory(force=force)
    client.force_login(staff_user)
    html = client.get(reverse("forces:force_list"), {"region": "London"}).content.decode()
    assert other_force.name in html
    assert force.name not in html.split("Results")[1]
    assert "1 force or service" in html


def test_a_liaison_sees_only_their_force_in_the_list(client, liaison_user, force, other_force):
    client.force_login(liaison_user)
    html = client.get(reverse("forces:force_list")).content.decode()
    assert force.name in html
    assert other_force.name not in html
