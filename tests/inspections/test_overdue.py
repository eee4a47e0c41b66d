"""The overdue engine's services, called directly with time frozen."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import transaction

from inspections.models import ItemEvent, TrackedItem
from inspections.overdue.alerts import clock_events_notify
from inspections.overdue.clocks import clocks_sweep
from inspections.overdue.digests import daily_digests_enqueue, weekly_digests_enqueue
from inspections.overdue.reminders import reminders_due, reminders_enqueue
from inspections.overdue.sweep import sweep_run
from inspections.services import item_update_post
from notifications.models import Message
from notifications.services import messages_deliver
from tests import factories

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def london(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


def events(item, kind=ItemEvent.Kind.BECAME_OVERDUE):
    return list(ItemEvent.objects.filter(item=item, kind=kind))


# --- The overdue clock around midnight and both clock changes -----------------------------------


@pytest.mark.parametrize(
    ("target", "before", "after"),
    [
        # Summer time: 00:01 on 1 April in London is 23:01 UTC on 31 March.
        (dt.date(2026, 3, 31), london(2026, 3, 31, 23, 59), london(2026, 4, 1, 0, 1)),
        # The night the clocks go forward (Sunday 29 March 2026, 01:00 GMT -> 02:00 BST).
        (dt.date(2026, 3, 28), london(2026, 3, 28, 23, 59), london(2026, 3, 29, 0, 1)),
        (dt.date(2026, 3, 29), london(2026, 3, 29, 23, 59), london(2026, 3, 30, 0, 1)),
        # The night the clocks go back (Sunday 25 October 2026, 02:00 BST -> 01:00 GMT).
        (dt.date(2026, 10, 24), london(2026, 10, 24, 23, 59), london(2026, 10, 25, 0, 1)),
        (dt.date(2026, 10, 25), london(2026, 10, 25, 23, 59), london(2026, 10, 26, 0, 1)),
        # Winter: London is UTC.
        (dt.date(2026, 1, 15), london(2026, 1, 15, 23, 59), london(2026, 1, 16, 0, 1)),
    ],
)
def test_an_item_becomes_overdue_at_london_midnight(target, before, after):
    item = factories.TrackedItemFactory(finding__target_date=target)
    with time_machine.travel(before, tick=False):
        assert clocks_sweep()["overdue_flagged"] == 0
    item.refresh_from_db()
    assert item.overdue_flagged_on is None and events(item) == []

    with time_machine.travel(after, tick=False):
        assert clocks_sweep()["overdue_flagged"] == 1
    item.refresh_from_db()
    assert item.overdue_flagged_on == after.date()
    [event] = events(item)
    assert (event.target_date, event.clock_day, event.actor) == (target, after.date(), None)
    assert event.at == after


def test_the_utc_date_does_not_decide():
    # 23:01 UTC on 31 March is already 1 April in London (BST).
    item = factories.TrackedItemFactory(finding__target_date=dt.date(2026, 3, 31))
    with time_machine.travel(dt.datetime(2026, 3, 31, 23, 1, tzinfo=dt.UTC), tick=False):
        clocks_sweep()
    item.refresh_from_db()
    assert item.overdue_flagged_on == dt.date(2026, 4, 1)


def test_run_twice_gives_the_same_result():
    items = factories.TrackedItemFactory.create_batch(3, finding__target_date=dt.date(2026, 3, 31))
    factories.TrackedItemFactory(finding__target_date=dt.date(2026, 6, 30))
    with time_machine.travel(london(2026, 4, 2, 9), tick=False):
        first = sweep_run()
        second = sweep_run()
    assert first["overdue_flagged"] == 3
    assert set(second.values()) == {0}
    assert ItemEvent.objects.filter(kind=ItemEvent.Kind.BECAME_OVERDUE).count() == 3
    assert {i.overdue_flagged_on for i in TrackedItem.objects.filter(id__in=[i.id for i in items])} == {
        dt.date(2026, 4, 2)
    }


def test_closing_or_extending_clears_the_flag_once(staff_user):
    closed, extended, still = factories.TrackedItemFactory.create_batch(3, finding__target_date=dt.date(2026, 3, 31))
    with time_machine.travel(london(2026, 4, 2, 9), tick=False):
        clocks_sweep()
    TrackedItem.objects.filter(id=closed.id).update(
        status=TrackedItem.Status.COMPLETE, closed_on=dt.date(2026, 4, 3), closed_by=staff_user
    )
    TrackedItem.objects.filter(id=extended.id).update(current_target_date=dt.date(2026, 9, 30))
    with time_machine.travel(london(2026, 4, 3, 9), tick=False):
        counts = clocks_sweep()
        again = clocks_sweep()
    assert (counts["overdue_cleared"], again["overdue_cleared"]) == (2, 0)
    for item in (closed, extended):
        item.refresh_from_db()
        assert item.overdue_flagged_on is None
        [event] = events(item, ItemEvent.Kind.NO_LONGER_OVERDUE)
        assert event.clock_day == dt.date(2026, 4, 3)
    [event] = events(extended, ItemEvent.Kind.NO_LONGER_OVERDUE)
    assert event.target_date == dt.date(2026, 9, 30)
    still.refresh_from_db()
    assert still.overdue_flagged_on == dt.date(2026, 4, 2)

    # The extended item's new target passes: it becomes overdue again, with the new date.
    with time_machine.travel(london(2026, 10, 1, 0, 1), tick=False):
        clocks_sweep()
    assert [e.target_date for e in events(extended)] == [dt.date(2026, 9, 30), dt.date(2026, 3, 31)]


def test_items_without_a_target_are_never_overdue():
    item = factories.TrackedItemFactory(finding__target_date=None)
    with time_machine.travel(london(2030, 1, 1, 9), tick=False):
        counts = clocks_sweep()
    assert counts["overdue_flagged"] == 0 and events(item) == []


# --- The other clocks ---------------------------------------------------------------------------


def test_action_plan_late_until_the_force_posts_an_update(liaison_user):
    due = dt.date(2026, 6, 12)  # six weeks after an NCPI report published on 1 May
    item = factories.TrackedItemFactory(
        force=liaison_user.liaison_forces.get(),
        finding__category="cause_of_concern",
        finding__action_plan_due_on=due,
        finding__target_date=dt.date(2027, 5, 1),
        response=TrackedItem.Response.ACCEPTED,
    )
    other = factories.ForceFactory()
    officer = factories.UserFactory()
    officer.groups.add(*liaison_user.groups.all())
    factories.LiaisonMembershipFactory(user=officer, force=other)
    on_time = factories.TrackedItemFactory(finding=item.finding, force=other, response=TrackedItem.Response.ACCEPTED)
    with time_machine.travel(london(2026, 6, 1, 9), tick=False):
        item_update_post(item=on_time, user=officer, version=on_time.version, narrative="Our action plan.")
    with time_machine.travel(london(2026, 6, 12, 23, 59), tick=False):
        assert clocks_sweep()["action_plan_flagged"] == 0
    with time_machine.travel(london(2026, 6, 13, 0, 1), tick=False):
        assert clocks_sweep()["action_plan_flagged"] == 1
    [event] = events(item, ItemEvent.Kind.ACTION_PLAN_LATE)
    assert event.target_date == due
    assert events(on_time, ItemEvent.Kind.ACTION_PLAN_LATE) == []
    with time_machine.travel(london(2026, 6, 19, 9), tick=False):
        item.refresh_from_db()
        item_update_post(item=item, user=liaison_user, version=item.version, narrative="Our plan, late.")
    with time_machine.travel(london(2026, 6, 20, 9), tick=False):
        assert clocks_sweep()["action_plan_cleared"] == 1
    assert len(events(item, ItemEvent.Kind.ACTION_PLAN_LATE_ENDED)) == 1


def test_a_closure_claim_waiting_over_30_days_is_the_inspectorates_backlog(staff_user):
    item = factories.TrackedItemFactory(
        finding__target_date=dt.date(2027, 1, 1),
        response=TrackedItem.Response.ACCEPTED,
        status=TrackedItem.Status.SUBMITTED,
        submitted_on=dt.date(2026, 5, 1),
    )
    with time_machine.travel(london(2026, 5, 31, 23, 59), tick=False):
        assert clocks_sweep()["verification_flagged"] == 0
    with time_machine.travel(london(2026, 6, 1, 0, 1), tick=False):
        assert clocks_sweep()["verification_flagged"] == 1
    TrackedItem.objects.filter(id=item.id).update(
        status=TrackedItem.Status.COMPLETE, closed_on=dt.date(2026, 6, 2), closed_by=staff_user
    )
    with time_machine.travel(london(2026, 6, 2, 9), tick=False):
        assert clocks_sweep()["verification_cleared"] == 1
    assert [e.kind for e in ItemEvent.objects.filter(item=item, kind__startswith="verification").order_by("id")] == [
        ItemEvent.Kind.VERIFICATION_LATE,
        ItemEvent.Kind.VERIFICATION_LATE_ENDED,
    ]


# --- Alerts: each message once, even after a crash ------------------------------------------------


def test_the_force_is_told_once_when_an_item_becomes_overdue(liaison_user, other_liaison_user, item):
    with time_machine.travel(london(2026, 4, 1, 0, 1), tick=False):
        sweep_run()
        sweep_run()
        assert messages_deliver() == {"sent": 1, "failed": 0}
        sweep_run()
        assert messages_deliver() == {"sent": 0, "failed": 0}
    [email] = mail.outbox
    assert email.to == [liaison_user.email]
    assert email.subject == (
        f"Cleveland Police · {item.finding.inspection.reference} recommendation {item.finding.reference}: "
        "overdue since 1 April 2026"
    )
    assert "passed its target date of 31 March 2026 and is overdue since 1 April 2026" in email.body
    assert Message.objects.get().key == f"{liaison_user.pk}:overdue:{item.pk}:2026-04-01"


def test_a_crash_between_flagging_and_sending_sends_later_once(liaison_user, item):
    with time_machine.travel(london(2026, 4, 1, 0, 1), tick=False):
        clocks_sweep()  # the worker dies here: flagged and committed, nobody told
        # ... and here, mid-notification: the batch's transaction is rolled back.
        with pytest.raises(RuntimeError), transaction.atomic():
            clock_events_notify()
            raise RuntimeError("worker lost")
        assert not Message.objects.exists()
    with time_machine.travel(london(2026, 4, 1, 0, 16), tick=False):
        sweep_run()
        messages_deliver()
    assert len(mail.outbox) == 1
    # A crash after the messages were committed but before the events were marked: the keys stop
    # the second copy.
    ItemEvent.objects.update(notified_at=None)
    with time_machine.travel(london(2026, 4, 1, 0, 31), tick=False):
        assert clock_events_notify() == 0
        messages_deliver()
    assert len(mail.outbox) == 1


def test_long_late_items_found_by_a_first_sweep_send_no_alert(liaison_user, item):
    with time_machine.travel(london(2026, 9, 1, 9), tick=False):
        counts = sweep_run()
    assert counts["overdue_flagged"] == 1 and counts["alerts_enqueued"] == 0
    assert ItemEvent.objects.get(kind=ItemEvent.Kind.BECAME_OVERDUE).notified_at is not None


# --- Reminders ----------------------------------------------------------------------------------


def test_reminders_30_and_7_days_before_once_each(liaison_user, item):
    # Target 31 March 2026.
    with time_machine.travel(london(2026, 2, 28, 9), tick=False):
        assert reminders_enqueue() == 0  # 31 days before
    with time_machine.travel(london(2026, 3, 1, 9), tick=False):
        assert reminders_enqueue() == 1
        assert reminders_enqueue() == 0
    with time_machine.travel(london(2026, 3, 10, 9), tick=False):
        assert reminders_enqueue() == 0
    with time_machine.travel(london(2026, 3, 24, 9), tick=False):
        assert reminders_enqueue() == 1
        assert reminders_enqueue() == 0
    assert list(Message.objects.order_by("id").values_list("key", flat=True)) == [
        f"{liaison_user.pk}:reminder-30:{item.pk}:2026-03-31",
        f"{liaison_user.pk}:reminder-7:{item.pk}:2026-03-31",
    ]
    messages_deliver()
    assert [m.subject for m in mail.outbox] == [
        f"Cleveland Police · {item.finding.inspection.reference} recommendation {item.finding.reference}: due in 30 days",
        f"Cleveland Police · {item.finding.inspection.reference} recommendation {item.finding.reference}: due in 7 days",
    ]


def test_a_moved_target_gets_fresh_reminders(liaison_user, item):
    with time_machine.travel(london(2026, 3, 25, 9), tick=False):
        reminders_enqueue()
    TrackedItem.objects.filter(id=item.id).update(current_target_date=dt.date(2026, 4, 20))
    with time_machine.travel(london(2026, 3, 26, 9), tick=False):
        assert reminders_enqueue() == 1
    assert Message.objects.filter(key__endswith=":2026-04-20").count() == 1


def test_a_reminded_item_is_marked_and_no_longer_due_until_its_next_reminder(liaison_user, item):
    # Target 31 March 2026: in the 30-day reminder from 1 March, the 7-day one from 24 March.
    with time_machine.travel(london(2026, 3, 1, 9), tick=False):
        assert list(reminders_due(today=dt.date(2026, 3, 1))) == [item]
        reminders_enqueue()
    item.refresh_from_db()
    assert (item.reminded_for, item.reminded_within) == (dt.date(2026, 3, 31), 30)
    assert not reminders_due(today=dt.date(2026, 3, 23)).exists()
    assert list(reminders_due(today=dt.date(2026, 3, 24))) == [item]
    with time_machine.travel(london(2026, 3, 24, 9), tick=False):
        reminders_enqueue()
    item.refresh_from_db()
    assert (item.reminded_for, item.reminded_within) == (dt.date(2026, 3, 31), 7)
    assert not reminders_due(today=dt.date(2026, 3, 30)).exists()


def test_an_item_with_no_officer_to_remind_is_marked_too(item):
    with time_machine.travel(london(2026, 3, 25, 9), tick=False):
        assert reminders_enqueue() == 0
    item.refresh_from_db()
    assert (item.reminded_for, item.reminded_within) == (dt.date(2026, 3, 31), 7)


def test_the_sweep_with_nothing_to_remind_asks_one_query(liaison_user, item, django_assert_num_queries):
    with time_machine.travel(london(2026, 3, 25, 9), tick=False):
        reminders_enqueue()
        factories.TrackedItemFactory.create_batch(5, force=item.force, finding__target_date=dt.date(2026, 3, 30))
        reminders_enqueue()
        with django_assert_num_queries(1):
            assert reminders_enqueue() == 0


def test_closed_items_and_other_forces_are_not_reminded(liaison_user, staff_user, other_item):
    factories.TrackedItemFactory(
        force=liaison_user.liaison_forces.get(),
        status=TrackedItem.Status.COMPLETE,
        closed_on=dt.date(2026, 3, 1),
        closed_by=staff_user,
    )
    with time_machine.travel(london(2026, 3, 25, 9), tick=False):
        assert reminders_enqueue() == 0


# --- Digests ------------------------------------------------------------------------------------


def test_daily_digest_lists_newly_overdue_and_soon_due(liaison_user, item, other_item):
    soon = factories.TrackedItemFactory(force=item.force, finding__target_date=dt.date(2026, 4, 10))
    with time_machine.travel(london(2026, 4, 1, 0, 1), tick=False):
        sweep_run()
    with time_machine.travel(london(2026, 4, 1, 7, 0), tick=False):
        assert daily_digests_enqueue() == 1
        assert daily_digests_enqueue() == 0
        Message.objects.exclude(reason="digest-daily").delete()
        messages_deliver()
    [email] = mail.outbox
    assert email.to == [liaison_user.email]
    assert email.subject == "Cleveland Police · tracker digest: 1 newly overdue, 1 due soon"
    heading = f"Cleveland Police · {item.finding.inspection.reference} recommendation {item.finding.reference}"
    assert f"{heading}, due 31 March 2026" in email.body
    assert (
        f"{soon.finding.inspection.reference} recommendation {soon.finding.reference}, due 10 April 2026" in email.body
    )
    assert "Durham" not in email.body


def test_digests_respect_the_users_choice(liaison_user, manager_user, item):
    liaison_user.receives_digests = False
    liaison_user.save()
    manager_user.receives_digests = False
    manager_user.save()
    with time_machine.travel(london(2026, 4, 6, 7), tick=False):
        sweep_run()
        assert daily_digests_enqueue() == 0
        assert weekly_digests_enqueue() == 0


def test_weekly_digest_gives_managers_the_national_picture_by_force(manager_user, item, other_item):
    factories.TrackedItemFactory(force=item.force, finding__target_date=dt.date(2026, 3, 1))
    with time_machine.travel(london(2026, 4, 6, 7), tick=False):  # a Monday
        sweep_run()
        assert weekly_digests_enqueue() == 1
        assert weekly_digests_enqueue() == 0
    message = Message.objects.get(reason="digest-weekly")
    assert message.key == f"{manager_user.pk}:digest-weekly:all:2026-04-06"
    assert (
        "Overdue recommendations nationally on 6 April 2026: 3 "
        "(3 became overdue under the tracker, 0 arrived overdue)." in message.body
    )
    assert message.body.index("- Cleveland Police: 2; 2 new") < message.body.index("- Durham Constabulary: 1; 1 new")
