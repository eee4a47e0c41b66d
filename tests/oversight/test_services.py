import datetime as dt

import pytest
from django.utils import timezone

from inspections import rules
from inspections.models import ItemEvent, TrackedItem
from notifications.models import Message
from oversight.models import OverdueReview
from oversight.selectors import meeting_pack_items, review_queue, selection_fingerprint
from oversight.services import ReviewError, StaleSelection, overdue_reviews_record
from reporting import summary
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 1)


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(dt.datetime(2026, 6, 1, 10, 0, tzinfo=dt.UTC), tick=False)


def overdue_item(force, *, days: int = 10, category: str = "recommendation") -> TrackedItem:
    finding = factories.FindingFactory(category=category, target_date=TODAY - dt.timedelta(days=days))
    return factories.TrackedItemFactory(finding=finding, force=force, status="in_progress")


def record(items, user, **kwargs):
    values = {
        "decision": "chase",
        "note": "Chased the deputy chief constable.",
        "next_review_on": TODAY + dt.timedelta(days=30),
    }
    values.update(kwargs)
    return overdue_reviews_record(items=items, reviewer=user, today=TODAY, **values)


def test_queue_holds_overdue_items_never_reviewed_worst_first(manager_user, force):
    mild = overdue_item(force, days=3)
    worst = overdue_item(force, days=200)
    concern = overdue_item(force, days=200, category="cause_of_concern")
    factories.TrackedItemFactory(
        force=force, finding=factories.FindingFactory(target_date=TODAY + dt.timedelta(days=5))
    )
    assert list(review_queue(user=manager_user, today=TODAY)) == [concern, worst, mild]


def test_queue_membership_around_the_30_day_edge_counted_in_london_days(manager_user, force, time_machine):
    item = overdue_item(force)
    record([item], manager_user)  # 1 June, 11:00 in London
    assert item not in review_queue(user=manager_user, today=TODAY)
    time_machine.move_to(dt.datetime(2026, 6, 30, 22, 59, tzinfo=dt.UTC), tick=False)  # 30 June, 23:59
    assert item not in review_queue(user=manager_user, today=dt.date(2026, 6, 30))
    time_machine.move_to(dt.datetime(2026, 6, 30, 23, 0, tzinfo=dt.UTC), tick=False)  # 1 July, 00:00
    assert item in review_queue(user=manager_user, today=dt.date(2026, 7, 1))


def test_no_recent_progress_around_the_90_day_edge(manager_user, force):
    item = overdue_item(force)
    factories.ProgressUpdateFactory(item=item)
    TrackedItem.objects.filter(pk=item.pk).update(last_update_at=timezone.make_aware(dt.datetime(2026, 3, 3, 12)))
    assert review_queue(user=manager_user, today=TODAY).get(pk=item.pk).is_stale == 0  # 90 days ago: not yet
    TrackedItem.objects.filter(pk=item.pk).update(last_update_at=timezone.make_aware(dt.datetime(2026, 3, 2, 12)))
    assert review_queue(user=manager_user, today=TODAY).get(pk=item.pk).is_stale == 1


def test_stale_items_are_in_the_pack_before_they_are_overdue(manager_user, force):
    finding = factories.FindingFactory(target_date=TODAY + dt.timedelta(days=60))
    finding.inspection.published_on = TODAY - dt.timedelta(days=200)
    finding.inspection.save()
    stale = factories.TrackedItemFactory(finding=finding, force=force)
    pack = meeting_pack_items(items=TrackedItem.objects.all(), today=TODAY)
    assert list(pack) == [stale] and pack[0].is_stale == 1


def test_bulk_review_records_one_decision_for_each_item(manager_user, force):
    items = [overdue_item(force, days=d) for d in (5, 50, 500)]
    reviews = record(items, manager_user, decision="raise_at_meeting", note="Raise in June")
    assert len(reviews) == 3
    assert len({r.batch for r in reviews}) == 1
    assert ItemEvent.objects.filter(kind="manager_review", item__in=items).count() == 3
    assert not review_queue(user=manager_user, today=TODAY).exists()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"next_review_on": TODAY - dt.timedelta(days=1)}, "must be in the future"),
        ({"next_review_on": TODAY}, "must be in the future"),
        ({"decision": "escalate_governor", "note": "  "}, "Enter a note"),
        ({"decision": "nonsense"}, "Choose a decision"),
    ],
)
def test_bad_input_is_refused_and_nothing_saved(manager_user, force, kwargs, message):
    item = overdue_item(force)
    with pytest.raises(ReviewError, match=message):
        record([item], manager_user, **kwargs)
    assert not OverdueReview.objects.exists()
    assert not ItemEvent.objects.filter(kind="manager_review").exists()


