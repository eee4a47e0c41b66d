import time

from django.core.management.base import BaseCommand, CommandError

from demo.scale import ScaleError, print_progress, scale_seed


class Command(BaseCommand):
    help = "Fill PostgreSQL with N realistic tracked items for benchmarks (distributed like the demo data)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--items", type=int, required=True, help="How many tracked items to create, e.g. 1000000")
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, items: int, seed: int, **options) -> None:
        started = time.monotonic()
        try:
            total = scale_seed(items=items, seed=seed, progress=print_progress)
        except ScaleError as error:
            raise CommandError(str(error)) from error
        self.stderr.write("")
        self.stdout.write(f"{total:,} generated items in the database ({time.monotonic() - started:.1f} s).")
