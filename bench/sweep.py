"""The overdue sweep at national scale: 1,000,000 tracked items, 10% newly overdue.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker_bench python bench/sweep.py [--items N] [--runs 5]

PostgreSQL only. The data goes into its own database, DATABASE_URL's name + "_sweep" (created if
missing and migrated), so the page benchmarks' data is never touched. Items are made by one
INSERT ... SELECT over generate_series, not the ORM. Then: EXPLAIN ANALYZE of the main flagging
statement (in a transaction that is rolled back), the first sweep's clocks (every clock: flag and
clear), the alerts step for the events it recorded, the whole periodic job (clocks, alerts,
reminders, the dashboard's figures) again with nothing to do (median of --runs), and the midnight
advance of the figures (every force's summary recounted for the next day). Targets on a 2-core
machine: flagging 100,000 newly overdue items <= 5 s, the job with nothing to do <= 50 ms, the
midnight advance <= 5 s."""

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from django_setup import django_setup, own_postgresql_database  # noqa: E402  (bench/ is on sys.path when run as a script)

FIRST_TARGET_S = 5.0
NOOP_TARGET_S = 0.05
MIDNIGHT_TARGET_S = 5.0
FORCES = 40
FINDINGS_PER_INSPECTION = 250


def setup() -> None:
    own_postgresql_database(script="sweep.py", suffix="_sweep")
    django_setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def seed(*, items: int, today: dt.date) -> None:
    """Exactly `items` open and closed items over FORCES forces: 10% open and past their target
    (newly overdue: never flagged), 40% open with a future target, 50% closed long ago."""
    from django.db import connection

    from forces.services import forces_load_from_csv
    from inspections.models import Programme

    forces_load_from_csv()
    programme = Programme.objects.get(slug="peel")
    findings = -(-items // FORCES)
    inspections = -(-findings // FINDINGS_PER_INSPECTION)
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE inspections_itemevent, inspections_trackeditem, inspections_finding, "
            "inspections_inspection, inspections_historicaltrackeditem, inspections_historicalfinding, "
            "inspections_historicalinspection, notifications_message CASCADE"
        )
        cursor.execute(
            """INSERT INTO inspections_inspection (programme_id, title, reference, slug, published_on, report_url,
                   lead_inspector, summary, created_at, updated_at)
               SELECT %s, 'Bench inspection ' || g, 'BENCH-' || g, 'bench-' || g, %s::date - (g %% 2000), '', '', '',
                   now(), now()
               FROM generate_series(1, %s) g""",
            [programme.id, today, inspections],
        )
        cursor.execute(
            """INSERT INTO inspections_finding (inspection_id, category, reference, text, accelerated,
                   target_date, position, created_at, updated_at)
               SELECT n.id, 'recommendation', 'R' || g, 'Bench recommendation ' || g, false, NULL, g, now(), now()
               FROM inspections_inspection n CROSS JOIN generate_series(1, %s) g
               WHERE n.reference LIKE 'BENCH-%%'""",
            [FINDINGS_PER_INSPECTION],
        )
        # r numbers the items 0..items-1; r %% 10 decides the item's fate.
        cursor.execute(
            """WITH f AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM inspections_finding),
                    fo AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS j
                           FROM forces_force ORDER BY id LIMIT %(forces)s),
                    r AS (SELECT f.id AS finding_id, fo.id AS force_id, f.k * %(forces)s + fo.j AS r
                          FROM f CROSS JOIN fo WHERE f.k * %(forces)s + fo.j < %(items)s),
                    d AS (SELECT *, CASE WHEN r %% 10 = 0 THEN %(today)s::date - (1 + r %% 300)::int
                                         WHEN r %% 10 < 5 THEN %(today)s::date + (1 + r %% 1500)::int
                                         ELSE %(today)s::date - (400 + r %% 1500)::int END AS target
                          FROM r)
               INSERT INTO inspections_trackeditem (created_at, updated_at, finding_id, force_id, response,
                   response_reason, responded_on, status, original_target_date, current_target_date,
                   extension_count, submitted_on, closed_on, closing_note, latest_progress, version, entered_on)
               SELECT now(), now(), finding_id, force_id, 'accepted', '', target - 700,
                   CASE WHEN r %% 10 < 5 THEN 'in_progress' ELSE 'complete' END, target, target, 0, NULL,
                   CASE WHEN r %% 10 < 5 THEN NULL ELSE target END, '', '', 1, target - 730
               FROM d""",
            {"forces": FORCES, "items": items, "today": today},
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE inspections_trackeditem")
        cursor.execute("VACUUM ANALYZE inspections_finding")
        cursor.execute("VACUUM ANALYZE inspections_inspection")
        cursor.execute("VACUUM ANALYZE inspections_itemevent")


def explain_main_statement(today: dt.date) -> str:
    from django.db import connection, transaction
    from django.utils import timezone

    from inspections.overdue.clocks import clocks, statement_postgresql

    [clock] = [c for c in clocks() if c.name == "overdue"]
    sql, kind = statement_postgresql(clock, flag=True)
    params = {"today": today, "now": timezone.now(), "kind": kind}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        transaction.set_rollback(True)  # measured, not kept
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE inspections_trackeditem")
        cursor.execute("VACUUM ANALYZE inspections_itemevent")
    return plan


def timed(fn) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5, help="no-op sweeps to take the median of")
    args = parser.parse_args(argv)
    setup()

    from django.db import connection

    from inspections.models import ItemEvent, TrackedItem
    from inspections.overdue.alerts import clock_events_notify
    from inspections.overdue.clocks import clocks_sweep, comments_due_refresh
    from inspections.overdue.sweep import sweep_run
    from reporting import summary

    today = dt.date(2026, 11, 26)
    seed_s, _ = timed(lambda: seed(items=args.items, today=today))
    total = TrackedItem.objects.count()
    due = TrackedItem.objects.filter(
        status__in=TrackedItem.OPEN_STATUSES, current_target_date__lt=today, overdue_flagged_on__isnull=True
    ).count()
    print(f"Seeded {total:,} items ({due:,} newly overdue) in {seed_s:.1f} s into {connection.settings_dict['NAME']}")
    # Every item's comments deadline, worked out once (as the first sweep after the migration that
    # adds it does; after that each sweep works out only the new and changed items').
    refresh_s, worked_out = timed(comments_due_refresh)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE inspections_trackeditem")

    plan = explain_main_statement(today)
    first_s, counts = timed(lambda: clocks_sweep(today=today))
    events = ItemEvent.objects.filter(kind=ItemEvent.Kind.BECAME_OVERDUE).count()
    notify_s, _ = timed(lambda: clock_events_notify(today=today))

    # The job's first whole run: the reminders mark what they reached, the figures are counted.
    prepare_s, _ = timed(lambda: sweep_run(today=today))

    def noop_median() -> float:
        noops = []
        for _ in range(max(1, args.runs)):
            seconds, again = timed(lambda: sweep_run(today=today))
            assert set(again.values()) == {0}, again
            noops.append(seconds)
        return statistics.median(noops)

    # Straight after the big sweep the partial index still holds the 100,000 old row versions'
    # entries; (auto)vacuum removes them (migration 0004 makes autovacuum come at 1% dead rows).
    noop_before_vacuum_s = noop_median()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE inspections_trackeditem")
    noop_s = noop_median()
    tomorrow = today + dt.timedelta(days=1)
    midnight_s, advanced = timed(lambda: summary.bring_up_to_date(today=tomorrow))

    rows = [
        ("comments deadlines worked out (once, every item)", refresh_s, None, f"{worked_out:,} items"),
        (
            "first sweep (all clocks)",
            first_s,
            FIRST_TARGET_S,
            f"{counts['overdue_flagged']:,} overdue and {counts['comments_flagged']:,} comments flagged",
        ),
        ("alerts step (mark events; no recipients)", notify_s, None, f"{events:,} events"),
        ("first whole job (reminders marked, figures counted)", prepare_s, None, ""),
        (
            f"job with nothing to do, before vacuum (median of {args.runs})",
            noop_before_vacuum_s,
            NOOP_TARGET_S,
            "0 changed",
        ),
        (f"job with nothing to do, after vacuum (median of {args.runs})", noop_s, NOOP_TARGET_S, "0 changed"),
        ("midnight advance of the figures", midnight_s, MIDNIGHT_TARGET_S, f"{advanced} forces recounted"),
    ]
    lines = [f"{'benchmark':<60} {'seconds':>9} {'target':>8}  result"]
    for name, seconds, target, note in rows:
        verdict = "" if target is None else ("PASS" if seconds <= target else "MISS")
        target_text = "-" if target is None else f"{target:g}"
        lines.append(f"{name:<60} {seconds:>9.3f} {target_text:>8}  {verdict:<4} {note}")
    print()
    print("\n".join(lines))
    # bench/pages.py prints this table again under its own, so that `make bench` ends with one report.
    (ROOT / "var").mkdir(exist_ok=True)
    (ROOT / "var" / "bench-sweep.txt").write_text("\n".join(lines) + "\n")
    print()
    print("EXPLAIN ANALYZE of the main flagging statement (rolled back):")
    print(plan)
    ok = (
        first_s <= FIRST_TARGET_S
        and max(noop_s, noop_before_vacuum_s) <= NOOP_TARGET_S
        and midnight_s <= MIDNIGHT_TARGET_S
        and events == due
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
