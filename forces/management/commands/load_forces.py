from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from forces.services import ALIASES_CSV, FORCES_CSV, ForceDataError, aliases_load_from_csv, forces_load_from_csv


class Command(BaseCommand):
    help = (
        "Create or update every organisation inspected from forces/data/forces.csv, then the other ways "
        "their names are written from forces/data/aliases.csv (idempotent)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--path", type=Path, default=FORCES_CSV)
        parser.add_argument("--aliases", type=Path, default=ALIASES_CSV)

    def handle(self, *args, path: Path, aliases: Path, **options) -> None:
        for file in (path, aliases):
            if not file.exists():
                raise CommandError(f"No such file: {file}")
        try:
            result = forces_load_from_csv(path=path)
            named = aliases_load_from_csv(path=aliases)
        except ForceDataError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Forces: {result.created} created, {result.updated} updated, {result.total} in all.")
        self.stdout.write(f"Aliases: {named.created} added, {named.removed} removed, {named.total} in all.")
        if named.skipped:
            self.stdout.write(
                f"Aliases of organisations not in the register yet, left out: {', '.join(named.skipped)}."
            )
