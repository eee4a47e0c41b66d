from django.apps import AppConfig


class ReportingConfig(AppConfig):
    """The pages that summarise across the domain: the dashboard, force pages and the downloads,
    and the maintained summary of the figures they show (reporting/summary.py)."""

    name = "reporting"
    verbose_name = "Reporting"

    def ready(self) -> None:
        from reporting import signals  # noqa: F401  (connects the summary's receivers)
