"""The embargo: an inspection whose publication date has not come (London date) is seen by the
inspectorate (staff and managers) only. To a force it does not exist: not in a list, a count, a
page, a download, open data, the API or an email, and no clock runs on it, until its date.
tests/access/test_embargo.py checks every page of the service for every role the same way."""

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from core.dates import london_today
from inspections import services
from inspections.models import ItemEvent
from inspections.overdue.clocks import clocks, clocks_sweep
from inspections.overdue.digests import daily_digests_enqueue, weekly_digests_enqueue
from inspections.overdue.reminders import reminders_enqueue
from notifications.models import Message
from notifications.services import messages_deliver
from tests import factories

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
SECRET = "Embargoed: every force must stop the pilot at once"
PUBLICATION = dt.date(2026, 6, 11)
BEFORE = dt.datetime(2026, 6, 10, 23, 30, tzinfo=LONDON)  # 22:30 UTC: the day before in London
ON_THE_DAY = dt.datetime(2026, 6, 11, 0, 30, tzinfo=LONDON)  # 23:30 UTC on 10 June: already the day


@pytest.fixture
def embargoed(force, other_force):
    inspection = factories.InspectionFactory(reference="EMB-2026", title="Embargoed report", published_on=PUBLICATION)
    finding = factories.FindingFactory(
        inspection=inspection, reference="EMB-R1", text=SECRET, target_date=dt.date(2026, 6, 20)
    )
    inspection.forces.add(force)
    return [factories.TrackedItemFactory(finding=finding, force=f) for f in (force, other_force)]


@pytest.fixture
def published(force):
    return factories.TrackedItemFactory(
        force=force, finding__target_date=dt.date(2026, 6, 20), finding__text="A published finding"
    )


def _text(response) -> str:
    if getattr(response, "streaming", False):
        return response.getvalue().decode("utf-8-sig")
    return response.content.decode()


PAGES = [
    reverse("dashboard"),
    reverse("inspections:item_list"),
    reverse("inspections:item_list") + "?q=pilot",
    reverse("inspections:inspection_list"),
    reverse("inspections:review_list"),
    reverse("reporting:item_export") + "?format=csv",
    reverse("register:register_download", kwargs={"fmt": "csv"}),
    reverse("register:register_download", kwargs={"fmt": "json"}),
    reverse("register:feed"),
    reverse("register:home"),
    "/api/v1/items/",
    "/api/v1/findings/",
    "/api/v1/inspections/",
]


@time_machine.travel(BEFORE, tick=False)
def test_a_liaison_officer_sees_nothing_of_an_embargoed_inspection(client, liaison_user, embargoed, published):
    client.force_login(liaison_user)
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
        body = _text(response)
        assert SECRET not in body and "EMB-2026" not in body and "EMB-R1" not in body, url
    item = embargoed[0]
    for url in (
        reverse("inspections:item_detail", kwargs={"pk": item.pk}),
        reverse("inspections:finding_detail", kwargs={"pk": item.finding_id}),
        reverse("inspections:inspection_detail", kwargs={"pk": item.finding.inspection_id}),
        f"/api/v1/items/{item.pk}/",
        f"/api/v1/findings/{item.finding_id}/",
        f"/api/v1/inspections/{item.finding.inspection_id}/",
    ):
        assert client.get(url).status_code == 404, url


@time_machine.travel(BEFORE, tick=False)
def test_a_liaison_officers_counts_leave_the_embargoed_items_out(client, liaison_user, force, embargoed, published):
    client.force_login(liaison_user)
    assert client.get(reverse("inspections:item_list")).context["count"] == 1
    summary = client.get(reverse("dashboard")).context["summaries"]
    assert [(row["name"], row["open"], row["due_soon"]) for row in summary] == [(force.name, 1, 1)]
    forces = client.get(reverse("forces:force_list")).context["table"].data.data
    assert [(f.name, f.open_count) for f in forces] == [(force.name, 1)]
    assert client.get(reverse("forces:force_detail", kwargs={"slug": force.slug})).context["counts"]["total"] == 1


@pytest.mark.parametrize("who", ["staff_user", "manager_user"])
@time_machine.travel(BEFORE, tick=False)
def test_the_inspectorate_sees_it_before_publication(client, who, request, embargoed, published):
    client.force_login(request.getfixturevalue(who))
    assert SECRET in client.get(reverse("inspections:item_list")).content.decode()
    assert client.get(reverse("inspections:item_detail", kwargs={"pk": embargoed[0].pk})).status_code == 200
    assert client.get(reverse("inspections:item_list")).context["count"] == 3


