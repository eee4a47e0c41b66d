"""An item's past: what is possible, and what the clocks would have recorded (no database)."""

import datetime as dt

from inspections.models import ItemEvent, ItemStatus, Response
from inspections.past import ItemPast, PastChange, clock_history, past_problems

TODAY = dt.date(2026, 12, 1)
PUBLISHED = dt.date(2016, 12, 8)
Kind = ItemEvent.Kind


def kinds(history) -> list[tuple[str, dt.date]]:
    return [(event.kind, event.day) for event in history.events]


def test_an_open_item_long_past_its_target_was_overdue_since_the_day_after_it():
    past = ItemPast(status=ItemStatus.IN_PROGRESS, response=Response.ACCEPTED, responded_on=dt.date(2017, 1, 20))
    history = clock_history(
        past=past, current_target=dt.date(2017, 6, 8), published_on=PUBLISHED, action_plan_due_on=None, today=TODAY
    )
    assert history.flags["overdue_flagged_on"] == dt.date(2017, 6, 9)
    assert kinds(history) == [(Kind.BECAME_OVERDUE, dt.date(2017, 6, 9))]
    # Only the item's own clocks: the governing bodies' replies are the report's, not the item's past.
    assert set(history.flags) == {
        "overdue_flagged_on",
        "action_plan_overdue_flagged_on",
        "verification_overdue_flagged_on",
    }


def test_a_closed_item_records_when_it_was_late_and_when_that_ended():
    past = ItemPast(
        status=ItemStatus.COMPLETE,
        closed_on=dt.date(2018, 5, 3),
        response=Response.ACCEPTED,
        responded_on=dt.date(2017, 3, 1),
    )
    history = clock_history(
        past=past, current_target=dt.date(2017, 6, 8), published_on=PUBLISHED, action_plan_due_on=None, today=TODAY
    )
    assert all(flag is None for flag in history.flags.values())
    assert kinds(history) == [
        (Kind.BECAME_OVERDUE, dt.date(2017, 6, 9)),
        (Kind.NO_LONGER_OVERDUE, dt.date(2018, 5, 3)),
    ]


def test_what_the_file_does_not_say_is_not_invented():
    # Closed, never recorded progress: the action-plan clock says nothing.
    past = ItemPast(status=ItemStatus.WITHDRAWN, closed_on=dt.date(2019, 1, 1))
    history = clock_history(
        past=past,
        current_target=None,
        published_on=PUBLISHED,
        action_plan_due_on=PUBLISHED + dt.timedelta(days=42),
        today=TODAY,
    )
    assert history.events == []


def test_a_target_still_ahead_is_left_to_the_sweep():
    history = clock_history(
        past=ItemPast(), current_target=TODAY, published_on=TODAY, action_plan_due_on=None, today=TODAY
    )
    assert history.events == [] and history.flags["overdue_flagged_on"] is None


def test_an_action_plan_received_late_and_a_claim_waiting_for_the_inspectorate():
    past = ItemPast(
        status=ItemStatus.SUBMITTED,
        status_on=dt.date(2026, 9, 1),
        response=Response.ACCEPTED,
        responded_on=PUBLISHED,
        last_progress_on=dt.date(2017, 3, 1),
    )
    history = clock_history(
        past=past,
        current_target=dt.date(2027, 1, 1),
        published_on=PUBLISHED,
        action_plan_due_on=dt.date(2017, 1, 19),
        today=TODAY,
    )
    assert kinds(history) == [
        (Kind.ACTION_PLAN_LATE, dt.date(2017, 1, 20)),
        (Kind.ACTION_PLAN_LATE_ENDED, dt.date(2017, 3, 1)),
        (Kind.VERIFICATION_LATE, dt.date(2026, 10, 2)),
    ]
    assert history.flags["verification_overdue_flagged_on"] == dt.date(2026, 10, 2)


def test_impossible_pasts_are_described():
    problems = past_problems(
        past=ItemPast(status=ItemStatus.COMPLETE, response=Response.NOT_ACCEPTED, responded_on=dt.date(2027, 1, 1)),
        published_on=PUBLISHED,
        today=TODAY,
    )
    assert "Closed on: a closed item needs the date it was closed" in problems
    assert "Response date: 1 January 2027 is in the future" in problems
    assert any(p.startswith("Response reason:") for p in problems)
    early = past_problems(
        past=ItemPast(changes=(PastChange(day=dt.date(2016, 1, 1), comment="x"),)), published_on=PUBLISHED, today=TODAY
    )
    assert early == ["History: 1 January 2016 is before the report was published (8 December 2016)"]
    mismatch = past_problems(
        past=ItemPast(
            status=ItemStatus.IN_PROGRESS, changes=(PastChange(day=dt.date(2018, 1, 1), status=ItemStatus.COMPLETE),)
        ),
        published_on=PUBLISHED,
        today=TODAY,
    )
    assert mismatch[0].startswith("History: the latest status change (closed: complete on 1 January 2018)")
    assert past_problems(past=ItemPast(status=ItemStatus.SUBMITTED), published_on=PUBLISHED, today=TODAY) == [
        "Status date: an item submitted for closure needs the day it was submitted"
    ]
