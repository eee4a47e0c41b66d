from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = "Inspections and recommendations"

    def ready(self) -> None:
        from inspections.overdue import comments_due  # noqa: F401  (connects its receivers)
