from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from forces.services import GOVERNANCE_CSV, REGISTER_FILES, ForceDataError, register_load


class Command(BaseCommand):
    help = (
        "Create or update every organisation (forces/data/forces.csv and bodies.csv) and who governs each "
        "(forces/data/governance.csv). Idempotent."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--path", type=Path, action="append", help="an organisations CSV (repeatable)")
        parser.add_argument("--governance", type=Path, default=GOVERNANCE_CSV, help="the governance CSV")

    def handle(self, *args, path: list[Path] | None, governance: Path, **options) -> None:
        paths = tuple(path) if path else REGISTER_FILES
        for candidate in (*paths, governance):
            if not candidate.exists():
                raise CommandError(f"No such file: {candidate}")
        try:
            result = register_load(paths=paths, governance_path=governance)
        except ForceDataError as error:
            raise CommandError(str(error)) from error
        organisations, periods = result.organisations, result.governance
        self.stdout.write(
            f"Organisations: {organisations.created} created, {organisations.updated} updated, "
            f"{organisations.total} in all. Governance: {periods.created} created, {periods.updated} updated, "
            f"{periods.total} in all."
        )
