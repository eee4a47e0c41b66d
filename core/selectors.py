"""Reads every app shares."""

from django.db.models import QuerySet
from django.http import Http404


def get_visible_or_404(queryset: QuerySet, **lookup):
    """Fetch one object from an already scoped queryset; anything outside the scope is a 404,
    so that its existence does not leak."""
    try:
        return queryset.get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404("Not found") from None
