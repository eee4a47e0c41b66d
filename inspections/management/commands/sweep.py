"""The overdue sweep without Celery, for cron and the embedded default: the same services the
beat schedule runs, then delivery of whatever is waiting in the outbox."""

from django.core.management.base import BaseCommand

from inspections.overdue.digests import daily_digests_enqueue, weekly_digests_enqueue
from inspections.overdue.sweep import sweep_run
from notifications.services import messages_deliver


class Command(BaseCommand):
    help = "Flag what is overdue or late, send alerts and reminders (and digests if asked), deliver the outbox."

    def add_arguments(self, parser):
        parser.add_argument("--daily-digest", action="store_true", help="Also enqueue the liaison officers' digest.")
        parser.add_argument("--weekly-digest", action="store_true", help="Also enqueue the managers' digest.")
        parser.add_argument("--no-deliver", action="store_true", help="Leave the outbox for the worker.")

    def handle(self, *args, **options):
        counts = sweep_run()
        if options["daily_digest"]:
            counts["daily_digests_enqueued"] = daily_digests_enqueue()
        if options["weekly_digest"]:
            counts["weekly_digests_enqueued"] = weekly_digests_enqueue()
        if not options["no_deliver"]:
            counts.update({f"messages_{k}": v for k, v in messages_deliver().items()})
        self.stdout.write(" ".join(f"{key}={value}" for key, value in counts.items()))
