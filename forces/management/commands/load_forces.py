from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from forces.services import ALIASES_CSV, GOVERNANCE_CSV, REGISTER_FILES, ForceDataError, register_load


class Command(BaseCommand):
    help = (
        "Create or update every organisation (forces/data/forces.csv and bodies.csv), who governs each "
        "(forces/data/governance.csv) and the other ways their names are written (forces/data/aliases.csv). "
        "Idempotent."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--path", type=Path, action="append", help="an organisations CSV (repeatable)")
        parser.add_argument("--governance", type=Path, default=GOVERNANCE_CSV, help="the governance CSV")
        parser.add_argument("--aliases", type=Path, default=ALIASES_CSV, help="the aliases CSV")

    def handle(self, *args, path: list[Path] | None, governance: Path, aliases: Path, **options) -> None:
        paths = tuple(path) if path else REGISTER_FILES
        for candidate in (*paths, governance, aliases):
            if not candidate.exists():
                raise CommandError(f"No such file: {candidate}")
        try:
            result = register_load(paths=paths, governance_path=governance, aliases_path=aliases)
        except ForceDataError as error:
            raise CommandError(str(error)) from error
        organisations, periods, named = result.organisations, result.governance, result.aliases
        self.stdout.write(
            f"Organisations: {organisations.created} created, {organisations.updated} updated, "
            f"{organisations.total} in all. Governance: {periods.created} created, {periods.updated} updated, "
            f"{periods.total} in all."
        )
        self.stdout.write(f"Aliases: {named.created} added, {named.removed} removed, {named.total} in all.")
        if named.skipped:
            self.stdout.write(
                f"Aliases of organisations not in the register yet, left out: {', '.join(named.skipped)}."
            )
