from django.apps import AppConfig


class CalendarsConfig(AppConfig):
    name = "calendars"
    verbose_name = "Calendar feeds"

    def ready(self) -> None:
        from calendars import signals

        signals.connect()
