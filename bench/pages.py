"""Page benchmarks at national scale: each page against its floor and the admin.

    DATABASE_URL=postgres://.../tracker_bench python bench/pages.py [--items 1000000] [--runs 20]

Fills the database with seed_scale when it holds fewer items than asked, then measures each page
through Django's test client (the whole request: middleware, queries, template), its floor (the
very SQL statements the page ran, executed bare on a cursor), and where there is one the Django
admin changelist on the same data and filter. Prints one table: median and p95 of each, and the
ratio to the floor, each row marked PASS or MISS against the targets (p95 <= 300 ms, median <=
twice the floor plus 50 ms, faster than the admin). The CSV export of ~100,000 rows is timed, then
measured again for peak Python memory (tracemalloc slows it, so not in the same run). The overdue
sweep's table (bench/sweep.py, run first by `make bench`) is printed last. Exits 1 on a MISS."""

import argparse
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from django_setup import ROOT, django_setup

django_setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from accounts.models import User  # noqa: E402
from demo.scale import print_progress, scale_seed  # noqa: E402
from inspections.models import TrackedItem  # noqa: E402

P95_TARGET_MS = 300.0
REGISTER_P95_TARGET_MS = 100.0
EXPORT_ROWS_PER_S = 50_000
EXPORT_PEAK_MB = 200


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def timed(fn, runs: int) -> list[float]:
    fn()  # warm: connections, caches of compiled templates, PostgreSQL buffers
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def floor_of(client: Client, url: str, runs: int, *, clear_cache: bool = False) -> list[float]:
    """Capture the SQL the page runs, then time running exactly those statements bare."""
    if clear_cache:
        cache.clear()
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    skip = ("SAVEPOINT", "RELEASE", "DECLARE", "FETCH", "CLOSE")
    statements = [q["sql"] for q in captured.captured_queries if not q["sql"].lstrip().startswith(skip)]

    def run() -> None:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
                if cursor.description:
                    cursor.fetchall()

    return timed(run, runs)


def page(client: Client, url: str, runs: int, *, clear_cache: bool = False) -> list[float]:
    def get() -> None:
        if clear_cache:
            cache.clear()
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        if hasattr(response, "streaming_content"):
            for _ in response.streaming_content:
                pass

    return timed(get, runs)


def export_memory(client: Client, url: str) -> tuple[float, float, int]:
    tracemalloc.start()
    started = time.perf_counter()
    response = client.get(url)
    rows = 0
    for chunk in response.streaming_content:
        rows += chunk.count(b"\n")
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return seconds, peak / 1024 / 1024, rows - 1


