"""The clocks as the law and the framework set them, with time frozen: the local policing body's
comments on a police report (56 days, Police Act 1996 s.55), the fire and rescue authority's action
plan (the inspectorate's deadline), and the review of undated findings; and escalation naming the
body that governs the force or service."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from forces.models import Force
from forces.services import register_load
from inspections import rules, services
from inspections.models import Inspection, ItemEvent, ReportReply, TrackedItem
from inspections.overdue.alerts import clock_events_notify
from inspections.overdue.clocks import COMMENTS_NEVER, clocks_sweep
from notifications.models import Message
from reporting.selectors import dashboard_headlines
from tests import factories

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
PUBLISHED = dt.date(2026, 1, 5)  # day 1; day 56 is 1 March, day 57 is 2 March


def london(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


def day(n: int) -> dt.date:
    """Day n of the 56, counting publication day as day 1."""
    return PUBLISHED + dt.timedelta(days=n - 1)


def kinds(item) -> list[str]:
    return list(ItemEvent.objects.filter(item=item).order_by("id").values_list("kind", flat=True))


@pytest.fixture
def police_report(force):
    inspection = factories.InspectionFactory(published_on=PUBLISHED)
    undated = dict(target_date=None, category="area_for_improvement")
    items = [
        factories.TrackedItemFactory(finding=factories.FindingFactory(inspection=inspection, **undated), force=force)
        for _ in range(2)
    ]
    return inspection, items


def test_the_comments_are_due_by_day_56_and_overdue_on_day_57(police_report):
    _inspection, items = police_report
    assert rules.comments_due_on(PUBLISHED) == day(56) == dt.date(2026, 3, 1)
    with time_machine.travel(london(2026, 3, 1, 23, 59), tick=False):  # day 56, last minute
        assert clocks_sweep()["comments_flagged"] == 0
        assert dashboard_headlines(items=TrackedItem.objects.all(), today=day(56)).counts["comments_overdue"] == 0
    with time_machine.travel(london(2026, 3, 2, 0, 1), tick=False):  # day 57
        assert clocks_sweep()["comments_flagged"] == 2
        assert clocks_sweep()["comments_flagged"] == 0  # safe to run twice
        assert dashboard_headlines(items=TrackedItem.objects.all(), today=day(57)).counts["comments_overdue"] == 2
    for item in items:
        [event] = ItemEvent.objects.filter(item=item, kind=ItemEvent.Kind.COMMENTS_LATE)
        assert (event.target_date, event.clock_day) == (day(56), day(57))


def test_recording_the_comments_stops_the_clock_and_the_forces_response_is_another_thing(
    police_report, staff_user, force
):
    inspection, items = police_report
    # The force accepting each recommendation is its own response: it does not stop the clock.
    TrackedItem.objects.filter(pk__in=[i.pk for i in items]).update(
        response=TrackedItem.Response.ACCEPTED, responded_on=day(10)
    )
    with time_machine.travel(london(2026, 3, 2, 9), tick=False):
        assert clocks_sweep()["comments_flagged"] == 2
    with time_machine.travel(london(2026, 3, 9, 9), tick=False):
        reply = services.report_reply_record(
            inspection=inspection,
            force=force,
            user=staff_user,
            published_on=dt.date(2026, 3, 6),
            url="https://www.example-pcc.gov.uk/hmicfrs-response",
        )
        assert reply.kind == "comments"
        assert clocks_sweep()["comments_cleared"] == 2
        assert (
            dashboard_headlines(items=TrackedItem.objects.all(), today=dt.date(2026, 3, 9)).counts["comments_overdue"]
            == 0
        )
    for item in items:
        assert kinds(item) == [ItemEvent.Kind.COMMENTS_LATE, ItemEvent.Kind.COMMENTS_LATE_ENDED]
        item.refresh_from_db()
        assert item.comments_overdue_flagged_on is None and item.response == "accepted"


def test_the_liaison_officers_are_told_once_per_report_not_once_per_item(police_report, liaison_user):
    with time_machine.travel(london(2026, 3, 2, 0, 1), tick=False):
        clocks_sweep()
        assert clock_events_notify() == 1
        assert clock_events_notify() == 0
    [message] = Message.objects.filter(reason="comments-late")
    assert message.recipient == liaison_user
    assert "within 56 days" in message.body and "section 55" in message.body
    inspection, _items = police_report
    assert message.subject == f"Cleveland Police · {inspection.reference}: local policing body's comments overdue"


def test_no_comments_clock_runs_on_a_fire_report():
    fire = factories.ForceFactory(name="Cleveland Fire Brigade", kind=Force.Kind.FIRE)
    inspection = factories.InspectionFactory(published_on=PUBLISHED)
    finding = factories.FindingFactory(inspection=inspection, target_date=dt.date(2030, 3, 31))
    item = factories.TrackedItemFactory(finding=finding, force=fire)
    with time_machine.travel(london(2027, 6, 1, 9), tick=False):
        counts = clocks_sweep()
        numbers = dashboard_headlines(items=TrackedItem.objects.all(), today=dt.date(2027, 6, 1)).counts
    assert counts["comments_flagged"] == 0 and numbers["comments_overdue"] == 0
    # No deadline set by the inspectorate: no action-plan clock either.
    assert counts["authority_plan_flagged"] == 0 and numbers["authority_plans_overdue"] == 0
    assert ItemEvent.objects.filter(item=item).count() == 0


def test_the_fire_authoritys_action_plan_runs_to_the_inspectorates_deadline(staff_user):
    fire = factories.ForceFactory(name="Cleveland Fire Brigade", kind=Force.Kind.FIRE)
    inspection = factories.InspectionFactory(published_on=PUBLISHED)
    finding = factories.FindingFactory(inspection=inspection, target_date=dt.date(2030, 3, 31))
    item = factories.TrackedItemFactory(finding=finding, force=fire)
    services.inspection_authority_plan_due_set(inspection=inspection, user=staff_user, due_on=dt.date(2026, 4, 30))
    with time_machine.travel(london(2026, 4, 30, 23, 59), tick=False):
        assert clocks_sweep()["authority_plan_flagged"] == 0
    with time_machine.travel(london(2026, 5, 1, 0, 1), tick=False):
        assert clocks_sweep()["authority_plan_flagged"] == 1
        assert (
            dashboard_headlines(items=TrackedItem.objects.all(), today=dt.date(2026, 5, 1)).counts[
                "authority_plans_overdue"
            ]
            == 1
        )
    with time_machine.travel(london(2026, 5, 4, 9), tick=False):
        reply = services.report_reply_record(
            inspection=inspection,
            force=fire,
            user=staff_user,
            published_on=dt.date(2026, 5, 3),
            url="https://www.example-fire.gov.uk/action-plan",
        )
        assert reply.kind == "action_plan"
        assert clocks_sweep()["authority_plan_cleared"] == 1
    assert kinds(item) == [ItemEvent.Kind.FRA_PLAN_LATE, ItemEvent.Kind.FRA_PLAN_LATE_ENDED]


def test_an_item_that_entered_after_the_replys_deadline_is_never_late_for_it(staff_user, force):
    # An old report imported: the tracker never watched for its body's reply, so it does not call it
    # overdue. The same report's item tracked since the deadline is late as ever.
    fire = factories.ForceFactory(name="Cleveland Fire Brigade", kind=Force.Kind.FIRE)
    inspection = factories.InspectionFactory(published_on=PUBLISHED)
    services.inspection_authority_plan_due_set(inspection=inspection, user=staff_user, due_on=dt.date(2026, 4, 30))
    finding = factories.FindingFactory(inspection=inspection, target_date=dt.date(2030, 3, 31))
    watched = {
        org: factories.TrackedItemFactory(finding=finding, force=org, entered_on=deadline)
        for org, deadline in ((force, day(56)), (fire, dt.date(2026, 4, 30)))
    }
    late_comers = {
        org: factories.TrackedItemFactory(
            finding=factories.FindingFactory(inspection=inspection, target_date=dt.date(2030, 3, 31)),
            force=org,
            entered_on=deadline + dt.timedelta(days=1),
        )
        for org, deadline in ((force, day(56)), (fire, dt.date(2026, 4, 30)))
    }
    today = dt.date(2026, 6, 1)
    with time_machine.travel(london(2026, 6, 1, 9), tick=False):
        counts = clocks_sweep()
    assert (counts["comments_flagged"], counts["authority_plan_flagged"]) == (1, 1)
    for name in ("comments_overdue", "authority_plans_overdue"):
        late = set(TrackedItem.objects.filter(rules.headline_q(name, today=today)).values_list("pk", flat=True))
        assert late & {item.pk for item in watched.values()} and not late & {i.pk for i in late_comers.values()}
    assert [kinds(item) for item in late_comers.values()] == [[], []]


def test_a_reply_is_refused_for_a_national_body_and_before_the_report(staff_user, force):
    inspection = factories.InspectionFactory(published_on=PUBLISHED)
    body = factories.ForceFactory(name="National Police Chiefs' Council", kind=Force.Kind.NATIONAL)
    with pytest.raises(services.TransitionRefused, match="no governing body"):
        services.report_reply_record(
            inspection=inspection, force=body, user=staff_user, published_on=day(30), url="https://example.org/x"
        )
    with pytest.raises(services.TransitionRefused, match="before the report") as refusal:
        services.report_reply_record(
            inspection=inspection, force=force, user=staff_user, published_on=day(0), url="https://example.org/x"
        )
    assert refusal.value.field == "published_on"


def test_an_undated_finding_past_its_review_date_is_review_overdue_never_overdue(force):
    item = factories.TrackedItemFactory(
        force=force,
        finding=factories.FindingFactory(category="area_for_improvement", target_date=None),
        review_by=dt.date(2026, 6, 30),
    )
    with time_machine.travel(london(2026, 6, 30, 23, 59), tick=False):
        assert clocks_sweep()["review_flagged"] == 0
    with time_machine.travel(london(2026, 7, 1, 0, 1), tick=False):
        counts = clocks_sweep()
        numbers = dashboard_headlines(items=TrackedItem.objects.all(), today=dt.date(2026, 7, 1)).counts
    assert counts["review_flagged"] == 1 and counts["overdue_flagged"] == 0
    assert numbers["review_overdue"] == 1 and numbers["overdue"] == 0
    item.refresh_from_db()
    assert item.review_overdue_flagged_on == dt.date(2026, 7, 1)


# --- Escalation names the body that governs the force or service ----------------------------------


@pytest.mark.parametrize(
    ("organisation", "body"),
    [
        ("Cleveland Police", "Escalate to the Police and Crime Commissioner for Cleveland"),  # a PCC
        ("Greater Manchester Police", "Escalate to the Mayor of Greater Manchester"),  # a mayor
        ("Essex County Fire and Rescue Service", "Escalate to the Police, Fire and Crime Commissioner for Essex"),
        ("Cleveland Fire Brigade", "Escalate to the Cleveland Fire Authority"),  # a combined fire authority
    ],
)
def test_escalation_offers_the_body_that_governs_the_organisation(client, manager_user, organisation, body):
    register_load()
    item = factories.TrackedItemFactory(
        force=Force.objects.get(name=organisation), finding=factories.FindingFactory(target_date=dt.date(2026, 1, 31))
    )
    with time_machine.travel(london(2026, 11, 26, 9), tick=False):
        client.force_login(manager_user)
        page = client.get(reverse("oversight:item_review", kwargs={"pk": item.pk})).content.decode()
        assert body in page
        if "Fire" in organisation:  # never the police and crime commissioner for a fire service
            assert "to the police and crime commissioner" not in page.lower()
        response = client.post(
            reverse("oversight:item_review", kwargs={"pk": item.pk}),
            {
                "decision": "escalate_governor",
                "note": "Write to the governing body",
                "next_review_on_day": "1",
                "next_review_on_month": "1",
                "next_review_on_year": "2027",
            },
        )
    assert response.status_code == 302
    review = item.overdue_reviews.get()
    assert f"Escalated to {review.escalated_to}" == review.decision_label
    assert body.removeprefix("Escalate to ") == review.escalated_to


def test_the_governing_body_follows_the_dates(client, manager_user):
    """Greater Manchester Police answered to its commissioner until 7 May 2017, then to the mayor."""
    register_load()
    item = factories.TrackedItemFactory(
        force=Force.objects.get(name="Greater Manchester Police"),
        finding=factories.FindingFactory(target_date=dt.date(2017, 1, 31)),
    )
    with time_machine.travel(london(2017, 5, 7, 12), tick=False):
        client.force_login(manager_user)
        page = client.get(reverse("oversight:item_review", kwargs={"pk": item.pk})).content.decode()
    assert "Escalate to the Police and Crime Commissioner for Greater Manchester" in page
    with time_machine.travel(london(2017, 5, 8, 12), tick=False):
        client.force_login(manager_user)
        page = client.get(reverse("oversight:item_review", kwargs={"pk": item.pk})).content.decode()
    assert "Escalate to the Mayor of Greater Manchester" in page


# --- The comments deadline kept on each item --------------------------------------------------


def _expected_due(item: TrackedItem) -> dt.date:
    """What TrackedItem.comments_due_on must hold, worked out in Python from the rules."""
    item = TrackedItem.objects.select_related("finding__inspection", "force").get(pk=item.pk)
    published = item.finding.inspection.published_on
    if published is None or not rules.comments_apply(kind=item.force.kind):
        return COMMENTS_NEVER
    due = rules.comments_due_on(published)
    replied = ReportReply.objects.filter(inspection=item.finding.inspection, force=item.force).exists()
    return COMMENTS_NEVER if replied or item.entered_on > due else due


def _stored_due(items) -> list:
    return [TrackedItem.objects.get(pk=item.pk).comments_due_on for item in items]


def test_the_sweep_works_out_each_items_comments_deadline_and_each_change_empties_it(police_report, staff_user, force):
    inspection, items = police_report
    assert _stored_due(items) == [None, None]  # new: to be worked out
    with time_machine.travel(london(2026, 2, 1, 9), tick=False):
        clocks_sweep()
    assert _stored_due(items) == [day(56), day(56)] == [_expected_due(i) for i in items]

    with time_machine.travel(london(2026, 3, 2, 9), tick=False):
        assert clocks_sweep()["comments_flagged"] == 2
        reply = services.report_reply_record(
            inspection=inspection,
            force=force,
            user=staff_user,
            published_on=dt.date(2026, 3, 1),
            url="https://www.example-pcc.gov.uk/response",
        )
        assert _stored_due(items) == [None, None]  # the comments recorded: worked out again
        assert clocks_sweep()["comments_cleared"] == 2
        assert _stored_due(items) == [COMMENTS_NEVER, COMMENTS_NEVER] == [_expected_due(i) for i in items]
    with time_machine.travel(london(2026, 3, 3, 9), tick=False):
        # The record removed (entered in error): the clock runs again at the next sweep.
        reply.delete()
        assert _stored_due(items) == [None, None]
        assert clocks_sweep()["comments_flagged"] == 2
    assert _stored_due(items) == [_expected_due(i) for i in items] == [day(56), day(56)]
    assert kinds(items[0]) == [
        ItemEvent.Kind.COMMENTS_LATE,
        ItemEvent.Kind.COMMENTS_LATE_ENDED,
        ItemEvent.Kind.COMMENTS_LATE,
    ]


def test_the_reports_date_and_the_forces_kind_move_the_comments_deadline(police_report, force):
    inspection, items = police_report
    with time_machine.travel(london(2026, 3, 2, 9), tick=False):
        assert clocks_sweep()["comments_flagged"] == 2
        # The report's publication date corrected to a week later: the items are no longer late.
        inspection.published_on = PUBLISHED + dt.timedelta(days=7)
        inspection.save()
        assert _stored_due(items) == [None, None]
        assert clocks_sweep()["comments_cleared"] == 2
        assert _stored_due(items) == [day(63), day(63)] == [_expected_due(i) for i in items]
    with time_machine.travel(london(2026, 3, 9, 9), tick=False):
        assert clocks_sweep()["comments_flagged"] == 2
        # Re-registered as another kind of organisation: no comments clock runs on it.
        force.kind = Force.Kind.OTHER
        force.save()
        assert clocks_sweep()["comments_cleared"] == 2
        assert _stored_due(items) == [COMMENTS_NEVER, COMMENTS_NEVER] == [_expected_due(i) for i in items]
        # A save that changes nothing the deadline depends on leaves it as it was.
        force.name = "Cleveland Police (renamed)"
        force.save()
        assert _stored_due(items) == [COMMENTS_NEVER, COMMENTS_NEVER]


def test_an_item_saved_whole_has_its_deadline_worked_out_again_a_partial_save_does_not(police_report):
    _inspection, items = police_report
    with time_machine.travel(london(2026, 2, 1, 9), tick=False):
        clocks_sweep()
    item = TrackedItem.objects.get(pk=items[0].pk)
    item.latest_progress = "good"
    item.save(update_fields=["latest_progress"])
    assert _stored_due([item]) == [day(56)]
    item.entered_on = day(57)  # entered after the deadline: never late for it
    item.save(update_fields=["entered_on"])
    assert _stored_due([item]) == [None]
    with time_machine.travel(london(2026, 3, 2, 9), tick=False):
        assert clocks_sweep()["comments_flagged"] == 1  # the other item only
    assert _stored_due([item]) == [COMMENTS_NEVER] == [_expected_due(item)]
    item.refresh_from_db()
    item.save()
    assert _stored_due([item]) == [None]


def test_a_flagged_item_put_back_under_embargo_stops_being_overdue(force):
    inspection = factories.InspectionFactory(published_on=PUBLISHED)
    finding = factories.FindingFactory(inspection=inspection, target_date=dt.date(2026, 2, 1))
    item = factories.TrackedItemFactory(finding=finding, force=force, entered_on=PUBLISHED)
    with time_machine.travel(london(2026, 2, 10, 9), tick=False):
        assert clocks_sweep()["overdue_flagged"] == 1
        # Published in error: the report's date moved to next month. Nothing about it is late.
        Inspection.objects.filter(pk=inspection.pk).update(published_on=dt.date(2026, 3, 10))
        counts = clocks_sweep()
    assert counts["overdue_cleared"] == 1
    assert kinds(item) == [ItemEvent.Kind.BECAME_OVERDUE, ItemEvent.Kind.NO_LONGER_OVERDUE]
