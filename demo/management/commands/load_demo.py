from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.services import DEMO_PASSWORD, DEMO_TOTP_SECRET, DEMO_USERS, demo_load, demo_load_refusal


class Command(BaseCommand):
    help = (
        "Load every organisation, realistic inspections and tracked items, and one demo user per role "
        "(idempotent). Only into the embedded SQLite database, an empty database or one that holds "
        "the demo already, unless --force."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--force", action="store_true", help="load it into a database that holds other data as well"
        )

    def handle(self, *args, force: bool = False, **options) -> None:
        embedded = str(settings.DATABASES["default"]["NAME"]) == str(settings.EMBEDDED_DATABASE)
        refusal = None if force else demo_load_refusal(embedded=embedded)
        if refusal:
            raise CommandError(
                f"Refusing to load the demo data: {refusal}\n"
                "Use an empty database for the demo, start without it (LOAD_DEMO=0 make run), or run "
                "`python manage.py load_demo --force` if you really mean it."
            )
        result = demo_load()
        state = "loaded" if result.created else "already loaded; left as it was"
        self.stdout.write(
            f"Demo data {state}: {result.inspections} inspections, {result.items} tracked items, "
            f"{result.users} demo users."
        )
        for username, *_rest, role, _forces in DEMO_USERS:
            self.stdout.write(f"  sign in as {username!r} ({role.label}) with password {DEMO_PASSWORD!r}")
        self.stdout.write(
            f"Then enter the code from an authenticator app set up with the demo secret {DEMO_TOTP_SECRET} "
            "(the same for every demo user), or the code `python manage.py demo_code` prints."
        )
