from django.apps import AppConfig


class ReportingConfig(AppConfig):
    """The pages that summarise across the domain: the dashboard, force pages and the downloads."""

    name = "reporting"
    verbose_name = "Reporting"
