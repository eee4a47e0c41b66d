from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"

    def ready(self) -> None:
        # Connects the receiver that bumps the data generation after a cache outage.
        from core import cache  # noqa: F401
