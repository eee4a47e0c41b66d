"""Page benchmarks at national scale (issue 7): each page against its floor and the admin.

    DATABASE_URL=postgres://.../tracker_bench python bench/pages.py [--items 1000000] [--runs 20]

Fills the database with seed_scale when it holds fewer items than asked, then measures each page
through Django's test client (the whole request: middleware, queries, template), its floor (the
very SQL statements the page ran, executed bare on a cursor), and where there is one the Django
admin changelist on the same data and filter. Prints one table: median and p95 of each, and the
ratio to the floor. The CSV export is measured for time and peak Python memory (tracemalloc)."""

import argparse
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("STATICFILES_BACKEND", "django.contrib.staticfiles.storage.StaticFilesStorage")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402

from accounts.models import User  # noqa: E402
from inspections.models import TrackedItem  # noqa: E402
from inspections.scale import print_progress, scale_seed  # noqa: E402


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


def floor_of(client: Client, url: str, runs: int) -> list[float]:
    """Capture the SQL the page runs, then time running exactly those statements bare."""
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


def url_or_none(name: str, **kwargs) -> str | None:
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=20)
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

    item = TrackedItem.objects.filter(status="in_progress").order_by("id").first()
    force_slug = item.force.slug
    rows: list[tuple[str, list[float], list[float] | None, list[float] | None]] = []
    pages = [
        ("Dashboard (cached)", url_or_none("dashboard"), False, None),
        ("Dashboard (cache cleared)", url_or_none("dashboard"), True, None),
        ("Item list, first page", url_or_none("inspections:item_list"), False, "/admin/inspections/trackeditem/"),
        (
            "Item list, filtered (in progress)",
            (url_or_none("inspections:item_list") or "") + "?status=in_progress",
            False,
            "/admin/inspections/trackeditem/?status__exact=in_progress",
        ),
        (
            "Item list, text search",
            (url_or_none("inspections:item_list") or "") + "?q=vetting",
            False,
            "/admin/inspections/trackeditem/?q=vetting",
        ),
        ("Item page", url_or_none("inspections:item_detail", pk=item.pk), False, None),
        ("Force page", url_or_none("forces:force_detail", slug=force_slug), False, None),
    ]
    for label, url, clear, admin_url in pages:
        if not url or url.startswith("?"):
            print(f"skipped {label}: no such page", file=sys.stderr)
            continue
        print(f"measuring {label}...", file=sys.stderr)
        measured = page(client, url, args.runs, clear_cache=clear)
        floor = floor_of(client, url, args.runs)
        alt = page(client, admin_url, max(5, args.runs // 4)) if admin_url else None
        rows.append((label, measured, floor, alt))

    print()
    print(f"Pages at {TrackedItem.objects.count():,} tracked items, {args.runs} runs each (ms)")
    print(f"{'page':36} {'median':>8} {'p95':>8} {'floor p50':>10} {'ratio':>6} {'admin p50':>10}")
    for label, measured, floor, alt in rows:
        ratio = statistics.median(measured) / max(statistics.median(floor), 0.01) if floor else 0
        print(
            f"{label:36} {statistics.median(measured):8.1f} {percentile(measured, 95):8.1f} "
            f"{statistics.median(floor):10.1f} {ratio:6.1f} "
            f"{(f'{statistics.median(alt):10.1f}') if alt else '         -'}"
        )
    export = url_or_none("inspections:item_export")
    if export:
        seconds, peak_mb, count = export_memory(client, export + "?format=csv&status=complete")
        print(
            f"\nCSV export: {count:,} rows in {seconds:.2f} s = {count / seconds:,.0f} rows/s, "
            f"peak Python memory {peak_mb:.1f} MB"
        )


if __name__ == "__main__":
    main()