def export_time(client: Client, url: str) -> tuple[float, int]:
    started = time.perf_counter()
    response = client.get(url)
    rows = sum(chunk.count(b"\n") for chunk in response.streaming_content)
    return time.perf_counter() - started, rows - 1


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--export-region", default="West Midlands")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/pages.py measures PostgreSQL: set DATABASE_URL=postgres://.../tracker_bench")
    have = TrackedItem.objects.count()
    if have < args.items:
        print(f"Seeding {args.items - have:,} items (have {have:,})...", file=sys.stderr)
        scale_seed(items=args.items - have, progress=print_progress)
        print(file=sys.stderr)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    admin, _ = User.objects.get_or_create(username="bench.admin", defaults={"is_superuser": True, "is_staff": True})
    from django.contrib.auth.models import Group

    from accounts.roles import GROUP_NAMES, Role

    admin.groups.add(Group.objects.get(name=GROUP_NAMES[Role.STAFF]))
    client = Client()
    client.force_login(admin)
    # Past the second sign-in step, as the code page leaves the session.
    from accounts import two_factor

    session = client.session
    session[two_factor.SESSION_KEY] = two_factor.BY_CODE
    session.save()

    item = TrackedItem.objects.filter(status="in_progress").order_by("id").first()
    force_slug = item.force.slug
    items_url = reverse("inspections:item_list")
    admin_items = "/admin/inspections/trackeditem/"
    # (label, url, clear the cache before each request, admin changelist on the same filter, a target?)
    pages = [
        ("Dashboard (cached)", reverse("dashboard"), False, None, True),
        ("Dashboard (cold, for information)", reverse("dashboard"), True, None, False),
        ("Item list, first page", items_url, False, admin_items, True),
        (
            "Item list, filtered (in progress)",
            items_url + "?status=in_progress",
            False,
            admin_items + "?status__exact=in_progress",
            True,
        ),
        ("Item list, text search (vetting)", items_url + "?q=vetting", False, admin_items + "?q=vetting", True),
        ("Item page", reverse("inspections:item_detail", kwargs={"pk": item.pk}), False, None, True),
        ("Force page", reverse("forces:force_detail", kwargs={"slug": force_slug}), False, None, True),
        # The managers' overdue review queue, grouped by finding (item_awaiting_review_idx).
        ("Overdue review queue", reverse("oversight:queue"), False, None, True),
        ("Overdue review queue, filtered", reverse("oversight:queue") + "?theme=vetting&q=vetting", False, None, True),
        # The public register, uncached (the shared cache cleared before each request): target p95 <= 100 ms.
        (
            "Register: force page (uncached)",
            reverse("register:force_detail", kwargs={"slug": force_slug}),
            True,
            None,
            "register",
        ),
        (
            "Register: search (uncached)",
            reverse("register:search") + "?q=vetting&theme=vetting&status=being_progressed",
            True,
            None,
            "register",
        ),
        ("Register: search, no filter (uncached)", reverse("register:search"), True, None, "register"),
    ]
    rows = []
    for label, url, clear, admin_url, targeted in pages:
        print(f"measuring {label}...", file=sys.stderr)
        measured = page(client, url, args.runs, clear_cache=clear)
        floor = floor_of(client, url, args.runs, clear_cache=clear)
        alt = page(client, admin_url, max(5, args.runs // 4)) if admin_url else None
        rows.append((label, measured, floor, alt, targeted))

    missed = []
    print()
    print(f"Pages at {TrackedItem.objects.count():,} tracked items, {args.runs} runs each (ms)")
    print(
        f"{'page':36} {'median':>8} {'p95':>8} {'floor p50':>10} {'ratio':>6} {'admin p50':>10}  "
        f"target: p95<={P95_TARGET_MS:.0f}, median<=2*floor+50, <admin"
    )
    for label, measured, floor, alt, targeted in rows:
        median, p95, floor_median = statistics.median(measured), percentile(measured, 95), statistics.median(floor)
        ratio = median / max(floor_median, 0.01)
        checks = [p95 <= (REGISTER_P95_TARGET_MS if targeted == "register" else P95_TARGET_MS)]
        if targeted != "register":
            checks.append(median <= 2 * floor_median + 50)
        if alt:
            checks.append(median < statistics.median(alt))
        verdict = ("PASS" if all(checks) else "MISS") if targeted else "-"
        if verdict == "MISS":
            missed.append(label)
        print(
            f"{label:36} {median:8.1f} {p95:8.1f} {floor_median:10.1f} {ratio:6.1f} "
            f"{(f'{statistics.median(alt):10.1f}') if alt else '         -'}  {verdict}"
        )
    export = reverse("reporting:item_export")
    # ~100,000 rows: one region's items (West Midlands is ~99,000 of 1,020,097 in seed_scale's data).
    query = "?format=csv&region=" + args.export_region.replace(" ", "+")
    seconds, count = export_time(client, export + query)
    _, peak_mb, _ = export_memory(client, export + query)
    rate = count / seconds
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    ok = rate >= EXPORT_ROWS_PER_S and peak_mb <= EXPORT_PEAK_MB and rss <= EXPORT_PEAK_MB
    if not ok:
        missed.append("CSV export")
    print(
        f"\nCSV export ({args.export_region}): {count:,} rows in {seconds:.2f} s = {rate:,.0f} rows/s; "
        f"peak Python memory {peak_mb:.1f} MB (tracemalloc, separate run), process peak RSS {rss:.0f} MB; "
        f"target >= {EXPORT_ROWS_PER_S:,} rows/s within {EXPORT_PEAK_MB} MB: {'PASS' if ok else 'MISS'}"
    )
    sweep = ROOT / "var" / "bench-sweep.txt"
    if sweep.exists():
        print(f"\nOverdue sweep (bench/sweep.py, {time.ctime(sweep.stat().st_mtime)}):")
        print(sweep.read_text().rstrip())
    if missed:
        print(f"\nMissed: {', '.join(missed)}")
        sys.exit(1)


if __name__ == "__main__":
    main()
