"""The sweep on PostgreSQL: two sweeps at once record each event once, and the statements use
the partial indexes. These commit for real (other connections must see the rows), through
`committed_db`, so they run only on PostgreSQL (CI sets DATABASE_URL to it)."""

import datetime as dt
import threading

import pytest
from django.conf import settings
from django.db import connection, connections, transaction
from django.db.models import F

from inspections.models import OPEN_STATUSES, ItemEvent, TrackedItem
from inspections.overdue.clocks import clocks, clocks_sweep, statement_postgresql
from inspections.overdue.reminders import reminders_due
from tests import factories
from tests.inspections.bulk import make_items
from tests.inspections.committed import committed_db  # noqa: F401

pytestmark = [
    pytest.mark.postgres,
    # Decided at collection, so nothing is set up on SQLite.
    pytest.mark.skipif(
        not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
        reason="PostgreSQL behaviour; run with DATABASE_URL=postgres://... (CI does)",
    ),
]


@pytest.mark.usefixtures("committed_db")
def test_two_sweeps_at_once_record_each_event_once():
    factories.TrackedItemFactory.create_batch(200, finding__target_date=dt.date(2026, 3, 31))
    today = dt.date(2026, 4, 1)
    first_has_locked = threading.Event()
    second_pid: list[int] = []
    second_connected = threading.Event()
    results: dict[str, dict] = {}
    errors: list[BaseException] = []

    def first() -> None:
        # Flags every row inside a transaction it holds open until the second sweep is waiting
        # on its row locks, so the two statements really overlap.
        try:
            second_connected.wait(timeout=60)
            with transaction.atomic():
                results["first"] = clocks_sweep(today=today)
                first_has_locked.set()
                with connection.cursor() as cursor:
                    for _ in range(600):  # bounded: at most ~60 s
                        # pg_locks is live (pg_stat_activity is a snapshot per transaction).
                        cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted AND pid = %s", [second_pid[0]])
                        if cursor.fetchone()[0]:
                            break
                        cursor.execute("SELECT pg_sleep(0.1)")
                    else:
                        raise AssertionError("the second sweep never waited on the first one's locks")
        except BaseException as error:
            errors.append(error)
            first_has_locked.set()
        finally:
            connections.close_all()

    def second() -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                second_pid.append(cursor.fetchone()[0])
            second_connected.set()
            first_has_locked.wait(timeout=60)
            results["second"] = clocks_sweep(today=today)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert (results["first"]["overdue_flagged"], results["second"]["overdue_flagged"]) == (200, 0)
    assert ItemEvent.objects.filter(kind=ItemEvent.Kind.BECAME_OVERDUE).count() == 200
    assert TrackedItem.objects.filter(overdue_flagged_on=today).count() == 200


@pytest.mark.usefixtures("committed_db")
def test_two_sweeps_started_together_record_each_event_once():
    factories.TrackedItemFactory.create_batch(300, finding__target_date=dt.date(2026, 3, 31))
    barrier = threading.Barrier(2)
    results: list[dict] = []
    errors: list[BaseException] = []

    def sweep() -> None:
        try:
            barrier.wait(timeout=10)
            results.append(clocks_sweep(today=dt.date(2026, 4, 1)))
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sum(r["overdue_flagged"] for r in results) == 300
    assert ItemEvent.objects.filter(kind=ItemEvent.Kind.BECAME_OVERDUE).count() == 300


@pytest.mark.parametrize(
    ("name", "flag", "indexes"),
    [
        ("overdue", True, ["item_open_unflagged_idx"]),
        # Clearing reads only what may have ended: a target moved to today or later, or closed.
        ("overdue", False, ["item_flagged_target_idx", "item_closed_overdue_flag_idx"]),
        ("comments", True, ["item_comments_due_idx"]),
        ("comments", False, ["item_comments_flagged_due_idx", "item_closed_comments_flag_idx"]),
    ],
)
@pytest.mark.django_db
def test_the_clocks_statements_use_the_partial_indexes(name, flag, indexes):
    """With the table shaped as it is at scale (the flagging statement runs when nearly every open
    item is already flagged; the unflagging one when few are) and its statistics gathered, the
    planner reads the partial indexes that hold only the rows the statement can touch. Sequential
    scans are ruled out for the EXPLAIN: at a few thousand rows reading the whole table can cost
    the planner less, by chance of the random data; what is judged is that the statement's WHERE
    lets it use the partial indexes (any other index would be chosen if the predicates did not match)."""
    today = dt.date(2026, 4, 1)
    items = make_items(4000, forces=[factories.ForceFactory()], today=today)
    clocks_sweep(today=today)  # every comments deadline worked out
    column = "overdue_flagged_on" if name == "overdue" else "comments_overdue_flagged_on"
    few = [i.pk for i in items[:8]]
    open_items = TrackedItem.objects.filter(status__in=OPEN_STATUSES)
    flagged = open_items if flag else open_items.filter(pk__in=few)
    TrackedItem.objects.update(**{column: None})  # whatever the sweep flagged
    flagged.update(**{column: today - dt.timedelta(days=5)})
    if flag:  # a handful newly late
        open_items.filter(pk__in=few).update(**{column: None})
    [clock] = [c for c in clocks() if c.name == name]
    sql, kind = statement_postgresql(clock, flag=flag, embargoed="FALSE")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE inspections_trackeditem")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", {"today": today, "now": "2026-04-01T00:00Z", "kind": kind})
        plan = "\n".join(row[0] for row in cursor.fetchall())
    for index in indexes:
        assert index in plan, plan


@pytest.mark.django_db
def test_the_reminders_query_reads_the_open_targets_index():
    """Nothing to remind: one range of item_open_reminder_idx, the next 30 days of open targets,
    which carries the columns the query judges (after a vacuum, the table is not visited)."""
    today = dt.date(2026, 4, 1)
    make_items(2000, forces=[factories.ForceFactory()], today=today)
    due = reminders_due(today=today)
    TrackedItem.objects.filter(pk__in=due.values("pk")).update(reminded_for=F("current_target_date"), reminded_within=7)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE inspections_trackeditem")
        # A few thousand rows fit in a handful of pages, which a plan may as well read whole; the
        # question here is which index serves the range (the bench shows plans at a million).
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = due.values("pk").query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "item_open_reminder_idx" in plan, plan
    assert not due.exists()