def test_keep_monitoring_needs_no_note(manager_user, force):
    assert record([overdue_item(force)], manager_user, decision="keep_monitoring", note="")


def test_an_item_no_longer_overdue_is_refused_with_the_rest(manager_user, force):
    overdue = overdue_item(force)
    done = overdue_item(force)
    TrackedItem.objects.filter(pk=done.pk).update(status="complete", closed_on=TODAY)
    with pytest.raises(ReviewError, match="no longer overdue"):
        record([overdue, done], manager_user)
    assert not OverdueReview.objects.exists()


def test_liaison_officers_cannot_review(liaison_user, force):
    with pytest.raises(ReviewError):
        record([overdue_item(force)], liaison_user)


def test_escalation_emails_the_staff_lead_once(manager_user, staff_user, force, django_capture_on_commit_callbacks):
    force.staff_lead = staff_user
    force.save()
    item = overdue_item(force)
    with django_capture_on_commit_callbacks():
        reviews = record([item], manager_user, decision="escalate_chief", note="Write to the chief constable")
    message = Message.objects.get()
    assert message.recipient == staff_user and message.reason == "escalation"
    assert message.key == f"{staff_user.pk}:escalation:{reviews[0].batch}"
    assert message.subject == (
        f"Cleveland Police · {item.finding.inspection.reference} recommendation {item.finding.reference}: "
        "escalated to the chief officer"
    )
    record([overdue_item(force)], manager_user, decision="chase", note="Chase")
    assert Message.objects.count() == 1


@pytest.mark.parametrize("days_ago", [89, 90, 91, 200])
def test_the_row_flag_and_the_query_agree_on_no_recent_progress(force, days_ago):
    from inspections.rules import no_recent_progress_q

    item = overdue_item(force)
    TrackedItem.objects.filter(pk=item.pk).update(
        last_update_at=timezone.make_aware(dt.datetime.combine(TODAY - dt.timedelta(days=days_ago), dt.time(12)))
    )
    item = TrackedItem.objects.select_related("finding__inspection").get(pk=item.pk)
    in_query = TrackedItem.objects.filter(no_recent_progress_q(today=TODAY), pk=item.pk).exists()
    assert item.no_recent_progress(TODAY, days=90) == in_query == (days_ago > 90)


def test_the_items_list_flags_and_filters_no_recent_progress(client, manager_user, force):
    stale = overdue_item(force)
    TrackedItem.objects.filter(pk=stale.pk).update(last_update_at=timezone.make_aware(dt.datetime(2025, 1, 1)))
    fresh = overdue_item(force)
    TrackedItem.objects.filter(pk=fresh.pk).update(last_update_at=timezone.make_aware(dt.datetime(2026, 5, 30)))
    client.force_login(manager_user)
    page = client.get("/recommendations/?show=stale")
    assert [row.record for row in page.context["table"].paginated_rows] == [stale]
    assert "No recent progress" in page.content.decode()


def test_a_review_keeps_its_time_and_decision_on_the_item(manager_user, force):
    item = overdue_item(force)
    record([item], manager_user, decision="raise_at_meeting", note="June meeting")
    item.refresh_from_db()
    assert item.latest_overdue_decision == "raise_at_meeting"
    assert item.latest_overdue_review_at == timezone.now()
    assert item.version == 1  # not a transition: nobody's open form of the item goes stale


def test_the_queue_rule_and_the_reviews_agree_around_the_interval(manager_user, force, time_machine):
    item = overdue_item(force)
    awaiting = TrackedItem.objects.filter(rules.awaiting_overdue_review_q(today=TODAY))
    assert item in awaiting
    record([item], manager_user)
    assert item not in awaiting.all()
    time_machine.move_to(dt.datetime(2026, 7, 1, 10, 1, tzinfo=dt.UTC), tick=False)
    assert item in TrackedItem.objects.filter(rules.awaiting_overdue_review_q(today=dt.date(2026, 7, 1)))


