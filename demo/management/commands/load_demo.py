from django.core.management.base import BaseCommand

from demo.services import DEMO_PASSWORD, DEMO_TOTP_SECRET, DEMO_USERS, demo_load


class Command(BaseCommand):
    help = "Load every organisation, realistic inspections and tracked items, and one demo user per role (idempotent)."

    def handle(self, *args, **options) -> None:
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
