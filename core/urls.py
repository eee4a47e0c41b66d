from django.conf import settings
from django.urls import reverse


def absolute_url(name: str, **kwargs) -> str:
    """The full address of a page, for emails (SITE_URL and the path)."""
    return settings.SITE_URL.rstrip("/") + reverse(name, kwargs=kwargs or None)


def item_url(pk: int) -> str:
    """The full address of a tracked item's page, for emails."""
    return absolute_url("inspections:item_detail", pk=pk)


# A primary key no row has, reversed once by url_maker and replaced by each row's own.
_SENTINEL_PK = 987654321987


def url_maker(name: str):
    """absolute_url(name, pk=...) for many rows at the cost of one reverse(): a feed of thousands
    of items would otherwise spend half its time resolving the same pattern."""
    template = absolute_url(name, pk=_SENTINEL_PK)
    before, _, after = template.partition(str(_SENTINEL_PK))
    return lambda pk: f"{before}{int(pk)}{after}"
