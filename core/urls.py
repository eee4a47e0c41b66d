from django.conf import settings
from django.urls import reverse


def absolute_url(name: str, **kwargs) -> str:
    """The full address of a page, for emails (SITE_URL and the path)."""
    return settings.SITE_URL.rstrip("/") + reverse(name, kwargs=kwargs or None)


def item_url(pk: int) -> str:
    """The full address of a tracked item's page, for emails."""
    return absolute_url("inspections:item_detail", pk=pk)
