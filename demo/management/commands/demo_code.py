import datetime as dt
import time

from django.core.management.base import BaseCommand
from django_otp.oath import TOTP

from demo.services import DEMO_TOTP_SECRET, demo_totp_key_hex


class Command(BaseCommand):
    help = (
        "Print the code the demo users' authenticator app shows now (every demo user has the same "
        f"published secret, {DEMO_TOTP_SECRET}). Demo data only: real users' secrets are never printed."
    )

    def handle(self, *args, **options) -> None:
        totp = TOTP(bytes.fromhex(demo_totp_key_hex()))
        now = time.time()
        totp.time = now
        left = int(totp.step - (now - totp.t0) % totp.step)
        until = (dt.datetime.now() + dt.timedelta(seconds=left)).strftime("%H:%M:%S")
        self.stdout.write(f"{totp.token():06d}")
        self.stderr.write(
            f"The demo code for the next {left} seconds (until {until}). Each code signs a user in once: "
            "if it is refused, wait for the next one."
        )
