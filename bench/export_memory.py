"""Memory of the recommendations export: the CSV and Excel downloads stream, so the peak
Python memory for 100,000 rows should be about the same as for 10,000. A benchmark, not a test.

    python bench/export_memory.py                 # a scratch SQLite file in /tmp
    DATABASE_URL=postgres://.../tracker_bench python bench/export_memory.py

Creates (once) 100,000 items in two inspections (10,000 and 90,000), then downloads each format
for 10,000 rows (one inspection, through the list's own filter) and for all 100,000, consuming the
stream chunk by chunk, and prints the peak memory that tracemalloc saw and the time taken (tracemalloc
slows allocation-heavy code many times over: without it, 10,000 rows take about 0.7 s as CSV and
2.5 s as Excel on SQLite)."""

import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from django_setup import django_setup

django_setup(DATABASE_URL="sqlite:////tmp/tracker_export_bench.sqlite3")

import datetime as dt  # noqa: E402

from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from accounts.models import User  # noqa: E402
from accounts.roles import GROUP_NAMES, Role  # noqa: E402
from forces.models import Force  # noqa: E402
from inspections.models import Finding, Inspection, Programme, TrackedItem  # noqa: E402

SIZES = {"BENCH-10K": 10_000, "BENCH-90K": 90_000}


def fill() -> None:
    if TrackedItem.objects.filter(finding__inspection__reference__in=SIZES).count() == sum(SIZES.values()):
        return
    forces = [
        Force.objects.get_or_create(
            slug=f"bench-force-{i}",
            defaults={"name": f"Bench Force {i}", "kind": "police", "region": "North East", "country": "England"},
        )[0]
        for i in range(40)
    ]
    programme = Programme.objects.get_or_create(slug="peel", defaults={"name": "PEEL"})[0]
    today = dt.date.today()
    for reference, size in SIZES.items():
        inspection, _ = Inspection.objects.get_or_create(
            reference=reference,
            defaults={"programme": programme, "title": f"Benchmark {reference}", "published_on": today},
        )
        per_force = size // len(forces)
        findings = Finding.objects.bulk_create(
            Finding(
                inspection=inspection,
                category="recommendation",
                reference=f"R{i}",
                text=f'=HYPERLINK("x") {i}',
                position=i,
            )
            for i in range(per_force)
        )
        for force in forces:
            TrackedItem.objects.bulk_create(
                (
                    TrackedItem(finding=f, force=force, original_target_date=today, current_target_date=today)
                    for f in findings
                ),
                batch_size=5000,
            )
        print(f"  {reference}: {size} items")


def measure(client: Client, query: dict) -> tuple[int, float, float]:
    tracemalloc.start()
    started = time.perf_counter()
    response = client.get(reverse("reporting:item_export"), query)
    size = 0
    for chunk in response.streaming_content:
        size += len(chunk)
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    response.close()
    return size, peak / 1024 / 1024, elapsed


def main() -> None:
    call_command("migrate", verbosity=0)
    fill()
    user, _ = User.objects.get_or_create(username="bench.staff")
    user.groups.add(Group.objects.get(name=GROUP_NAMES[Role.STAFF]))
    client = Client()
    client.force_login(user)
    print(f"{'format':<6} {'rows':>8} {'bytes':>12} {'peak MiB':>9} {'seconds':>8}")
    for fmt in ("csv", "xlsx"):
        for label, query in (("10,000", {"inspection": "BENCH-10K"}), ("100,000", {"q": "Benchmark"})):
            size, peak, elapsed = measure(client, {**query, "format": fmt})
            print(f"{fmt:<6} {label:>8} {size:>12,} {peak:>9.1f} {elapsed:>8.1f}")


if __name__ == "__main__":
    main()
