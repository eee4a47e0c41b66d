from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for `make run` and synthetic data at national scale for the benchmarks."""

    name = "demo"
    verbose_name = "Demo and scale data"
