"""The API's deep pages: page numbers against keyset pages at the same depth.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker_bench python bench/api_depth.py [--runs 10]

Reads the data already in the database (fill it with `manage.py seed_scale --items 1000000`), as a
staff user made for the purpose, through Django's test client: the first page, page 15,000 (rows
750,001 to 750,050 by offset), the keyset page after the 750,000th id, and the first keyset page.
Prints the median milliseconds of each; the target is that a keyset page costs the same at any
depth (within 2x the first page's) and that every page keeps within 100 ms."""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from django_setup import django_setup

django_setup()

from django.contrib.auth.models import Group  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from accounts.models import User  # noqa: E402
from accounts.roles import GROUP_NAMES, Role  # noqa: E402
from inspections.models import TrackedItem  # noqa: E402

TARGET_MS = 100.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args(argv)
    user, _ = User.objects.get_or_create(username="bench.api")
    user.groups.add(Group.objects.get_or_create(name=GROUP_NAMES[Role.STAFF])[0])
    client = APIClient()
    client.force_authenticate(User.objects.get(pk=user.pk))
    total = TrackedItem.objects.count()
    depth = min(750_000, max(0, total - 50))
    after = TrackedItem.objects.order_by("pk").values_list("pk", flat=True)[depth] if total else 0
    page = depth // 50 + 1
    rows = [
        ("first page by number", "/api/v1/items/"),
        (f"page {page:,} by number (offset {depth:,})", f"/api/v1/items/?page={page}"),
        (f"keyset page after row {depth:,}", f"/api/v1/items/?after={after}"),
        ("first keyset page", "/api/v1/items/?after=0"),
    ]
    print(f"{total:,} items; median of {args.runs} runs after a warm-up")
    print(f"{'page':<44} {'median ms':>10}  result")
    ok = True
    medians = {}
    for name, url in rows:
        response = client.get(url)
        if response.status_code != 200:
            print(f"{name}: HTTP {response.status_code}")
            return 1
        samples = []
        for _ in range(args.runs):
            started = time.perf_counter()
            client.get(url)
            samples.append((time.perf_counter() - started) * 1000)
        medians[name] = median = statistics.median(samples)
        if url.startswith("/api/v1/items/?page="):
            verdict = "(for comparison: an offset reads every row it skips)"
        else:
            verdict = "PASS" if median <= TARGET_MS else "MISS"
            ok = ok and verdict == "PASS"
        print(f"{name:<44} {median:>10.0f}  {verdict}")
    keyset_deep, keyset_first = medians[rows[2][0]], medians[rows[3][0]]
    ok = ok and keyset_deep <= 2 * keyset_first + 10
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