@time_machine.travel(BEFORE, tick=False)
def test_the_public_register_leaves_it_out_even_for_staff(client, staff_user, embargoed, published):
    client.force_login(staff_user)
    rows = list(csv.reader(io.StringIO(_text(client.get(reverse("register:register_download", args=["csv"]))))))
    assert [row[rows[0].index("finding_text")] for row in rows[1:]] == ["A published finding"]


@time_machine.travel(ON_THE_DAY, tick=False)
def test_on_the_london_morning_of_its_date_the_force_sees_it(client, liaison_user, embargoed):
    client.force_login(liaison_user)
    assert london_today() == PUBLICATION
    assert SECRET in client.get(reverse("inspections:item_list")).content.decode()
    assert client.get(reverse("inspections:item_detail", kwargs={"pk": embargoed[0].pk})).status_code == 200
    assert SECRET in _text(client.get(reverse("register:register_download", args=["csv"])))


def test_a_planned_inspection_without_a_date_is_the_inspectorates_only(client, liaison_user, staff_user, force):
    planned = factories.InspectionFactory(reference="PLAN-9", published_on=None)
    planned.forces.add(force)
    factories.TrackedItemFactory(finding__inspection=planned, force=force)
    client.force_login(liaison_user)
    assert "PLAN-9" not in client.get(reverse("inspections:inspection_list")).content.decode()
    client.force_login(staff_user)
    assert "PLAN-9" in client.get(reverse("inspections:inspection_list")).content.decode()


def test_the_sweep_starts_no_clock_before_publication(embargoed):
    item = embargoed[0]
    item.finding.action_plan_due_on = dt.date(2026, 6, 1)
    item.finding.save()
    item.current_target_date = item.original_target_date = dt.date(2026, 1, 1)  # a target already past
    item.status, item.submitted_on = "submitted", dt.date(2026, 1, 2)
    item.save()
    with time_machine.travel(BEFORE, tick=False):
        counts = clocks_sweep()
    assert {name: n for name, n in counts.items() if n} == {}
    assert not ItemEvent.objects.exists()
    with time_machine.travel(ON_THE_DAY, tick=False):
        counts = clocks_sweep()
    assert counts["overdue_flagged"] == 1 and counts["verification_flagged"] == 1


def test_the_clocks_set_on_the_report_wait_for_publication_too(force):
    # A fire report whose authority's action plan is due before it is published (a date set early),
    # and an undated item whose next review date has passed: neither clock runs under embargo.
    fire = factories.ForceFactory(name="Testshire Fire and Rescue Service", kind="fire")
    inspection = factories.InspectionFactory(published_on=PUBLICATION, authority_plan_due_on=dt.date(2026, 6, 1))
    inspection.forces.add(fire)
    # Entered while the report was under embargo, as findings are: before the plan was due.
    factories.TrackedItemFactory(
        finding__inspection=inspection,
        finding__target_date=dt.date(2026, 12, 1),
        force=fire,
        entered_on=dt.date(2026, 5, 1),
    )
    undated = factories.TrackedItemFactory(finding__inspection=inspection, finding__target_date=None, force=force)
    undated.current_target_date = undated.original_target_date = None
    undated.review_by = dt.date(2026, 6, 1)
    undated.save()
    assert {"authority_plan", "review"} <= {clock.name for clock in clocks()}
    with time_machine.travel(BEFORE, tick=False):
        counts = clocks_sweep()
    assert {name: n for name, n in counts.items() if n} == {}
    assert not ItemEvent.objects.exists()
    with time_machine.travel(ON_THE_DAY, tick=False):
        counts = clocks_sweep()
    assert counts["authority_plan_flagged"] == 1 and counts["review_flagged"] == 1


@time_machine.travel(BEFORE, tick=False)
def test_no_reminder_or_digest_mentions_it(liaison_user, manager_user, embargoed, published):
    reminders_enqueue()
    daily_digests_enqueue()
    weekly_digests_enqueue()
    messages_deliver()
    bodies = [m.body + m.subject for m in Message.objects.all()]
    assert bodies, "the published item is reminded of"
    assert all(SECRET not in b and "EMB-R1" not in b for b in bodies)
    assert all(SECRET not in m.body and "EMB-R1" not in m.subject for m in mail.outbox)


@time_machine.travel(BEFORE, tick=False)
def test_a_decision_on_an_embargoed_item_emails_no_one_at_the_force(liaison_user, staff_user, embargoed):
    item = embargoed[0]
    services.item_close(item=item, user=staff_user, version=item.version, status="withdrawn", note="Withdrawn")
    assert not Message.objects.filter(recipient=liaison_user).exists()
