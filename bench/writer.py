"""A force at work while the dashboard is under load: one liaison officer posts a progress update
every --every seconds through the service a form post calls (inspections.services.item_update_post:
the same transaction, summary cells and cache drop as in the web request), until stopped. bench/load.sh
runs it beside wrk. On SIGTERM or SIGINT it prints how many updates it posted and how long the
slowest took.

    DATABASE_URL=postgres://.../tracker_scale python bench/writer.py [--every 1]
"""

import argparse
import signal
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from django_setup import django_setup

django_setup()

from django.contrib.auth.models import Group  # noqa: E402
from django.db.models import Count  # noqa: E402

from accounts.models import User  # noqa: E402
from accounts.roles import GROUP_NAMES, Role  # noqa: E402
from core.dates import london_today  # noqa: E402
from forces.models import Force, LiaisonMembership  # noqa: E402
from inspections import rules  # noqa: E402
from inspections.models import TrackedItem  # noqa: E402
from inspections.services import item_update_post  # noqa: E402

stopping = False


def _stop(signum, frame) -> None:
    global stopping
    stopping = True


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--every", type=float, default=1.0, help="seconds between updates")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    force = Force.objects.annotate(n=Count("items")).order_by("-n").first()
    user, _ = User.objects.get_or_create(username="load.liaison")
    user.groups.add(Group.objects.get(name=GROUP_NAMES[Role.LIAISON]))
    LiaisonMembership.objects.get_or_create(user=user, force=force)
    published = rules.published_q(today=london_today(), path="finding__inspection__")
    items = list(
        TrackedItem.objects.filter(rules.open_q(), published, force=force)
        .order_by("id")
        .values_list("pk", flat=True)[:50]
    )
    if not items:
        sys.exit(f"bench/writer.py: {force.name} has no open item to update")
    posted, slowest = 0, 0.0
    while not stopping:
        started = time.perf_counter()
        item = TrackedItem.objects.get(pk=items[posted % len(items)])
        item_update_post(item=item, user=user, version=item.version, narrative=f"Load test update {posted + 1}.")
        took = time.perf_counter() - started
        posted, slowest = posted + 1, max(slowest, took)
        time.sleep(max(0.0, args.every - took))
    print(
        f"writer: {posted} progress updates to {force.name}, one every {args.every:g} s, slowest {slowest * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
