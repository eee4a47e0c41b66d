"""manage.py figures: rebuild the dashboard's maintained summary from the items, or check it."""

import time

from django.core.management.base import BaseCommand, CommandError

from core.dates import london_today
from reporting import summary


class Command(BaseCommand):
    help = (
        "Rebuild the dashboard's summary of figures from the items (--rebuild), or check that it equals a "
        "recount of them (--check; exits 1 listing the differences)."
    )

    def add_arguments(self, parser) -> None:
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument("--rebuild", action="store_true", help="Count every force's figures afresh.")
        action.add_argument("--check", action="store_true", help="Compare the summary with a recount.")

    def handle(self, *args, rebuild: bool, check: bool, **options) -> None:
        today = london_today()
        started = time.monotonic()
        if rebuild:
            forces = summary.recount(force_ids=None, today=today)
            self.stdout.write(
                f"Counted the figures of {forces} forces for {today:%d %B %Y} in {time.monotonic() - started:.1f} s."
            )
            return
        found = summary.differences(today=today)
        if found:
            for line in found[:200]:
                self.stderr.write(line)
            raise CommandError(
                f"The summary differs from a recount in {len(found)} place(s). Run manage.py figures --rebuild."
            )
        self.stdout.write(f"The summary equals a recount of every item ({time.monotonic() - started:.1f} s).")
