"""Time an import of generated findings: parse and check, then save (one transaction).

    python manage.py bench_import --rows 10000 --forces single
    python manage.py bench_import --rows 200 --forces all-police

Creates a throw-away inspection and deletes it (and everything imported into it) afterwards."""

import csv
import io
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from accounts.models import User
from accounts.roles import GROUP_NAMES, Role
from forces.models import Force
from imports.models import ImportBatch
from imports.services import import_batch_create, import_batch_run
from inspections.models import Programme
from inspections.services import InspectionFields, inspection_create


class Command(BaseCommand):
    help = "Measure the time to import generated findings."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--rows", type=int, default=10_000)
        parser.add_argument("--forces", choices=["single", "all-police"], default="single")
        parser.add_argument("--keep", action="store_true", help="Keep what was imported.")

    def handle(self, *args, rows: int, forces: str, keep: bool, **options) -> None:
        names = list(
            Force.objects.filter(kind=Force.Kind.POLICE, active_until__isnull=True).values_list("name", flat=True)
        )
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["reference", "category", "text", "forces", "target_date", "cause_of_concern"])
        for n in range(rows):
            target = "all police forces" if forces == "all-police" else names[n % len(names)]
            writer.writerow(
                [f"B{n}", "recommendation", f"Benchmark recommendation number {n}.", target, "31/03/2027", ""]
            )
        data = buffer.getvalue().encode()
        user = User.objects.filter(is_active=True, groups__name=GROUP_NAMES[Role.STAFF]).first()
        if user is None:
            raise CommandError("No active inspectorate staff user: the import is saved in their name.")
        inspection = inspection_create(
            user=user,
            fields=InspectionFields(
                programme=Programme.objects.first(), reference=f"BENCH-{time.time_ns()}", title="Benchmark"
            ),
        )

        started = time.monotonic()
        batch = import_batch_create(user=user, inspection=inspection, data=data, name="bench.csv")
        checked = time.monotonic()
        assert batch.problem_count == 0, batch.rows[:3]
        ImportBatch.objects.filter(pk=batch.pk).update(state=ImportBatch.State.QUEUED)
        batch = import_batch_run(batch_id=batch.pk)
        saved = time.monotonic()
        self.stdout.write(
            f"{connection.vendor}: {rows:,} rows ({forces}), {batch.item_count:,} items, "
            f"{len(data) / 1e6:.1f} MB: check {checked - started:.1f} s, save {saved - checked:.1f} s, "
            f"total {saved - started:.1f} s"
        )
        if not keep:
            inspection.delete()
