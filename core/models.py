from django.db import models


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class JobRun(models.Model):
    """The last successful run of each periodic job, for the health endpoint and the dashboard."""

    name = models.CharField(max_length=60, unique=True)
    last_success_at = models.DateTimeField()
    last_duration_ms = models.PositiveIntegerField(default=0)
    details = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return f"{self.name} at {self.last_success_at:%Y-%m-%d %H:%M}"