def test_a_changed_selection_is_refused_whole(manager_user, force):
    items = [overdue_item(force, days=d) for d in (5, 50)]
    fingerprint = selection_fingerprint((i.pk, i.version) for i in items)
    TrackedItem.objects.filter(pk=items[1].pk).update(version=2)
    with pytest.raises(StaleSelection, match="They are now 2 items at 1 force"):
        record(TrackedItem.objects.filter(pk__in=[i.pk for i in items]), manager_user, fingerprint=fingerprint)
    assert not OverdueReview.objects.exists() and not ItemEvent.objects.filter(kind="manager_review").exists()
    assert not TrackedItem.objects.filter(latest_overdue_review_at__isnull=False).exists()


def test_one_escalation_email_per_staff_lead_however_many_items(manager_user, staff_user, force, other_force):
    second_lead = factories.UserFactory(username="second.lead")
    third = factories.ForceFactory(name="Northumbria Police")
    for f, lead in ((force, staff_user), (other_force, staff_user), (third, second_lead)):
        f.staff_lead = lead
        f.save()
    finding = factories.FindingFactory(target_date=TODAY - dt.timedelta(days=30), reference="R4")
    items = [factories.TrackedItemFactory(finding=finding, force=f) for f in (force, other_force, third)]
    items.append(overdue_item(force, days=3))
    reviews = record(items, manager_user, decision="escalate_chief", note="Write to the chief constables")
    messages = {m.recipient.username: m for m in Message.objects.filter(reason="escalation")}
    assert sorted(messages) == ["second.lead", "staff.user"]
    mine = messages["staff.user"]
    assert mine.key == f"{staff_user.pk}:escalation:{reviews[0].batch}"
    assert mine.subject == "3 items at 2 forces: escalated to the chief officer"
    assert all(f"/recommendations/{i.pk}/" in mine.body for i in (items[0], items[1], items[3]))
    assert f"/recommendations/{items[2].pk}/" not in mine.body
    assert messages["second.lead"].subject == (
        f"Northumbria Police · {finding.inspection.reference} recommendation R4: escalated to the chief officer"
    )
    assert ItemEvent.objects.filter(kind="manager_review").count() == 4


def test_the_migration_backfills_the_latest_review(manager_user, force, time_machine):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("inspections.migrations.0011_item_latest_overdue_review")
    item, never = overdue_item(force), overdue_item(force)
    record([item], manager_user, decision="chase", note="First")
    time_machine.move_to(dt.datetime(2026, 6, 2, 10, 0, tzinfo=dt.UTC), tick=False)
    record([item], manager_user, decision="accept_plan", note="Second", next_review_on=TODAY + dt.timedelta(days=40))
    TrackedItem.objects.update(latest_overdue_review_at=None, latest_overdue_decision="")
    migration.backfill(apps, None)
    item.refresh_from_db()
    never.refresh_from_db()
    assert (item.latest_overdue_decision, item.latest_overdue_review_at) == ("accept_plan", timezone.now())
    assert (never.latest_overdue_decision, never.latest_overdue_review_at) == ("", None)


def test_a_review_moves_the_maintained_count_awaiting_review_in_its_transaction(manager_user, force, time_machine):
    first, second = overdue_item(force), overdue_item(force, days=40)
    summary.recount()

    def awaiting(today):
        return summary.dashboard_figures(force_ids=None, embargo_visible=True, today=today)["awaiting_review"]

    assert awaiting(TODAY) == 2
    record([first], manager_user)
    # Kept exact by the review itself: the stored cells already equal a recount, before any read.
    assert summary.differences(today=TODAY) == []
    assert awaiting(TODAY) == 1
    time_machine.move_to(dt.datetime(2026, 7, 1, 9, 0, tzinfo=dt.UTC), tick=False)
    assert awaiting(dt.date(2026, 7, 1)) == 2  # the interval has passed: back in the count
    assert summary.differences(today=dt.date(2026, 7, 1)) == []
    assert second.pk in set(review_queue(user=manager_user, today=dt.date(2026, 7, 1)).values_list("pk", flat=True))
