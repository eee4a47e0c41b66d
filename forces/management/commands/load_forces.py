from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from forces.services import FORCES_CSV, ForceDataError, forces_load_from_csv


class Command(BaseCommand):
    help = "Create or update every organisation inspected from forces/data/forces.csv (idempotent)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--path", type=Path, default=FORCES_CSV)

    def handle(self, *args, path: Path, **options) -> None:
        if not path.exists():
            raise CommandError(f"No such file: {path}")
        try:
            result = forces_load_from_csv(path=path)
        except ForceDataError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Forces: {result.created} created, {result.updated} updated, {result.total} in all.")
